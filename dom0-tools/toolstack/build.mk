# The toolstack: libsable (the control interface through privcmd), its
# XenStore client, the xl.cfg parser, the domain builder, init-dom0less,
# and the xl command line: a static arm64 program for dom0,
# build/arm64/dom0/xl.

TOOLSTACK_DIR := dom0-tools/toolstack
# Everything but libsable.c (the hypervisor calls) and xl's main: the host
# tests link these against a fake hypervisor.
TOOLSTACK_HOST_SRCS := $(TOOLSTACK_DIR)/xs_client.c \
	$(TOOLSTACK_DIR)/dom0less.c $(TOOLSTACK_DIR)/domplan.c \
	$(TOOLSTACK_DIR)/xlcfg.c \
	$(TOOLSTACK_DIR)/xlcfg_syntax.c $(TOOLSTACK_DIR)/xlcfg_dev.c
TOOLSTACK_LIB_SRCS := $(TOOLSTACK_DIR)/libsable.c $(TOOLSTACK_HOST_SRCS)
TOOLSTACK_HDRS := $(wildcard $(TOOLSTACK_DIR)/*.h) \
	hypervisor/include/public/sable_ctl.h hypervisor/include/public/hvm.h \
	hypervisor/include/public/io/xs_wire.h hypervisor/include/public/io/xs_errors.h

$(B)/arm64/dom0/xl: $(TOOLSTACK_DIR)/xl.c $(TOOLSTACK_LIB_SRCS) $(TOOLSTACK_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -Ihypervisor/include \
		-o $@ $(TOOLSTACK_DIR)/xl.c $(TOOLSTACK_LIB_SRCS)

BUILD_TARGETS += $(B)/arm64/dom0/xl
