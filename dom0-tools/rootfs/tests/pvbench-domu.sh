#!/bin/sh
# The domU's half of pvbench.sh (a Linux domU with a disk on xvda and a vif,
# started by xl with sable.test=pvbench-domu). Times, with the domU's
# monotonic clock, sequential reads and writes of the whole of xvda
# (sable.mb= MiB, 1 MiB blocks, its page cache dropped before each read,
# writes ended by fsync; with sable.dev2=/dev/xvdb also reads of that
# second, read-only disk), then pings dom0 (sable.peer=) and serves dom0's
# TCP transfers (busybox nc): port 5100+N sends sable.netmb= MiB of zeros,
# port 5000+N takes what dom0 sends, for rounds N = 1..sable.rounds=.
# Reports are lines on its console (hvc0), which the console daemon logs
# in dom0:
#   PVBENCH-DOMU round=N op=read|write|dev_read us=T
#   PVBENCH-DOMU op=ping rtt_us=AVG min_us=MIN max_us=MAX median_us=MED
#   PVBENCH-DOMU-READY                 the TCP listeners are up
#   PVBENCH-DOMU-ERROR <text>
# It never returns: the domain runs until dom0 destroys it.
. /tests/lib.sh

MB=${SABLE_MB:-64}
NETMB=${SABLE_NETMB:-8}
ROUNDS=${SABLE_ROUNDS:-3}
PEER=${SABLE_PEER:-10.0.0.1}

now_ns() {
	NOW=
	while read -r w1 w2 w3 rest; do
		if [ "$w1 $w2" = "now at" ]; then
			NOW=$w3
			return
		fi
	done </proc/timer_list
}

fail() {
	echo "PVBENCH-DOMU-ERROR $*"
	while :; do
		sleep 3600
	done
}

n=0
while { [ ! -b /dev/xvda ] || [ ! -e /sys/class/net/eth0 ]; } &&
	[ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -b /dev/xvda ] || fail "no /dev/xvda"
[ -e /sys/class/net/eth0 ] || fail "no eth0"
DEV2=${SABLE_DEV2:-}
n=0
while [ -n "$DEV2" ] && [ ! -b "$DEV2" ] && [ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -z "$DEV2" ] || [ -b "$DEV2" ] || fail "no $DEV2"

r=1
while [ "$r" -le "$ROUNDS" ]; do
	sync
	echo 3 >/proc/sys/vm/drop_caches
	now_ns
	t0=$NOW
	dd if=/dev/xvda of=/dev/null bs=1M count="$MB" 2>/dev/null ||
		fail "read of xvda"
	now_ns
	echo "PVBENCH-DOMU round=$r op=read us=$(((NOW - t0) / 1000))"
	now_ns
	t0=$NOW
	dd if=/dev/zero of=/dev/xvda bs=1M count="$MB" conv=fsync 2>/dev/null ||
		fail "write of xvda"
	now_ns
	echo "PVBENCH-DOMU round=$r op=write us=$(((NOW - t0) / 1000))"
	if [ -n "$DEV2" ]; then
		echo 3 >/proc/sys/vm/drop_caches
		now_ns
		t0=$NOW
		dd if="$DEV2" of=/dev/null bs=1M count="$MB" 2>/dev/null ||
			fail "read of $DEV2"
		now_ns
		echo "PVBENCH-DOMU round=$r op=dev_read us=$(((NOW - t0) / 1000))"
	fi
	r=$((r + 1))
done

ip link set lo up
ip addr add "${SABLE_IP:-10.0.0.2/24}" dev eth0
ip link set eth0 up
n=0
while ! ping -c 1 -W 1 "$PEER" >/dev/null 2>&1; do
	n=$((n + 1))
	[ "$n" -lt 60 ] || fail "no answer from $PEER"
done
# 50 pings; busybox prints "... time=0.623 ms" for each. A few late
# answers move the average a lot: the median is given too.
rtt=$(ping -c 50 -i 0.1 "$PEER" 2>/dev/null |
	sed -n 's|.*time=\([0-9.]*\) ms.*|\1|p' | sort -n |
	awk '{ t[NR] = $1; s += $1 }
	     END { if (NR) printf "%d %d %d %d", s / NR * 1000, t[1] * 1000,
		   t[NR] * 1000, t[int((NR + 1) / 2)] * 1000 }')
[ -n "$rtt" ] || fail "ping $PEER"
set -- $rtt
echo "PVBENCH-DOMU op=ping rtt_us=$1 min_us=$2 max_us=$3 median_us=$4"

# busybox nc half-closes the connection at the end of its input and exits
# at the end of the peer's: a receiver reads from a FIFO it also holds
# open for writing, which never ends.
mkfifo /tmp/never
r=1
while [ "$r" -le "$ROUNDS" ]; do
	nc -l -p $((5000 + r)) <>/tmp/never >/dev/null 2>&1 &
	dd if=/dev/zero bs=64k count=$((NETMB * 16)) 2>/dev/null |
		nc -l -p $((5100 + r)) >/dev/null 2>&1 &
	r=$((r + 1))
done
sleep 1
echo "PVBENCH-DOMU-READY"
# Its side of the network every 10 s, for dom0 to show should a transfer
# stall: eth0's counters, the event channels' interrupt counts.
while :; do
	sleep 10
	echo "PVBENCH-DOMU-STAT $(grep eth0 /proc/net/dev | tr -s ' ') $(grep -e eth0 -e xen /proc/interrupts | tr -s ' \n' ' ')"
done
