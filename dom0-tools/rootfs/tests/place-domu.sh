#!/bin/sh
# The domU side of xl-place.sh (placement and pinning, docs/scheduler.md):
# keeps every vCPU busy for sable.busy= seconds (default 60) and meanwhile
# times `sleep 2` again and again with its own clock, each time printing
#   PLACE-SLEEP ms=<elapsed> timer=<d0>,<d1>,...
# with the timer interrupts (arch_timer) each CPU took during it.
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

ncpu=$(grep -c '^processor' /proc/cpuinfo)
busy=${SABLE_BUSY:-60}
info "cpus: $ncpu"
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
	up_ms
	t0=$now
	sleep 2
	up_ms
	t1=$now
	b=$(timer_counts "$ncpu")
	d=$(echo "$a $b" | awk -v n="$ncpu" '{ s = ""; for (i = 1; i <= n; i++)
		s = s (i > 1 ? "," : "") ($(n + i) - $i); print s }')
	echo "PLACE-SLEEP ms=$((t1 - t0)) timer=$d"
done
kill $pids
check "$ncpu CPUs kept busy for ${busy} s" test "$ncpu" -ge 2
finish
