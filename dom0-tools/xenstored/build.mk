# Sable's XenStore daemon and its load generator (dom0 userspace).
#   build/host/xenstored, build/host/xs-bench      host, ASan+UBSan
#   build/arm64/dom0/xenstored, build/arm64/dom0/xs-bench   static arm64

XS_DIR := dom0-tools/xenstored
# The I/O-free store engine: linked by the daemon, unit tests and fuzzer.
XS_ENGINE_SRCS := $(XS_DIR)/xs_path.c $(XS_DIR)/xs_perms.c \
	$(XS_DIR)/xs_node.c $(XS_DIR)/xs_tree.c $(XS_DIR)/xs_tree_view.c \
	$(XS_DIR)/xs_txn.c $(XS_DIR)/xs_engine.c \
	$(XS_DIR)/xs_watch.c $(XS_DIR)/xs_ops_node.c \
	$(XS_DIR)/xs_ops_domain.c $(XS_DIR)/xs_ops_misc.c \
	$(XS_DIR)/xs_pump.c $(XS_DIR)/xs_ring.c
# The socket transport and the event loops (unit-tested with the engine).
XS_LOOP_SRCS := $(XS_DIR)/xs_unix.c $(XS_DIR)/xs_uring.c \
	$(XS_DIR)/xs_loop_uring.c $(XS_DIR)/xs_loop_epoll.c
XS_DAEMON_SRCS := $(XS_ENGINE_SRCS) $(XS_LOOP_SRCS) $(XS_DIR)/xs_xen.c \
	$(XS_DIR)/xs_sandbox.c $(XS_DIR)/xs_main.c \
	dom0-tools/toolstack/libsable.c
XS_HDRS := $(wildcard $(XS_DIR)/*.h) hypervisor/include/public/io/xs_wire.h \
	dom0-tools/toolstack/libsable.h hypervisor/include/public/sable_ctl.h
XS_CFLAGS := -std=gnu11 $(WARN) -Ihypervisor/include -I$(XS_DIR) \
	-Idom0-tools/toolstack

$(B)/host/xenstored: $(XS_DAEMON_SRCS) $(XS_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(XS_CFLAGS) -g -O1 $(SAN) -o $@ $(XS_DAEMON_SRCS)

XS_BENCH_SRCS := $(XS_DIR)/xs-bench.c $(XS_DIR)/xs_uring.c
XS_BENCH_DEPS := $(XS_BENCH_SRCS) $(XS_DIR)/xs_uring.h \
	hypervisor/include/public/io/xs_wire.h

$(B)/host/xs-bench: $(XS_BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(XS_CFLAGS) -g -O2 -o $@ $(XS_BENCH_SRCS)

$(B)/arm64/dom0/xenstored: $(XS_DAEMON_SRCS) $(XS_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(XS_CFLAGS) -static -O2 -o $@ $(XS_DAEMON_SRCS)

$(B)/arm64/dom0/xs-bench: $(XS_BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(XS_CFLAGS) -static -O2 -o $@ $(XS_BENCH_SRCS)

BUILD_TARGETS += $(B)/host/xenstored $(B)/arm64/dom0/xenstored \
	$(B)/host/xs-bench $(B)/arm64/dom0/xs-bench
