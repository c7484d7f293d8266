#!/bin/sh
# A domU built by xl in dom0 boots: xl create from an xl.cfg (with
# command-line overrides), the guest reaches its init on hvc0 (the console
# daemon's log), its xenbus writes its control features, xl list / list -l
# / vcpu-list / uptime show it, xl console attaches and detaches, and
# xl shutdown -w returns once it has powered off. Needs the guests image
# (docs/rootfs.md) and the console daemon; nothing here destroys.
. /tests/lib.sh

KERNEL=${SABLE_XL_KERNEL:-/var/lib/xen/images/vmlinuz}
RAMDISK=${SABLE_XL_RAMDISK:-/var/lib/xen/images/domu-initrd.cpio.gz}
T=/tmp/xl-boot
mkdir -p $T

cat >$T/b1.cfg <<CFG
# A small Linux domU.
name = "template"
kernel = "$KERNEL"
ramdisk = "$RAMDISK"
extra = "console=hvc0 rdinit=/init"
memory = 64
vcpus = 1
# Kept after it powers off, so that nothing here needs destruction.
on_poweroff = "preserve"
CFG

check "domU kernel and initramfs in dom0" test -f "$KERNEL" -a -f "$RAMDISK"
check "xl create with overrides" xl create $T/b1.cfg name=b1 vcpus=2 memory=96
D=$(xl domid b1)
info "b1 is domain $D"
check "xl list b1 shows 96 MiB" sh -c \
	"xl list b1 | tail -1 | awk '{exit !(\$3 == 96)}'"
check "domU reaches its init on hvc0" within \
	"grep -q SABLE-INIT-READY /var/log/xen/console/guest-b1.log" 90
# VCPUs counts the online ones: the guest started its second by now.
check "xl list b1 shows 2 vCPUs online" within \
	"xl list b1 | tail -1 | awk '{exit !(\$4 == 2)}'" 30
check "domU's xenbus wrote control/feature-poweroff" within \
	"[ \"\$(xenstore-read /local/domain/$D/control/feature-poweroff)\" = 1 ]" 30
check "libxl's nodes: /vm/<uuid>/name" sh -c \
	"[ \"\$(xenstore-read \$(xenstore-read /local/domain/$D/vm)/name)\" = b1 ]"
check "libxl's nodes: /libxl/$D/type is pvh" sh -c \
	"[ \"\$(xenstore-read /libxl/$D/type)\" = pvh ]"
check "control/shutdown is the guest's" sh -c \
	"xenstore-ls -p /local/domain/$D/control | grep '^shutdown ' | grep -q '(n$D)'"
check "xl list -l names the kernel" sh -c "xl list -l b1 | grep -q '\"kernel\": \"$KERNEL\"'"
check "xl vcpu-list b1 has 2 rows" sh -c "[ \$(xl vcpu-list b1 | tail -n +2 | wc -l) = 2 ]"
check "xl uptime b1" xl uptime b1
check "xl console attaches and Ctrl-] detaches" sh -c \
	"(sleep 2; printf '\\035') | timeout 20 xl console b1"
check "xl shutdown -w b1" xl shutdown -w b1
check "the monitor saw the poweroff and preserved b1" within \
	"grep -q 'Domain $D left shut down' /var/log/xen/xl-b1.log" 30
check "xl list shows b1 shut down" sh -c \
	"xl list b1 | tail -1 | awk '{print \$5}' | grep -q '^...s'"
info "monitor log: $(tr '\n' '|' </var/log/xen/xl-b1.log)"
finish
