#!/bin/sh
# XenStore throughput of one daemon, driven by xs-bench over the daemon's
# Unix socket (tests/bench/bench_xenstore.py boots once per daemon).
#
#   sable.xsd=sable|c|ox   Sable's xenstored, Debian's C xenstored or
#                          oxenstored (the latter two need the image with
#                          the XenStore overlay, build/dom0-xsbench-initrd)
#   sable.xsbench_secs=N   seconds per operation family (default 3)
#   sable.xsbench_cpu=N    run daemon and client on dom0 vCPU N only (default:
#                          wherever the dom0 kernel schedules them)
#
# Boot with sable.xenstored=0 so that /init starts no daemon of its own.
# Prints one line per operation family:
#   XSBENCH-RESULT daemon=<d> op=<op> ops=<n> seconds=<t> rate=<ops/s>
. /tests/lib.sh

XSD=${SABLE_XSD:-sable}
SECS=${SABLE_XSBENCH_SECS:-3}
SOCK=/var/run/xenstored/socket
XEN_BIN=/usr/lib/xen-4.17/bin
LOG=/var/log/xen/xsbench-daemon.log
PIN=""
[ -n "$SABLE_XSBENCH_CPU" ] && PIN="taskset -c $SABLE_XSBENCH_CPU"

case "$XSD" in
sable) set -- /usr/sbin/xenstored ;;
c) set -- "$XEN_BIN/xenstored" --no-fork ;;
ox) set -- "$XEN_BIN/oxenstored" --no-fork \
	--config-file /etc/xen/oxenstored.conf ;;
*)
	echo "xsbench: unknown daemon '$XSD'"
	exit 1
	;;
esac

stop_running() {
	for p in $(pidof xenstored oxenstored); do
		kill "$p"
	done
	n=0
	while pidof xenstored oxenstored >/dev/null && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	! pidof xenstored oxenstored >/dev/null
}

# Ready once a write and a read back succeed over the socket.
serving() {
	n=0
	while [ "$n" -lt 100 ]; do
		if [ -S "$SOCK" ] && xenstore-write /xsbench/ready 1 2>/dev/null &&
			[ "$(xenstore-read /xsbench/ready 2>/dev/null)" = 1 ]; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

daemon_alive() {
	kill -0 "$XSD_PID" 2>/dev/null
}

check "no other xenstored left running" stop_running
check "daemon binary $1 present" test -x "$1"
mkdir -p /var/run/xenstored /var/run/xen /var/lib/xenstored /var/log/xen
rm -f "$SOCK"
info "starting: $PIN $*"
$PIN "$@" </dev/null >"$LOG" 2>&1 &
XSD_PID=$!
check "$XSD daemon serves $SOCK" serving
check "$XSD daemon still running" daemon_alive
if [ "$CHECKS_FAILED" -ne 0 ]; then
	info "daemon log:"
	sed 's/^/  | /' "$LOG" | head -n 40
	dmesg | tail -n 20 | sed 's/^/  | dmesg: /'
	finish
fi
info "kernel xenbus read through $XSD: $(XENSTORED_PATH=/dev/xen/xenbus \
	timeout 5 xenstore-read /xsbench/ready 2>&1)"

$PIN xs-bench --seconds "$SECS" --prefix /xsbench/run >/tmp/xsbench.out 2>&1
rc=$?
cat /tmp/xsbench.out
awk -v d="$XSD" '$3 == "ops" && $4 == "in" {
	print "XSBENCH-RESULT daemon=" d " op=" $1 " ops=" $2 " seconds=" $5 \
		" rate=" $7
}' /tmp/xsbench.out
check "xs-bench ran to the end against $XSD" test "$rc" -eq 0
check "$XSD daemon alive after the run" daemon_alive
kill "$XSD_PID" 2>/dev/null
finish
