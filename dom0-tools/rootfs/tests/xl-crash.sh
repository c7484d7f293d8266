#!/bin/sh
# Crashes and leftovers through xl in dom0, with the bare-metal guest
# /var/lib/xen/images/ramscan.bin (guests/ramscan):
# - on_crash = "restart", "preserve" and "destroy" for a domain that
#   reports a crash (SCHEDOP_shutdown, SHUTDOWN_crash);
# - rounds of a domain writing a marker over its whole RAM, destroyed,
#   then a new domain scanning its whole RAM: no marker, not one word
#   that is not zero;
# - the machine's free pages plus those the hypervisor holds for dom0
#   (its "destroyed: gone, F pages free, H held for dom0" line) the same
#   after every domain's end, and xl info's free memory back to its first
#   value.
. /tests/lib.sh

IMAGE=${SABLE_XL_RAMSCAN:-/var/lib/xen/images/ramscan.bin}
ROUNDS=${SABLE_XL_ROUNDS:-5}
T=/tmp/xl-crash
mkdir -p $T

if [ ! -f "$IMAGE" ]; then
	check "the ramscan guest in dom0 ($IMAGE)" false
	finish
fi

# cfg NAME MEMORY MODE [key = value lines...]; a crash after $DELAY ms.
DELAY=1500
cfg() {
	name=$1
	mem=$2
	mode=$3
	shift 3
	{
		echo "name = \"$name\""
		echo "kernel = \"$IMAGE\""
		echo "memory = $mem"
		echo "vcpus = 1"
		echo "extra = \"ramscan.mode=$mode ramscan.delay_ms=$DELAY\""
		for l in "$@"; do
			echo "$l"
		done
	} >$T/$name.cfg
}

# The free pages the hypervisor printed when the last domain went, plus
# those it holds for dom0 (which grow with dom0's own mappings).
last_free_pages() {
	xl dmesg | sed -n 's/.*destroyed: gone, \([0-9]*\) pages free, \([0-9]*\) held for dom0.*/\1 \2/p' |
		tail -n 1 | awk '{print $1 + $2}'
}

ONLY_DOM0="[ \$(xl list | tail -n +2 | wc -l) = 1 ]"

free0=$(free_mib)
info "free memory before: $free0 MiB"

# A crashed domain is restarted by the monitor. The new one crashes
# again 6 s later: time enough to see it run and destroy it.
DELAY=6000
cfg c1 16 crash 'on_crash = "restart"'
check "xl create c1 (on_crash = restart)" xl create -q $T/c1.cfg
check "c1 restarted after its crash" within \
	"grep -q 'restarted as domain' /var/log/xen/xl-c1.log" 30
check "the monitor saw reason 3 (crash)" \
	grep -q "reason code 3" /var/log/xen/xl-c1.log
check "c1 running again" sh -c "xl list c1 | tail -1 | awk '{print \$5}' | grep -q '^...-'"
info "monitor log: $(tr '\n' '|' </var/log/xen/xl-c1.log)"
check "xl destroy c1" xl destroy c1
check "c1 gone" within "! xl list c1" 30

DELAY=1500

# Preserved: left shut down, shown crashed, until destroyed.
cfg c2 16 crash 'on_crash = "preserve"'
check "xl create c2 (on_crash = preserve)" xl create -q $T/c2.cfg
check "c2 shown crashed" within \
	"xl list c2 | tail -1 | awk '{print \$5}' | grep -q '^....c'" 30
check "c2 still there" sh -c "sleep 1; xl list c2"
check "xl destroy c2" xl destroy c2
check "c2 gone" within "! xl list c2" 30

# Destroyed: gone by itself.
cfg c3 16 crash 'on_crash = "destroy"'
check "xl create c3 (on_crash = destroy)" xl create -q $T/c3.cfg
check "c3 destroyed after its crash" within "! xl list c3" 30
check "every domain gone" within "$ONLY_DOM0" 30

pages0=$(last_free_pages)
info "free pages after the crash tests: $pages0"

# Markers: each round a domain fills its RAM, powers off and is
# destroyed; the next one scans RAM it is given afresh.
cfg fill 32 fill 'on_poweroff = "destroy"'
cfg scan 32 scan 'on_poweroff = "destroy"'
i=0
fills=0
scans=0
same=0
while [ $i -lt "$ROUNDS" ]; do
	for what in fill scan; do
		xl create -q $T/$what.cfg || break
		within "! xl list $what" 60 || break
		line=$(xl dmesg | grep "RAMSCAN $what:" | tail -n 1)
		case "$what:$line" in
		fill:*"RAMSCAN fill:"*)
			w=$(echo "$line" | sed -n 's/.* \([0-9]*\) words, marker \([0-9]*\),.*/\1 \2/p')
			set -- $w
			[ -n "$1" ] && [ "$1" = "$2" ] && fills=$((fills + 1))
			;;
		scan:*"marker 0, nonzero 0"*) scans=$((scans + 1)) ;;
		*) info "round $i $what: $line" ;;
		esac
		[ "$(last_free_pages)" = "$pages0" ] && same=$((same + 1))
	done
	i=$((i + 1))
done
info "last fill: $(xl dmesg | grep 'RAMSCAN fill:' | tail -n 1)"
info "last scan: $(xl dmesg | grep 'RAMSCAN scan:' | tail -n 1)"
check "$ROUNDS domains wrote the marker over their whole RAM" \
	test "$fills" = "$ROUNDS"
check "$ROUNDS new domains found no marker and only zeros" \
	test "$scans" = "$ROUNDS"
check "free pages back to $pages0 after each of $((ROUNDS * 2)) domains" \
	test "$same" = $((ROUNDS * 2))
# A Linux domU that panics with Linux's xen_wdt watchdog armed (in the
# domU: tests/wdt-domu.sh): on arm64 a panicking Linux tells the
# hypervisor nothing (no panic notifier for Xen there, on Xen either), so
# the watchdog is what notices; on_watchdog = "restart" brings it back.
LINUX=/var/lib/xen/images/vmlinuz
LINUX_INITRD=/var/lib/xen/images/domu-initrd.cpio.gz
cat >$T/wd.cfg <<CFG
name = "wd"
kernel = "$LINUX"
ramdisk = "$LINUX_INITRD"
extra = "console=hvc0 rdinit=/init sable.test=wdt-domu"
memory = 64
vcpus = 1
on_watchdog = "restart"
CFG
check "xl create wd (on_watchdog = restart)" xl create -q $T/wd.cfg
W1=$(xl domid wd)
check "wd arms its watchdog and panics" within \
	"grep -q SABLE-WDT-PANIC /var/log/xen/console/guest-wd.log" 90
check "its watchdog ran out: shut down with reason watchdog" within \
	"xl dmesg | grep -q 'domain $W1 (wd) shut down: watchdog'" 30
check "on_watchdog restarted it as a new domain" within \
	"grep -q 'Domain $W1 restarted as domain' /var/log/xen/xl-wd.log" 30
info "wd: $(grep 'restarted as' /var/log/xen/xl-wd.log | tail -n 1)"
check "xl destroy the restarted wd" within "xl destroy wd" 30
check "wd is gone" within "! xl list wd" 30
check "free memory back to $free0 MiB" \
	within "[ \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free0 ]" 30
check "no guest check failed" sh -c "! xl dmesg | grep -q 'GUEST-TEST.*FAIL'"
info "domains: $(xl list | tr '\n' '|')"
finish
