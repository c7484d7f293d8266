# sable-system (docs/boot-domains.md): a directory of xl.cfg files into a
# boot device tree and QEMU's command line. A host program, built with the
# xl.cfg parser xl create uses and the host's libfdt:
#   build/host/sable-system

SYSGEN_DIR := dom0-tools/sysgen
# Everything but main: the unit tests (tests/unit/sysgen) link these.
SYSGEN_SRCS := $(addprefix $(SYSGEN_DIR)/, sysgen_read.c sysgen_check.c \
	sysgen_fdt.c sysgen_qemu.c) $(addprefix dom0-tools/toolstack/, \
	xlcfg.c xlcfg_syntax.c xlcfg_dev.c)
SYSGEN_HDRS := $(wildcard $(SYSGEN_DIR)/*.h) \
	$(wildcard dom0-tools/toolstack/xlcfg*.h)
# Messages are cut at SYSGEN_ERR_MAX on purpose.
SYSGEN_CFLAGS := -I$(SYSGEN_DIR) -Idom0-tools/toolstack -Wno-format-truncation

$(B)/host/sable-system: $(SYSGEN_DIR)/sysgen_main.c $(SYSGEN_SRCS) \
		$(SYSGEN_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 $(WARN) -O2 $(SYSGEN_CFLAGS) -o $@ \
		$(SYSGEN_DIR)/sysgen_main.c $(SYSGEN_SRCS) -lfdt

BUILD_TARGETS += $(B)/host/sable-system
