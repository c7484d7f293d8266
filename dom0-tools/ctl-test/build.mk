# The control interface from dom0 userspace (static arm64):
#   build/arm64/dom0/ctl-test, run by tests/system/test_ctl.py. It builds
#   a domain at run time from guests/hello, embedded.

CTL_TEST_DIR := dom0-tools/ctl-test

$(B)/arm64/dom0/ctl-test: $(CTL_TEST_DIR)/ctl-test.c \
		$(CTL_TEST_DIR)/guest_image.S dom0-tools/toolstack/libsable.c \
		dom0-tools/toolstack/libsable.h \
		hypervisor/include/public/sable_ctl.h $(B)/guests/hello.bin
	@mkdir -p $(dir $@)
	$(CROSS)gcc -std=gnu11 $(WARN) -static -O2 -Ihypervisor/include \
		-Idom0-tools/toolstack \
		-DGUEST_IMAGE='"$(B)/guests/hello.bin"' -o $@ \
		$(CTL_TEST_DIR)/ctl-test.c $(CTL_TEST_DIR)/guest_image.S \
		dom0-tools/toolstack/libsable.c

BUILD_TARGETS += $(B)/arm64/dom0/ctl-test
