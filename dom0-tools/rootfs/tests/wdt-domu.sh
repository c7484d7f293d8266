#!/bin/sh
# In a Linux domU started by tests/xl-crash.sh: Linux's xen_wdt driver
# arms a hypervisor watchdog (SCHEDOP_watchdog) for busybox's watchdog
# daemon, which pets it every second; then the kernel panics. Nothing
# pets the watchdog any more, and after its 4 s the hypervisor shuts the
# domain down with reason "watchdog" (xl's on_watchdog action follows).
. /tests/lib.sh

check "xen_wdt gives /dev/watchdog" test -c /dev/watchdog
check "busybox watchdog arms it for 4 s" watchdog -T 4 -t 1 /dev/watchdog
sleep 3
echo "SABLE-WDT-PANIC"
echo c >/proc/sysrq-trigger
