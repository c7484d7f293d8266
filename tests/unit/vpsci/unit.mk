# vPSCI unit tests (the recording hook fakes live with the vGIC tests).
include hypervisor/vdev/vdev.mk
UNIT_TESTS += vpsci
vpsci_SRCS := $(VDEV_SRCS) $(HOST_ARCH_SRCS) $(wildcard tests/unit/vpsci/*.c) \
	tests/unit/vgic/fake_env.c
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
vpsci_CFLAGS := -Wno-clobbered -Itests/unit/vgic
