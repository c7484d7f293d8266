# The toolstack on the host: the xl.cfg parser (golden files), the domain
# builder, xl's commands, the XenStore client and init-dom0less, against a
# fake hypervisor (fake_sable.c) and the host build of Sable's xenstored.
UNIT_TESTS += toolstack
toolstack_SRCS := $(TOOLSTACK_HOST_SRCS) $(wildcard tests/unit/toolstack/*.c)
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
toolstack_CFLAGS := -Wno-clobbered -I$(TOOLSTACK_DIR) \
	-DTS_XENSTORED='"$(B)/host/xenstored"' \
	-DTS_GOLDEN='"$(CURDIR)/tests/unit/toolstack/golden"'
toolstack_LDLIBS := -lpthread
$(B)/unit/toolstack: $(B)/host/xenstored $(wildcard tests/unit/toolstack/golden/*/*)
