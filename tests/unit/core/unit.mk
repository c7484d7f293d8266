# The whole hypervisor core on the host (ASan + UBSan): every file of
# hypervisor/core with the real page allocator, p2m, environment hooks
# (dom_env.c) and hypercall paths, evtchn/, grant-tables/ and the device
# models, over hypervisor/arch/host and the host's libfdt. Each test runs
# in a fresh process (main.c). test_contracts.c holds the tests of the
# environment hooks' contracts, test_ownership.c frame ownership.
UNIT_TESTS += core
core_SRCS = $(sort $(wildcard hypervisor/core/*.c) $(P2M_SRCS)) \
	$(VDEV_SRCS) $(EVTCHN_SRCS) $(GNTTAB_SRCS) $(HOST_CORE_SRCS) \
	$(wildcard tests/unit/core/*.c)
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
core_CFLAGS := $(HOST_CORE_CFLAGS) -Ihypervisor/core -Itests/unit/core \
	-Wno-clobbered
core_LDLIBS := -lfdt -pthread
COVERAGE_TESTS += core
