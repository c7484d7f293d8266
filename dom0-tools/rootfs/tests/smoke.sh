#!/bin/sh
# Basic sanity of the image: kernel, interrupts, modules, mounts.
. /tests/lib.sh

info "uname: $(uname -a)"
info "flavour: $(cat /etc/sable/flavour), on xen: $(on_xen && echo yes || echo no)"
info "modules loaded: $(tr '\n' ' ' </run/sable/modules.ok)"
[ -s /run/sable/modules.failed ] &&
	info "modules refused: $(cut -d: -f1 /run/sable/modules.failed | tr '\n' ' ')"

check "kernel release matches the image's modules" \
	test -d "/lib/modules/$(uname -r)"
check "/proc/interrupts lists interrupts" grep -q '^ *[0-9]*:' /proc/interrupts
check "proc mounted" mounted proc /proc
check "sysfs mounted" mounted sysfs /sys
check "devtmpfs mounted" mounted devtmpfs /dev
check "/dev/fd and /dev/stdin exist" test -e /dev/fd/0 -a -e /dev/stdin
check "at least one module loaded" test -s /run/sable/modules.ok
for m in $(cat /run/sable/modules.ok); do
	check "module $m in /proc/modules" module_loaded "$m"
done

if [ "$(cat /etc/sable/flavour)" = dom0 ]; then
	check "module loop loaded" module_loaded loop
	check "module bridge loaded" module_loaded bridge
fi
if on_xen; then
	if [ "$(cat /etc/sable/flavour)" = dom0 ]; then
		for m in xen-evtchn xen-gntdev xen-privcmd xenfs; do
			check "module $m loaded" module_loaded $m
		done
	fi
	if [ "$(cat /etc/sable/flavour)" = dom0 ] || [ -d /proc/xen ]; then
		check "xenfs mounted on /proc/xen" mounted xenfs /proc/xen
	else
		# A boot-time domU without xenstore: Linux makes no /proc/xen.
		info "no /proc/xen: no xenstore for this domain"
	fi
fi
info "mounts:"
cat /proc/mounts
info "interrupts:"
head -n 12 /proc/interrupts
finish
