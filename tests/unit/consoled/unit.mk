# sable-consoled on the host: the ring and log code, the daemon's domains
# and loop against the host build of xenstored with an in-memory platform
# (ct_plat.c), and the `xl console` client over a real pty.
UNIT_TESTS += consoled
consoled_SRCS := $(CONSOLED_CORE_SRCS) $(CONSOLE_CLIENT_SRCS) \
	$(wildcard tests/unit/consoled/*.c)
# ut.c trips -Wclobbered at -O1 (locals live across setjmp).
consoled_CFLAGS := -Wno-clobbered -I$(CONSOLED_DIR) -Idom0-tools/toolstack \
	-DCT_XENSTORED='"$(B)/host/xenstored"'
$(B)/unit/consoled: $(B)/host/xenstored
