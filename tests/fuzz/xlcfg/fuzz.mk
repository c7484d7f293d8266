# libFuzzer target: arbitrary bytes as an xl.cfg file and as command-line
# overrides.
FUZZERS += xlcfg
fuzz_xlcfg_SRCS := $(TOOLSTACK_DIR)/xlcfg.c $(TOOLSTACK_DIR)/xlcfg_syntax.c \
	$(TOOLSTACK_DIR)/xlcfg_dev.c tests/fuzz/xlcfg/fuzz_xlcfg.c
fuzz_xlcfg_CFLAGS := -I$(TOOLSTACK_DIR)
