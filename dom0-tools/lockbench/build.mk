# Lock-holder preemption benchmark (static arm64, in the dom0 and domU
# images): build/arm64/{dom0,domu}/lockbench, run by rootfs/tests/lock.sh
# for tests/bench/bench_sched.py

LOCKBENCH_DIR := dom0-tools/lockbench

$(B)/arm64/dom0/lockbench: $(LOCKBENCH_DIR)/lockbench.c
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -pthread -o $@ $<

$(B)/arm64/domu/lockbench: $(B)/arm64/dom0/lockbench
	@mkdir -p $(dir $@)
	cp $< $@

BUILD_TARGETS += $(B)/arm64/dom0/lockbench $(B)/arm64/domu/lockbench
