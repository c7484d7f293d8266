#!/bin/sh
# Steal time (docs/scheduler.md, Accounting): keep every CPU busy for
# sable.busy seconds (default 6) and check that the steal column of
# /proc/stat grew. Meant to run where other domains share the pCPUs.
. /tests/lib.sh

secs=${SABLE_BUSY:-6}
ncpu=$(grep -c '^processor' /proc/cpuinfo)

cpu_line() {
	head -n 1 /proc/stat
}

before=$(cpu_line)
i=0
while [ "$i" -lt "$ncpu" ]; do
	timeout "$secs" sh -c 'while :; do :; done' &
	i=$((i + 1))
done
wait
after=$(cpu_line)
info "before: $before"
info "after:  $after"
# Fields: cpu user nice system idle iowait irq softirq steal ...
steal0=$(echo "$before" | awk '{print $9}')
steal1=$(echo "$after" | awk '{print $9}')
busy0=$(echo "$before" | awk '{print $2 + $3 + $4}')
busy1=$(echo "$after" | awk '{print $2 + $3 + $4}')
info "STEAL steal=$((steal1 - steal0)) busy=$((busy1 - busy0)) cpus=$ncpu seconds=$secs"
check "steal time grew" test "$((steal1 - steal0))" -gt 0
check "steal is at least a fifth of the busy time" \
	test "$(((steal1 - steal0) * 5))" -ge "$((busy1 - busy0))"
finish
