# /dev/xen/evtchn loopback check (dom0 userspace, static arm64):
#   build/arm64/dom0/evtchn-test, run by dom0-tools/rootfs/tests/evtchn.sh

EVTCHN_TEST_DIR := dom0-tools/evtchn-test

$(B)/arm64/dom0/evtchn-test: $(EVTCHN_TEST_DIR)/evtchn-test.c
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -o $@ $<

BUILD_TARGETS += $(B)/arm64/dom0/evtchn-test
