# libFuzzer target: arbitrary byte streams into several XenStore connections.
FUZZERS += xenstored
fuzz_xenstored_SRCS := $(XS_ENGINE_SRCS) tests/fuzz/xenstored/fuzz_xenstored.c
fuzz_xenstored_CFLAGS := -Idom0-tools/xenstored
