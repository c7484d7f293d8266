#!/bin/sh
# PV disk and network timings in dom0 (tests/bench/bench_pvdev.py), the same
# steps with Sable's xl, xenstored and sable-consoled or with Debian's xl,
# xenstored and xenconsoled and Xen's own hotplug scripts (xen-utils-4.17,
# xen-utils-common; the benchmark image) on Xen 4.17:
#
#   sable.pvbench_stack=sable|xen   whose toolstack (default sable)
#   sable.pvbench_rounds=N          rounds of each measurement (default 3)
#   sable.pvbench_mb=M              disk image size in MiB (default 64)
#   sable.pvbench_netmb=M           MiB per TCP transfer (default 8)
#   sable.pvbench_dev=/dev/vdX      also a disk of dom0's own (a block
#                                   device, the same size): dom0's read of
#                                   it, and the domU's of it as xvdb (phy)
#   sable.pvbench_persistent=0|1    blkback's feature_persistent (default:
#                                   the module's, 1)
#
# dom0 reads and writes a raw image in its own RAM file system (the
# baseline; reads also through a loop device), makes xenbr0 with 10.0.0.1,
# then `xl create`s a 128 MiB, 1-vCPU Linux domU with that image as xvda
# and a vif on xenbr0, which runs /tests/pvbench-domu.sh: disk reads and
# writes, ping to dom0; then dom0 times TCP transfers from and to the domU
# (busybox nc). Times come from the monotonic clocks. Prints
#   PVBENCH stack= round= op= us=           dom0's measurements
#   PVBENCH-DOMU round= op= us=             the domU's (from its console log)
#   PVBENCH-DOMU op=ping rtt_us= ...
# With xen, boot with sable.xenstored=0 so that /init starts nothing.
. /tests/lib.sh

STACK=${SABLE_PVBENCH_STACK:-sable}
ROUNDS=${SABLE_PVBENCH_ROUNDS:-3}
MB=${SABLE_PVBENCH_MB:-64}
NETMB=${SABLE_PVBENCH_NETMB:-8}
XEN_BIN=/usr/lib/xen-4.17/bin
T=/tmp/pvbench
IMG=$T/disk.img
DEV=${SABLE_PVBENCH_DEV:-}
LOG=/var/log/xen/console/guest-pb.log
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

report() { # round op t0 t1
	echo "PVBENCH stack=$STACK round=$1 op=$2 us=$((($4 - $3) / 1000))"
}

# netback's view of each vif's rings and dom0's counters, on one line each.
netstate() {
	for f in /sys/kernel/debug/xen-netback/*/io_ring_q0; do
		[ -r "$f" ] && info "$f: $(tr -s ' \n' ' ' <"$f")"
	done
	info "dev: $(grep -e vif -e xenbr /proc/net/dev | tr -s ' \n' ' ')"
	info "irq: $(grep -e vif /proc/interrupts | tr -s ' \n' ' ')"
	grep -a PVBENCH-DOMU-STAT $LOG | tail -n 2 | tr -d '\r'
	# The hypervisor's view of the event channels.
	$XL dmesg -c >/dev/null 2>&1
	$XL debug-keys e >/dev/null 2>&1
	$XL dmesg 2>/dev/null | grep -e '^.*d[0-9]* v[0-9]*:' -e 'port' |
		sed 's/^/info: hv: /' | tail -n 80
	[ -n "$PROBED" ] && return
	PROBED=1
	# Does the domU still take events? A ping (its vif's RX port) and
	# a sysrq through xenstore (its xenbus port); then its counters.
	ping -c 2 -W 1 10.0.0.2 >/dev/null 2>&1 && info "ping answered" ||
		info "ping unanswered"
	xenstore-write "/local/domain/$($XL domid pb)/control/sysrq" h 2>/dev/null
	sleep 11
	grep -a PVBENCH-DOMU-STAT $LOG | tail -n 1 | tr -d '\r'
	grep -a -i sysrq $LOG | tail -n 2 | tr -d '\r'
	for f in /sys/kernel/debug/xen-netback/*/io_ring_q0; do
		[ -r "$f" ] && info "$f: $(tr -s ' \n' ' ' <"$f")"
	done
}

timed() { # round op command...
	r=$1
	op=$2
	shift 2
	now_ns
	t0=$NOW
	"$@" >/dev/null 2>&1 || {
		now_ns
		info "$op failed after $(((NOW - t0) / 1000000)) ms: $*"
		netstate
		return 1
	}
	now_ns
	report "$r" "$op" "$t0" "$NOW"
}

case "$STACK" in
xen)
	XL=$XEN_BIN/xl
	mkdir -p /var/run/xenstored /var/run/xen /var/lib/xenstored /var/lib/xen
	$XEN_BIN/xenstored --pid-file /var/run/xen/xenstored.pid
	check "Debian's xenstored listens" \
		within "[ -S /var/run/xenstored/socket ]" 10
	check "xen-init-dom0" $XEN_BIN/xen-init-dom0
	check "Debian's xenconsoled" $XEN_BIN/xenconsoled --log=guest \
		--log-dir=/var/log/xen/console
	check "Xen's hotplug scripts" test -x /etc/xen/scripts/block -a \
		-x /bin/bash -a -x /bin/flock
	;;
*)
	XL=/usr/sbin/xl
	check "Sable's xenstored and consoled run" pidof xenstored sable-consoled
	;;
esac

