# Portable stage-2 translation-table builder: one source list for the EL2
# build and the host tests.
P2M_SRCS := hypervisor/core/p2m.c
