# sable-consoled, the PV console daemon for domUs, and the `xl console`
# client (docs/console.md):
#   build/arm64/dom0/sable-consoled   static arm64, in dom0's /usr/sbin
#   build/host/sable-consoled         host, ASan+UBSan (no Xen devices:
#                                     it stops at start with the reason)
# xl links $(CONSOLE_CLIENT_SRCS) for `xl console` and `xl create -c`.

CONSOLED_DIR := dom0-tools/consoled
# The I/O-free ring and log code, linked by the daemon and its unit tests.
CONSOLED_CORE_SRCS := $(CONSOLED_DIR)/cons_ring.c $(CONSOLED_DIR)/cons_log.c \
	$(CONSOLED_DIR)/consoled.c dom0-tools/toolstack/xs_client.c
CONSOLED_SRCS := $(CONSOLED_CORE_SRCS) $(CONSOLED_DIR)/cons_xen.c \
	$(CONSOLED_DIR)/cons_main.c dom0-tools/toolstack/libsable.c
CONSOLE_CLIENT_SRCS := $(CONSOLED_DIR)/console_client.c
CONSOLED_HDRS := $(wildcard $(CONSOLED_DIR)/*.h) \
	dom0-tools/toolstack/xs_client.h dom0-tools/toolstack/libsable.h \
	hypervisor/include/public/sable_ctl.h \
	hypervisor/include/public/io/xs_wire.h \
	hypervisor/include/public/grant_table.h
CONSOLED_CFLAGS := -std=gnu11 $(WARN) -Ihypervisor/include -I$(CONSOLED_DIR) \
	-Idom0-tools/toolstack

$(B)/arm64/dom0/sable-consoled: $(CONSOLED_SRCS) $(CONSOLED_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(CONSOLED_CFLAGS) -static -O2 -o $@ $(CONSOLED_SRCS)

$(B)/host/sable-consoled: $(CONSOLED_SRCS) $(CONSOLED_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CONSOLED_CFLAGS) -g -O1 $(SAN) -o $@ $(CONSOLED_SRCS)

BUILD_TARGETS += $(B)/arm64/dom0/sable-consoled $(B)/host/sable-consoled

# sable-console DOMID: the client on its own (what `xl console` runs).
$(B)/arm64/dom0/sable-console: $(CONSOLED_DIR)/console_main.c \
		$(CONSOLE_CLIENT_SRCS) dom0-tools/toolstack/xs_client.c \
		$(CONSOLED_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(CONSOLED_CFLAGS) -static -O2 -o $@ \
		$(CONSOLED_DIR)/console_main.c $(CONSOLE_CLIENT_SRCS) \
		dom0-tools/toolstack/xs_client.c

BUILD_TARGETS += $(B)/arm64/dom0/sable-console
