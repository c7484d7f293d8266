# The frame table (hypervisor/core/page.c) on the real page allocator
# (hypervisor/core/mm.c) over a host arena, under ASan/UBSan.
UNIT_TESTS += page
page_SRCS := hypervisor/core/page.c hypervisor/core/mm.c \
	hypervisor/arch/host/log.c $(wildcard tests/unit/page/*.c)
page_CFLAGS := -Wno-clobbered
page_LDLIBS := -lpthread
