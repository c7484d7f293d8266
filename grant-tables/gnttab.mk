# Grant tables: one source list for the EL2 build and the host tests.
GNTTAB_SRCS := grant-tables/gnttab_table.c grant-tables/gnttab_map.c \
	grant-tables/gnttab_copy.c grant-tables/gnttab_ops.c