# ---- dom0's own reads and writes of the image ----------------------------
check "a $MB MiB image" dd if=/dev/zero of=$IMG bs=1M count="$MB"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	timed $r dom0_read dd if=$IMG of=/dev/null bs=1M
	timed $r dom0_write dd if=/dev/zero of=$IMG bs=1M count="$MB" \
		conv=notrunc,fsync
	LOOP=$(losetup -f)
	if losetup "$LOOP" $IMG; then
		sync
		echo 3 >/proc/sys/vm/drop_caches
		timed $r dom0_loop_read dd if="$LOOP" of=/dev/null bs=1M
		losetup -d "$LOOP"
	fi
	r=$((r + 1))
done

# ---- dom0's own read of its block device ---------------------------------
# The device's page cache dropped first: what the disk gives dom0, read
# the way the domU will read it through blkback.
DOMU_DEV=
DISKS="'$IMG,raw,xvda,rw'"
if [ -n "$DEV" ]; then
	if [ -b "$DEV" ]; then
		r=1
		while [ "$r" -le "$ROUNDS" ]; do
			sync
			echo 3 >/proc/sys/vm/drop_caches
			timed $r dom0_dev_read dd if="$DEV" of=/dev/null bs=1M \
				count="$MB"
			r=$((r + 1))
		done
		DISKS="$DISKS, '$DEV,raw,xvdb,r'"
		DOMU_DEV=" sable.dev2=/dev/xvdb"
	else
		check "$DEV is a block device" false
	fi
fi
P=/sys/module/xen_blkback/parameters/feature_persistent
if [ -n "${SABLE_PVBENCH_PERSISTENT:-}" ]; then
	check "blkback's feature_persistent set" \
		sh -c "echo $SABLE_PVBENCH_PERSISTENT >$P"
fi
[ -r $P ] && info "blkback feature_persistent=$(cat $P)"

# ---- the bridge, with dom0's address on it ---------------------------------
brctl addbr xenbr0
echo 0 >/sys/class/net/xenbr0/bridge/forward_delay
ip addr add 10.0.0.1/24 dev xenbr0
ip link set xenbr0 up

cat >$T/pb.cfg <<CFG
name = "pb"
kernel = "/var/lib/xen/images/vmlinuz"
ramdisk = "/var/lib/xen/images/domu-initrd.cpio.gz"
extra = "console=hvc0 rdinit=/init sable.test=pvbench-domu sable.mb=$MB sable.netmb=$NETMB sable.rounds=$ROUNDS sable.ip=10.0.0.2/24 sable.peer=10.0.0.1$DOMU_DEV"
memory = 128
vcpus = 1
disk = [ $DISKS ]
vif = [ 'mac=00:16:3e:00:00:42,bridge=xenbr0' ]
on_poweroff = "destroy"
on_reboot = "destroy"
CFG

# ---- xl create with a disk and a vif, to the domU's init -------------------
now_ns
t0=$NOW
if $XL create $T/pb.cfg >$T/create.out 2>&1; then
	now_ns
	report 1 create "$t0" "$NOW"
	check "the domU's init runs" \
		within "grep -q SABLE-INIT-READY $LOG" 120
	now_ns
	report 1 create_init "$t0" "$NOW"
else
	check "xl create pb" false
	info "$(tr '\n' '|' <$T/create.out)"
fi
[ -s /var/log/xen/xen-hotplug.log ] &&
	info "hotplug log: $(tail -n 5 /var/log/xen/xen-hotplug.log | tr '\n' '|')"

# ---- the domU's disk and ping figures, then TCP both ways ------------------
# Looked for once a second only: dom0 stays idle while the domU measures.
n=0
while ! grep -q -e PVBENCH-DOMU-READY -e PVBENCH-DOMU-ERROR $LOG &&
	[ $n -lt $((60 + ROUNDS * MB * 2 / 5)) ]; do
	sleep 1
	n=$((n + 1))
done
check "the domU's measurements" grep -q PVBENCH-DOMU-READY $LOG
grep -q PVBENCH-DOMU-READY $LOG ||
	tail -n 20 $LOG | tr -d '\r' | sed 's/^/info: domU: /'
grep -a PVBENCH-DOMU $LOG | tr -d '\r'
mkfifo $T/never
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# from the domU: its listener sends NETMB MiB and closes
	timed $r tcp_from_domu timeout 60 nc 10.0.0.2 $((5100 + r)) \
		<>$T/never
	timed $r tcp_to_domu sh -c "dd if=/dev/zero bs=64k \
		count=$((NETMB * 16)) 2>/dev/null | timeout 60 nc 10.0.0.2 \
		$((5000 + r))"
	r=$((r + 1))
done
grep -a -e 'blkfront\|netfront' $LOG | tr -d '\r'
# The backends' event counters, as the domU's above.
for d in /sys/bus/xen-backend/devices/*; do
	[ -r "$d/xenbus/spurious_events" ] || continue
	info "events ${d##*/}: $(cat "$d/xenbus/events") spurious $(cat "$d/xenbus/spurious_events") eoi delayed $(cat "$d/xenbus/jiffies_eoi_delayed") jiffies"
done
# What the domU's kernel or shell said of a process that went away.
grep -a -i -e 'out of memory' -e 'killed process' -e 'nc: ' -e 'oom' $LOG |
	tr -d '\r'
$XL destroy pb
check "pb gone" within "! $XL list pb" 60
info "domains: $($XL list | tr '\n' '|')"
finish
