#!/bin/sh
# The domU side of xl-place.sh (placement and pinning, docs/scheduler.md):
# keeps every vCPU busy for sable.busy= seconds (default 60) and meanwhile
# times `sleep 2` again and again with its own clock, each time printing
#   PLACE-SLEEP ms=<elapsed> timer=<d0>,<d1>,... net=<n>
# with the timer interrupts (arch_timer) each CPU took during it and the
# interrupts of its network interface taken by sable.netcpu= (default the
# last CPU). With sable.ip= it first gives eth0 that address and binds the
# interface's event channels (vifN-qM-tx, -rx) to that CPU.
. /tests/lib.sh

# $now: /proc/uptime in ms (it counts in hundredths of a second). A shell
# function, not $(...): no process is started while a sleep is timed.
up_ms() {
	read -r u _ </proc/uptime
	now=$((${u%%.*}${u#*.} * 10))
}

# The arch_timer line of /proc/interrupts: one count per CPU.
timer_counts() {
	awk -v n="$1" '/arch_timer/ { s = $2; for (i = 3; i <= n + 1; i++)
		s = s " " $i; print s; exit }' /proc/interrupts
}

# The interrupts of eth0's event channels taken by CPU $1, summed.
net_count() {
	awk -v c="$1" '/vif[0-9]+-q[0-9]+-(tx|rx)/ { s += $(c + 2) }
		END { print s + 0 }' /proc/interrupts
}

ncpu=$(grep -c '^processor' /proc/cpuinfo)
busy=${SABLE_BUSY:-60}
netcpu=${SABLE_NETCPU:-$((ncpu - 1))}
info "cpus: $ncpu"
if [ -n "$SABLE_IP" ]; then
	n=0
	while [ ! -e /sys/class/net/eth0 ] && [ "$n" -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	ip addr add "$SABLE_IP" dev eth0
	ip link set eth0 up
	irqs=$(awk '/vif[0-9]+-q[0-9]+-(tx|rx)/ { sub(":", "", $1); print $1 }' \
		/proc/interrupts)
	for i in $irqs; do
		echo "$netcpu" >/proc/irq/"$i"/smp_affinity_list
	done
	info "eth0 $SABLE_IP, interrupts $(echo $irqs) on CPU $netcpu"
fi
pids=
i=0
while [ "$i" -lt "$ncpu" ]; do
	(while :; do :; done) &
	pids="$pids $!"
	i=$((i + 1))
done
echo "PLACE-BUSY $ncpu"
up_ms
end=$((now + busy * 1000))
while [ "$now" -lt "$end" ]; do
	a=$(timer_counts "$ncpu")
	na=$(net_count "$netcpu")
	up_ms
	t0=$now
	sleep 2
	up_ms
	t1=$now
	b=$(timer_counts "$ncpu")
	nb=$(net_count "$netcpu")
	d=$(echo "$a $b" | awk -v n="$ncpu" '{ s = ""; for (i = 1; i <= n; i++)
		s = s (i > 1 ? "," : "") ($(n + i) - $i); print s }')
	echo "PLACE-SLEEP ms=$((t1 - t0)) timer=$d net=$((nb - na))"
done
kill $pids
check "$ncpu CPUs kept busy for ${busy} s" test "$ncpu" -ge 2
finish
