FUZZERS += gnttab
fuzz_gnttab_SRCS := $(GNTTAB_SRCS) $(HOST_ARCH_SRCS) \
	tests/unit/gnttab/fake_env.c tests/fuzz/gnttab/fuzz_gnttab.c
fuzz_gnttab_CFLAGS := -Igrant-tables -Itests/unit/gnttab \
	-Ihypervisor/arch/host
