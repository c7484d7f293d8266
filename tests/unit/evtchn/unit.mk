# Event-channel unit tests (host, ASan + UBSan) against a fake environment.
UNIT_TESTS += evtchn
evtchn_SRCS := $(EVTCHN_SRCS) $(HOST_ARCH_SRCS) \
	$(wildcard tests/unit/evtchn/*.c)
# -Wno-clobbered: gcc 12 flags the harness's ut_main() counters around
# setjmp at -O1; harmless for the tests here.
evtchn_CFLAGS := -Ievtchn -Itests/unit/evtchn -Wno-clobbered
evtchn_LDLIBS := -pthread
COVERAGE_TESTS += evtchn
