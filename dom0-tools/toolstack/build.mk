# The toolstack: libsable (the control interface through privcmd), its
# XenStore client, the xl.cfg parser, the domain builder, init-dom0less,
# and the xl command line: a static arm64 program for dom0,
# build/arm64/dom0/xl.

TOOLSTACK_DIR := dom0-tools/toolstack
# Everything but libsable.c (the hypervisor calls), the console client
# and xl's main: the host tests link these against a fake hypervisor.
TOOLSTACK_HOST_SRCS := $(addprefix $(TOOLSTACK_DIR)/, xs_client.c \
	dom0less.c domplan.c dombuild.c domlife.c xlcfg.c xlcfg_syntax.c \
	xlcfg_dev.c xl.c xl_list.c xl_dom.c xl_create.c xl_monitor.c \
	xl_console.c xl_mem.c bootmon.c \
	devcommon.c devdisk.c devloop.c xl_block.c \
	devnet.c devnet_link.c devnet_xs.c xl_net.c)
TOOLSTACK_LIB_SRCS := $(TOOLSTACK_DIR)/libsable.c $(TOOLSTACK_HOST_SRCS)
# xl console's client belongs to the console daemon (dom0-tools/consoled).
XL_CONSOLE_SRCS := dom0-tools/consoled/console_client.c
TOOLSTACK_HDRS := $(wildcard $(TOOLSTACK_DIR)/*.h) \
	hypervisor/include/public/sable_ctl.h hypervisor/include/public/hvm.h \
	hypervisor/include/public/io/xs_wire.h hypervisor/include/public/io/xs_errors.h

$(B)/arm64/dom0/xl: $(TOOLSTACK_DIR)/xl_main.c $(TOOLSTACK_LIB_SRCS) \
		$(XL_CONSOLE_SRCS) $(TOOLSTACK_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -Ihypervisor/include \
		-I$(TOOLSTACK_DIR) -Idom0-tools/consoled -o $@ $(TOOLSTACK_DIR)/xl_main.c \
		$(TOOLSTACK_LIB_SRCS) $(XL_CONSOLE_SRCS)

BUILD_TARGETS += $(B)/arm64/dom0/xl
