# privcmd foreign and resource mappings from dom0 userspace (static arm64):
#   build/arm64/dom0/privcmd-test, run by tests/system/test_bootdomains.py

PRIVCMD_TEST_DIR := dom0-tools/privcmd-test

$(B)/arm64/dom0/privcmd-test: $(PRIVCMD_TEST_DIR)/privcmd-test.c
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -o $@ $<

BUILD_TARGETS += $(B)/arm64/dom0/privcmd-test
