# Sable dom0 and domU initramfs images (docs/rootfs.md).
#
# Inputs: Debian's busybox-static and kernel modules from the setup cache, the
# files in dom0-tools/rootfs, and for dom0 every program another fragment
# builds into $(B)/arm64/dom0/ (installed into /usr/sbin). Without the cache
# the script stops with "run: make setup".

ROOTFS_DIR := dom0-tools/rootfs
DOM0_INITRD := $(B)/dom0-initrd.cpio.gz
DOMU_INITRD := $(B)/domu-initrd.cpio.gz
ROOTFS_INPUTS := $(ROOTFS_DIR)/mkinitramfs.sh $(ROOTFS_DIR)/init \
	$(ROOTFS_DIR)/lib.sh $(wildcard $(ROOTFS_DIR)/tests/*.sh) \
	$(wildcard $(CACHE)/.setup-v5 $(CACHE)/busybox)

BUILD_TARGETS += $(DOM0_INITRD) $(DOMU_INITRD)

# The dom0 programs are listed in BUILD_TARGETS by fragments that may be read
# after this one: second expansion looks them up once all are read.
.SECONDEXPANSION:
$(DOM0_INITRD): $(ROOTFS_INPUTS) $(ROOTFS_DIR)/modules-dom0.list \
		$$(filter $(B)/arm64/dom0/%,$$(BUILD_TARGETS)) \
		$$(wildcard $(B)/arm64/dom0/*)
	SABLE_CACHE=$(CACHE) CROSS=$(CROSS) bash $(ROOTFS_DIR)/mkinitramfs.sh \
		dom0 $@ $(B)/arm64/dom0

$(DOMU_INITRD): $(ROOTFS_INPUTS) $(ROOTFS_DIR)/modules-domu.list \
		$$(filter $(B)/arm64/domu/%,$$(BUILD_TARGETS))
	SABLE_CACHE=$(CACHE) CROSS=$(CROSS) bash $(ROOTFS_DIR)/mkinitramfs.sh \
		domu $@ $(B)/arm64/domu

.PHONY: initrd
initrd: $(DOM0_INITRD) $(DOMU_INITRD)

# The XenStore benchmark image: the dom0 image followed by an overlay with
# Debian's C xenstored and oxenstored (the kernel unpacks both archives).
# Built once the setup cache holds them (an older cache: `make setup`).
XSD_OVERLAY := $(B)/dom0-xsd-overlay.cpio.gz
XSBENCH_INITRD := $(B)/dom0-xsbench-initrd.cpio.gz
ifneq ($(wildcard $(CACHE)/arm64/usr/lib/xen-4.17/bin/oxenstored),)
BUILD_TARGETS += $(XSD_OVERLAY) $(XSBENCH_INITRD)
endif

$(XSD_OVERLAY): $(ROOTFS_DIR)/mkxsdoverlay.sh $(DOM0_INITRD) \
		$(wildcard $(CACHE)/.setup-v5)
	SABLE_CACHE=$(CACHE) CROSS=$(CROSS) bash $(ROOTFS_DIR)/mkxsdoverlay.sh \
		$(DOM0_INITRD) $@

$(XSBENCH_INITRD): $(DOM0_INITRD) $(XSD_OVERLAY)
	cat $^ >$@.tmp && mv $@.tmp $@

# The guests image: the dom0 image followed by an overlay with the domU
# kernel and initramfs (/var/lib/xen/images) and the xl configurations
# (/etc/xen), for `make run` and the tests that run `xl create`.
GUESTS_OVERLAY := $(B)/dom0-guests-overlay.cpio.gz
GUESTS_INITRD := $(B)/dom0-guests-initrd.cpio.gz
ifneq ($(wildcard $(CACHE)/vmlinuz),)
BUILD_TARGETS += $(GUESTS_OVERLAY) $(GUESTS_INITRD)
endif

# The bare-metal guests the lifecycle and attacker tests create with xl.
GUESTS_IMAGES := $(addprefix $(B)/guests/,ramscan.bin attack_mem.bin \
	attack_time.bin hello.bin)

$(GUESTS_OVERLAY): $(ROOTFS_DIR)/mkguestsoverlay.sh $(DOMU_INITRD) \
		$(wildcard $(ROOTFS_DIR)/xen/*) $(wildcard $(CACHE)/vmlinuz) \
		$(GUESTS_IMAGES)
	bash $(ROOTFS_DIR)/mkguestsoverlay.sh $(CACHE)/vmlinuz $(DOMU_INITRD) $@ \
		$(GUESTS_IMAGES)

$(GUESTS_INITRD): $(DOM0_INITRD) $(GUESTS_OVERLAY)
	cat $^ >$@.tmp && mv $@.tmp $@

# The toolstack benchmark image (tests/bench/bench_xl.py): the dom0 image,
# Debian's Xen tools and the guests overlay, so that one image runs xl on
# Sable and Debian's xl on Xen 4.17.
XLBENCH_INITRD := $(B)/dom0-xlbench-initrd.cpio.gz
ifneq ($(wildcard $(CACHE)/arm64/usr/lib/xen-4.17/bin/xl),)
ifneq ($(wildcard $(CACHE)/vmlinuz),)
BUILD_TARGETS += $(XLBENCH_INITRD)
endif
endif

$(XLBENCH_INITRD): $(DOM0_INITRD) $(XSD_OVERLAY) $(GUESTS_OVERLAY)
	cat $^ >$@.tmp && mv $@.tmp $@
