#!/bin/sh
# Toolstack timings in dom0 (tests/bench/bench_xl.py), the same steps with
# Sable's xl, xenstored and sable-consoled or with Debian's xl, xenstored
# and xenconsoled (xen-utils-4.17, the benchmark image) on Xen 4.17:
#
#   sable.xlbench_stack=sable|xen   whose toolstack (default sable)
#   sable.xlbench_rounds=N          rounds (default 3)
#
# Each round, with a 64 MiB, 1-vCPU Linux domU: `xl create` (the command,
# and until the domU's init prints SABLE-INIT-READY on its console), 10
# `xl list`, `xl shutdown -w` and until xl no longer lists it, a second
# create, then `xl destroy` and until gone. Times come from dom0's
# monotonic clock. Prints
#   XLBENCH stack= round= op= us=
#   XLBENCH-RSS stack= daemon= kib= pss=   (with one domU up)
#   XLBENCH-DOMU <line>   the domU's console log of the first round (both
#                         boots), to compare its kernel's timestamps
# With xen, boot with sable.xenstored=0 so that /init starts nothing.
. /tests/lib.sh

STACK=${SABLE_XLBENCH_STACK:-sable}
ROUNDS=${SABLE_XLBENCH_ROUNDS:-3}
XEN_BIN=/usr/lib/xen-4.17/bin
T=/tmp/xlbench
mkdir -p $T /var/log/xen/console

now_ns() {
	NOW=
	while read -r w1 w2 w3 rest; do
		if [ "$w1 $w2" = "now at" ]; then
			NOW=$w3
			return
		fi
	done </proc/timer_list
}

within() {
	n=0
	while ! sh -c "$1" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -le $(($2 * 50)) ] || return 1
		sleep 0.02
	done
}

case "$STACK" in
xen)
	XL=$XEN_BIN/xl
	DAEMONS="xenstored xenconsoled"
	mkdir -p /var/run/xenstored /var/run/xen /var/lib/xenstored /var/lib/xen
	$XEN_BIN/xenstored --pid-file /var/run/xen/xenstored.pid
	check "Debian's xenstored listens" \
		within "[ -S /var/run/xenstored/socket ]" 10
	check "xen-init-dom0" $XEN_BIN/xen-init-dom0
	check "Debian's xenconsoled" $XEN_BIN/xenconsoled --log=guest \
		--log-dir=/var/log/xen/console
	;;
*)
	XL=/usr/sbin/xl
	DAEMONS="xenstored sable-consoled"
	check "Sable's xenstored and consoled run" pidof xenstored sable-consoled
	;;
esac

cat >$T/b.cfg <<CFG
name = "b"
kernel = "/var/lib/xen/images/vmlinuz"
ramdisk = "/var/lib/xen/images/domu-initrd.cpio.gz"
extra = "console=hvc0 rdinit=/init"
memory = 64
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
CFG

LOG=/var/log/xen/console/guest-b.log
inits() {
	grep -c SABLE-INIT-READY $LOG 2>/dev/null || echo 0
}

report() {
	echo "XLBENCH stack=$STACK round=$1 op=$2 us=$((($4 - $3) / 1000))"
}

# Create b; reports create (the command) and create_init.
create() {
	n0=$(inits)
	now_ns
	t0=$NOW
	$XL create $T/b.cfg >$T/create.out 2>&1 || {
		info "create failed: $(tr '\n' '|' <$T/create.out)"
		return 1
	}
	now_ns
	report "$1" create "$t0" "$NOW"
	within "[ \$(grep -c SABLE-INIT-READY $LOG 2>/dev/null) -gt $n0 ]" 120 ||
		return 1
	now_ns
	report "$1" create_init "$t0" "$NOW"
}

gone() {
	within "! $XL list b" 60
}

# Resident and proportional set sizes from smaps_rollup, which walks the
# page tables (Linux 6.1's VmRSS is a per-thread cached count that a
# process with few page faults may not have flushed yet).
rss() {
	for d in $DAEMONS; do
		kib=0
		pss=0
		for p in $(pidof "$d"); do
			set -- $(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2}
				END {print r + 0, p + 0}' /proc/$p/smaps_rollup)
			kib=$((kib + $1))
			pss=$((pss + $2))
		done
		echo "XLBENCH-RSS stack=$STACK daemon=$d kib=$kib pss=$pss"
	done
}

ok=0
r=1
while [ $r -le "$ROUNDS" ]; do
	create $r || break
	[ $r = 1 ] && rss
	now_ns
	t0=$NOW
	i=0
	while [ $i -lt 10 ]; do
		$XL list >/dev/null
		i=$((i + 1))
	done
	now_ns
	echo "XLBENCH stack=$STACK round=$r op=list us=$((($NOW - t0) / 10000))"
	now_ns
	t0=$NOW
	timeout 120 $XL shutdown -w b >/dev/null 2>&1 || break
	now_ns
	report $r shutdown_w "$t0" "$NOW"
	gone || break
	now_ns
	report $r shutdown_gone "$t0" "$NOW"
	create $r || break
	now_ns
	t0=$NOW
	$XL destroy b || break
	now_ns
	report $r destroy "$t0" "$NOW"
	gone || break
	now_ns
	report $r destroy_gone "$t0" "$NOW"
	ok=$((ok + 1))
	[ $r = 1 ] && sed 's/^/XLBENCH-DOMU /' $LOG
	r=$((r + 1))
done
check "$ROUNDS rounds" test "$ok" = "$ROUNDS"
info "domains: $($XL list | tr '\n' '|')"
finish
