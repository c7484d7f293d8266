# Unit tests of the XenStore daemon's I/O-free engine and ring transport.
UNIT_TESTS += xenstored
# test_loop.c runs the event loops over a real socket (platform doubled).
xenstored_SRCS := $(XS_ENGINE_SRCS) $(XS_LOOP_SRCS) \
	tests/unit/xenstored/xt_helpers.c \
	tests/unit/xenstored/test_store.c tests/unit/xenstored/test_perms.c \
	tests/unit/xenstored/test_watch.c tests/unit/xenstored/test_txn.c \
	tests/unit/xenstored/test_domain.c tests/unit/xenstored/test_ring.c \
	tests/unit/xenstored/test_loop.c tests/unit/xenstored/test_sandbox.c \
	tests/unit/xenstored/test_isolation.c \
	tests/unit/xenstored/test_hostile.c dom0-tools/xenstored/xs_sandbox.c
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
xenstored_CFLAGS := -Idom0-tools/xenstored -Wno-clobbered
