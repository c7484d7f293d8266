# Console filter and token-bucket unit tests (portable, no environment).
UNIT_TESTS += console
console_SRCS := hypervisor/core/console_filter.c hypervisor/core/ratelimit.c \
	$(wildcard tests/unit/console/*.c)
console_CFLAGS := -Wno-clobbered
COVERAGE_TESTS += console
