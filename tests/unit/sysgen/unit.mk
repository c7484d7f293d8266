# sable-system (dom0-tools/sysgen) on golden system directories, and its
# device trees read back by the hypervisor's own parser (bootdom.c).
UNIT_TESTS += sysgen
sysgen_SRCS := $(SYSGEN_SRCS) hypervisor/core/bootdom.c \
	$(wildcard tests/unit/sysgen/*.c)
sysgen_CFLAGS := -Wno-clobbered $(SYSGEN_CFLAGS) \
	-DSYSGEN_GOLDEN='"$(CURDIR)/tests/unit/sysgen/golden"'
sysgen_LDLIBS := -lfdt
$(B)/unit/sysgen: $(shell find tests/unit/sysgen/golden -type f 2>/dev/null)
