UNIT_TESTS += gnttab
gnttab_SRCS := $(GNTTAB_SRCS) $(HOST_ARCH_SRCS) \
	$(wildcard tests/unit/gnttab/*.c)
gnttab_CFLAGS := -Igrant-tables -Itests/unit/gnttab -Wno-clobbered
gnttab_LDLIBS := -pthread
COVERAGE_TESTS += gnttab
