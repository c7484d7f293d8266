# The hypervisor's own string functions (hypervisor/lib/libc.c), renamed
# hv_* by the test file that includes them, under ASan/UBSan.
UNIT_TESTS += libc
libc_SRCS := $(wildcard tests/unit/libc/*.c)
