# Boot-time domain descriptions (hypervisor/core/bootdom.c) against device
# trees written with the host's libfdt.
UNIT_TESTS += bootdom
bootdom_SRCS := hypervisor/core/bootdom.c $(wildcard tests/unit/bootdom/*.c)
bootdom_CFLAGS := -Wno-clobbered
bootdom_LDLIBS := -lfdt
