# Unit tests of the stage-2 table builder, under ASan/UBSan/LSan. Page
# allocation is wrapped at link time so tests can count and fail it.
-include hypervisor/core/p2m.mk
UNIT_TESTS += p2m
p2m_SRCS = $(P2M_SRCS) $(HOST_ARCH_SRCS) hypervisor/arch/host/p2m_host.c \
	$(wildcard tests/unit/p2m/*.c)
p2m_LDLIBS := -Wl,--wrap=page_alloc -Wl,--wrap=page_free
# ut.c keeps loop counters across setjmp; gcc -O1 -Wextra flags them.
p2m_CFLAGS := -Wno-clobbered
