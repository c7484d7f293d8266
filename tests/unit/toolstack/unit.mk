# The toolstack's XenStore client and init-dom0less on the host, against a
# fake hypervisor and the host build of Sable's xenstored.
UNIT_TESTS += toolstack
toolstack_SRCS := $(TOOLSTACK_DIR)/xs_client.c $(TOOLSTACK_DIR)/dom0less.c \
	$(wildcard tests/unit/toolstack/*.c)
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
toolstack_CFLAGS := -Wno-clobbered -I$(TOOLSTACK_DIR) \
	-DTS_XENSTORED='"$(B)/host/xenstored"'
toolstack_LDLIBS := -lpthread
$(B)/unit/toolstack: $(B)/host/xenstored
