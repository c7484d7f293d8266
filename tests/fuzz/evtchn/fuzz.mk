# Random operation sequences between four fake domains, with invariant
# checks after every step.
FUZZERS += evtchn
fuzz_evtchn_SRCS := $(EVTCHN_SRCS) $(HOST_ARCH_SRCS) \
	tests/unit/evtchn/fake_env.c tests/fuzz/evtchn/fuzz_evtchn.c
# Undefined behaviour is a finding too: stop on it.
fuzz_evtchn_CFLAGS := -Ievtchn -Itests/unit/evtchn -Ihypervisor/arch/host \
	-fno-sanitize-recover=all
