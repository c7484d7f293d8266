#!/bin/sh
# Lock-holder preemption benchmark (tests/bench/bench_sched.py): lockbench
# with sable.threads= threads (default: one per CPU) for sable.secs=
# seconds (default 5); prints its LOCKBENCH line.
. /tests/lib.sh

ncpu=$(grep -c '^processor' /proc/cpuinfo)
info "cpus: $ncpu"
lockbench "${SABLE_THREADS:-$ncpu}" "${SABLE_SECS:-5}" >/tmp/lock.out 2>&1
rc=$?
cat /tmp/lock.out
check "lockbench ran" test "$rc" -eq 0
finish
