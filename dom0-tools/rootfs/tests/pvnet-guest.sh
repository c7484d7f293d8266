#!/bin/sh
# The domU's half of pvnet.sh (a Linux domU started by xl with
# sable.test=pvnet-guest): configure eth0 with sable.ip=, ping every
# address of sable.peers= (comma-separated) until it answers, take 512 KiB
# on TCP port 5000 and serve 512 KiB of its own on port 5001 (busybox
# nc), and print every change of its interface list. Reports are lines
# on its console (hvc0), which the console daemon logs in dom0:
#   PVNET-GUEST-UP ip=...        eth0 configured
#   PVNET-PING <addr> ok|FAIL    a peer answered (or not in 60 s)
#   PVNET-TXFILE md5=...         what port 5001 serves
#   PVNET-RX bytes=... md5=...   what port 5000 received, once complete
#   PVNET-STALL rx=...           port 5000 still incomplete after 60 s
#   PVNET-LINKS <names>          the interfaces, each time they change
# It never returns: the domain runs until dom0 destroys it.
. /tests/lib.sh

SIZE=524288

links() {
	ls /sys/class/net | sort | tr '\n' ' '
}

n=0
while [ ! -e /sys/class/net/eth0 ] && [ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
ip link set lo up
ip addr add "${SABLE_IP:-10.0.0.2/24}" dev eth0
ip link set eth0 up
echo "PVNET-GUEST-UP ip=${SABLE_IP:-10.0.0.2/24} links=$(links)"

dd if=/dev/urandom of=/tmp/tx bs=1024 count=$((SIZE / 1024)) 2>/dev/null
echo "PVNET-TXFILE md5=$(md5sum </tmp/tx | cut -d' ' -f1)"
# busybox nc half-closes the connection at the end of its input and
# exits at the end of the peer's: the receiver's input is a pipe that
# stays open, so that it reads until the sender is done.
nc -l -p 5001 </tmp/tx >/dev/null 2>&1 &
sleep 100000 | nc -l -p 5000 >/tmp/rx 2>/dev/null &

(
	last=""
	while :; do
		now=$(links)
		[ "$now" = "$last" ] || echo "PVNET-LINKS $now"
		last=$now
		sleep 0.2
	done
) &

for peer in $(echo "${SABLE_PEERS:-}" | tr ',' ' '); do
	(
		n=0
		while ! ping -c 1 -W 1 "$peer" >/dev/null 2>&1; do
			n=$((n + 1))
			if [ "$n" -ge 60 ]; then
				echo "PVNET-PING $peer FAIL"
				exit 0
			fi
			sleep 0.5
		done
		echo "PVNET-PING $peer ok"
	) &
done

n=0
while [ "$(stat -c %s /tmp/rx 2>/dev/null || echo 0)" -lt "$SIZE" ]; do
	sleep 0.2
	n=$((n + 1))
	if [ "$n" = 300 ]; then
		echo "PVNET-STALL rx=$(stat -c %s /tmp/rx) $(grep '^Tcp:' /proc/net/snmp | tail -1) $(grep eth0 /proc/net/dev)"
	fi
done
echo "PVNET-RX bytes=$(stat -c %s /tmp/rx) md5=$(md5sum </tmp/rx | cut -d' ' -f1)"
while :; do
	sleep 3600
done
