# libFuzzer target: random map/unmap sequences on the stage-2 builder,
# checked against a reference model after every operation.
-include hypervisor/core/p2m.mk
FUZZERS += p2m
fuzz_p2m_SRCS = $(P2M_SRCS) $(HOST_ARCH_SRCS) \
	hypervisor/arch/host/p2m_host.c tests/unit/p2m/p2m_helpers.c \
	tests/fuzz/p2m/fuzz_p2m.c
fuzz_p2m_CFLAGS := -Ihypervisor/arch/host -Itests/unit/p2m \
	-Wl,--wrap=page_alloc -Wl,--wrap=page_free
