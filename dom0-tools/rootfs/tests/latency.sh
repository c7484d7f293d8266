#!/bin/sh
# How long dom0's shell takes to answer a trivial command while other
# domains compete for the pCPUs (tests/system/test_sched.py): N times, the
# time around one command (a fork and exec of cat /proc/uptime), measured
# with the guest's monotonic clock, so any time dom0's vCPUs were not
# running counts.
#
#   sable.latency_n=N          commands (default 50)
#   sable.latency_max_ms=M     the check's bound for the slowest (default 100)
#
# Prints two lines
#   LATENCY-ALL <each command's time in ms, in order>
#   LATENCY-RESULT n=<N> max_us=<slowest> avg_us=<mean> over_us=<how many
#   took longer than the bound>
# and checks that none took longer than the bound.
. /tests/lib.sh

N=${SABLE_LATENCY_N:-50}
BOUND_US=$((${SABLE_LATENCY_MAX_MS:-100} * 1000))

# Nanoseconds of the monotonic clock into $NOW: busybox's date has no %N,
# so the kernel's timer list ("now at <ns> nsecs", its third line) gives
# it, read by the shell itself (no process started for the clock).
now_ns() {
	NOW=
	while read -r w1 w2 w3 rest; do
		if [ "$w1 $w2" = "now at" ]; then
			NOW=$w3
			return
		fi
	done </proc/timer_list
}

now_ns
case "$NOW" in
'' | *[!0-9]*)
	check "/proc/timer_list gives the time in nanoseconds" false
	finish
	;;
esac

# A first round warms the page cache up (cat, date).
cat /proc/uptime >/dev/null
max=0
sum=0
all=
over=0
i=0
while [ "$i" -lt "$N" ]; do
	now_ns
	t0=$NOW
	cat /proc/uptime >/dev/null
	now_ns
	us=$(((NOW - t0) / 1000))
	sum=$((sum + us))
	all="$all $((us / 1000))"
	[ "$us" -gt "$max" ] && max=$us
	[ "$us" -gt "$BOUND_US" ] && over=$((over + 1))
	i=$((i + 1))
done
echo "LATENCY-ALL$all"
echo "LATENCY-RESULT n=$N max_us=$max avg_us=$((sum / N)) over_us=$over"
check "each of $N commands answered within $((BOUND_US / 1000)) ms" \
	test "$over" -eq 0
finish
