#!/bin/sh
# A domU's life through xl in dom0: create from an xl.cfg, boot to its
# init on hvc0, list, pause and unpause, shutdown -w, destroy, reboot
# with on_reboot = "restart", and 50 create/destroy cycles that give all
# their memory back. Needs a domU kernel (an uncompressed arm64 Image) and
# initramfs in the dom0 image: $SABLE_XL_KERNEL / $SABLE_XL_RAMDISK, or
# the first of the usual places below.
. /tests/lib.sh

first() {
	for f in "$@"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

KERNEL=${SABLE_XL_KERNEL:-$(first /var/lib/xen/images/vmlinuz \
	/var/lib/xen/images/Image)}
RAMDISK=${SABLE_XL_RAMDISK:-$(first /var/lib/xen/images/domu-initrd.cpio.gz)}
T=/tmp/xl-life
mkdir -p $T

if [ -z "$KERNEL" ] || [ -z "$RAMDISK" ]; then
	check "a domU kernel and initramfs in dom0" false
	finish
fi

cat >$T/t1.cfg <<CFG
name = "t1"
kernel = "$KERNEL"
ramdisk = "$RAMDISK"
extra = "console=hvc0 rdinit=/init"
memory = 64
vcpus = 1
on_reboot = "restart"
CFG

domid_of() {
	xl domid "$1" 2>/dev/null
}

# For within (a new shell): only Domain-0 is listed.
ONLY_DOM0="[ \$(xl list | tail -n +2 | wc -l) = 1 ]"

# The domU's console as the console daemon logs it (appended to by
# every domain called t1): a boot is done when one more init is ready.
CONSOLE_LOG=/var/log/xen/console/guest-t1.log
INITS="cat $CONSOLE_LOG 2>/dev/null | grep -c SABLE-INIT-READY"
inits() {
	sh -c "$INITS"
}

free0=$(free_mib)
info "free memory before: $free0 MiB"
n0=$(inits)
check "xl create t1.cfg" xl create $T/t1.cfg
D=$(domid_of t1)
info "t1 is domain $D"
check "xl list t1" xl list t1
check "console tty published" within "xenstore-read /local/domain/$D/console/tty | grep -q ." 20
check "domU reaches its init on hvc0" within "[ \$($INITS) -gt $n0 ]" 90
check "domU's xenbus wrote control/feature-poweroff" within \
	"[ \"\$(xenstore-read /local/domain/$D/control/feature-poweroff)\" = 1 ]" 30
check "xl pause t1" xl pause t1
check "xl list shows it paused" sh -c "xl list t1 | tail -1 | awk '{print \$5}' | grep -q '^..p'"
t_a=$(xl list t1 | tail -1 | awk '{print $6}')
sleep 2
t_b=$(xl list t1 | tail -1 | awk '{print $6}')
check "its CPU time stands still while paused ($t_a s, then $t_b s)" \
	sh -c "[ -n '$t_a' ] && [ '$t_a' = '$t_b' ]"
check "xl unpause t1" xl unpause t1
check "xl vcpu-list t1" xl vcpu-list t1
check "xl shutdown -w t1" timeout 120 xl shutdown -w t1
check "t1 gone after shutdown -w" within "! xl list t1" 30
check "its nodes are gone" sh -c "! xenstore-exists /local/domain/$D"

check "xl create again" xl create -q $T/t1.cfg
check "xl destroy t1" xl destroy t1
check "t1 gone after destroy" within "! xl list t1" 30

n0=$(inits)
check "xl create for reboot" xl create -q $T/t1.cfg
D=$(domid_of t1)
check "guest up to its init" within "[ \$($INITS) -gt $n0 ]" 90
check "xl reboot -w t1" timeout 120 xl reboot -w t1
check "t1 restarted (on_reboot = restart)" within \
	"grep -q 'restarted as domain' /var/log/xen/xl-t1.log && xl domid t1" 60
info "monitor log: $(tr '\n' '|' </var/log/xen/xl-t1.log 2>/dev/null)"
xl destroy t1
within "$ONLY_DOM0" 30
info "domains after the reboot test: $(xl list | tr '\n' '|')"

# Memory the hypervisor keeps after its first domains is not a leak:
# the cycles start from what is free now.
free1=$(free_mib)
info "free memory before the cycles: $free1 MiB"
i=0
ok=0
while [ $i -lt 50 ]; do
	xl create -q -e -p $T/t1.cfg && xl destroy t1 && ok=$((ok + 1))
	i=$((i + 1))
done
check "50 create/destroy cycles" test "$ok" = 50
check "every domain gone" within "$ONLY_DOM0" 30
check "free memory back to $free1 MiB" within "[ \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free1 ]" 30
info "free memory after: $(free_mib) MiB"
info "domains: $(xl list | tr '\n' '|')"
finish
