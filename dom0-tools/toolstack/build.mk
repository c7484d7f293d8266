# The toolstack: libsable (the control interface through privcmd) and the
# xl command line, static arm64 programs for dom0: build/arm64/dom0/xl.

TOOLSTACK_DIR := dom0-tools/toolstack

$(B)/arm64/dom0/xl: $(TOOLSTACK_DIR)/xl.c $(TOOLSTACK_DIR)/libsable.c \
		$(TOOLSTACK_DIR)/libsable.h hypervisor/include/public/sable_ctl.h
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -Ihypervisor/include \
		-o $@ $(TOOLSTACK_DIR)/xl.c $(TOOLSTACK_DIR)/libsable.c

BUILD_TARGETS += $(B)/arm64/dom0/xl
