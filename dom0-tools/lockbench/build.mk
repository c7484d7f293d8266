# Lock-holder preemption benchmark (dom0 userspace, static arm64):
#   build/arm64/dom0/lockbench, run by tests/bench/bench_sched.py

LOCKBENCH_DIR := dom0-tools/lockbench

$(B)/arm64/dom0/lockbench: $(LOCKBENCH_DIR)/lockbench.c
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -pthread -o $@ $<

BUILD_TARGETS += $(B)/arm64/dom0/lockbench
