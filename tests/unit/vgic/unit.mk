# vGIC and vtimer unit tests. vdev.mk is read here too so that the tests
# build whether or not the top Makefile includes it already.
include hypervisor/vdev/vdev.mk
UNIT_TESTS += vgic
vgic_SRCS := $(VDEV_SRCS) $(HOST_ARCH_SRCS) $(wildcard tests/unit/vgic/*.c)
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
vgic_CFLAGS := -Wno-clobbered -Ihypervisor/vdev
