#!/bin/sh
# Dom0 under a Xen-compatible hypervisor: Xen found, control domain, the
# toolstack's kernel interfaces present.
. /tests/lib.sh

check "kernel log reports Xen" sh -c 'dmesg | grep -q "Xen .* support found"'
check "/sys/hypervisor/type is xen" on_xen
check "xenfs mounted on /proc/xen" mounted xenfs /proc/xen
check "/proc/xen/capabilities is control_d" \
	grep -qx control_d /proc/xen/capabilities
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback \
	xen-netback; do
	check "module $m loaded" module_loaded $m
done
for d in /dev/xen/evtchn /dev/xen/gntdev /dev/xen/privcmd; do
	check "$d exists" test -c $d
done
check "console is hvc0" test -c /dev/hvc0
info "$(dmesg | grep -i 'xen' | head -n 5 | tr '\n' '|')"
finish
