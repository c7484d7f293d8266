# Event channels: one source list for the EL2 build and the host tests.
EVTCHN_SRCS := evtchn/evtchn_core.c evtchn/evtchn_ops.c \
	evtchn/evtchn_2l.c evtchn/evtchn_fifo.c evtchn/evtchn_hypercall.c
