#!/bin/sh
# XenStore throughput of one or more daemons, each driven in turn by the same
# client, xs-bench, over the daemon's Unix socket (tests/bench/
# bench_xenstore.py).
#
#   sable.xsd=D[,D...]     daemons in the order to run them, each one of
#                          sable (Sable's xenstored), sable-X (/usr/sbin/
#                          xenstored-X), c (Debian's C xenstored), ox
#                          (oxenstored), null (xs-bench --null-server: answers
#                          without storing, the client's own ceiling); c and
#                          ox need the image with the
#                          XenStore overlay, build/dom0-xsbench-initrd
#   sable.xsbench_rounds=N run the whole list N times (default 1)
#   sable.xsbench_secs=N   seconds per operation family (default 3)
#   sable.xsbench_depths=N[,N...]  requests the client keeps in flight, one
#                          measurement each (default 1: synchronous)
#   sable.xsbench_cpu=N    run daemon and client on dom0 vCPU N only (default:
#                          wherever the dom0 kernel schedules them)
#
# Boot with sable.xenstored=0 so that /init starts no daemon of its own.
# Prints one line per daemon, round, depth and operation family:
#   XSBENCH-RESULT daemon=<d> round=<r> depth=<n> op=<op> ops=<n> seconds=<t>
#   rate=<ops/s> errors=<n>
# where ops counts the successful requests (transactions: commits).
. /tests/lib.sh

LIST=$(echo "${SABLE_XSD:-sable}" | tr ',' ' ')
ROUNDS=${SABLE_XSBENCH_ROUNDS:-1}
SECS=${SABLE_XSBENCH_SECS:-3}
DEPTHS=$(echo "${SABLE_XSBENCH_DEPTHS:-1}" | tr ',' ' ')
SOCK=/var/run/xenstored/socket
XEN_BIN=/usr/lib/xen-4.17/bin
LOG=/var/log/xen/xsbench-daemon.log
PIN=""
[ -n "$SABLE_XSBENCH_CPU" ] && PIN="taskset -c $SABLE_XSBENCH_CPU"

daemon_argv() { # name -> command line
	case "$1" in
	sable) echo /usr/sbin/xenstored ;;
	sable-*) echo "/usr/sbin/xenstored-${1#sable-}" ;;
	c) echo "$XEN_BIN/xenstored --no-fork" ;;
	ox) echo "$XEN_BIN/oxenstored --no-fork" \
		"--config-file /etc/xen/oxenstored.conf" ;;
	null) echo "/usr/sbin/xs-bench --null-server" ;;
	*) return 1 ;;
	esac
}

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

# Ready once a write and a read succeed over the socket.
serving() {
	n=0
	while [ "$n" -lt 100 ]; do
		if [ -S "$SOCK" ] &&
			xenstore-write /xsbench/ready 1 2>/tmp/xsbench.err &&
			xenstore-read /xsbench/ready >/dev/null 2>>/tmp/xsbench.err; then
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

# bench_one name round: start the daemon, measure, stop it.
bench_one() {
	d=$1
	round=$2
	argv=$(daemon_argv "$d") || {
		check "known daemon '$d'" false
		return
	}
	set -- $argv
	check "no other xenstored left running" stop_running
	check "daemon binary $1 present" test -x "$1"
	mkdir -p /var/run/xenstored /var/run/xen /var/lib/xenstored
	rm -f "$SOCK"
	info "starting: $PIN $*"
	$PIN "$@" </dev/null >"$LOG" 2>&1 &
	XSD_PID=$!
	failed=$CHECKS_FAILED
	check "$d serves $SOCK" serving
	check "$d still running" daemon_alive
	if [ "$CHECKS_FAILED" -ne "$failed" ]; then
		info "client errors: $(tail -n 3 /tmp/xsbench.err)"
		info "daemon log:"
		sed 's/^/  | /' "$LOG" | head -n 40
		dmesg | tail -n 20 | sed 's/^/  | dmesg: /'
		return
	fi
	# The dom0 kernel's ring is served by the daemons, not the null server.
	[ "$d" = null ] || info "kernel xenbus read through $d:" \
		"$(XENSTORED_PATH=/dev/xen/xenbus timeout 5 \
			xenstore-read /xsbench/ready 2>&1)"
	# Warm up (first-run costs in the daemon and, under QEMU, code
	# translation), then measure.
	$PIN xs-bench --seconds 0.5 --prefix /xsbench/warm >/dev/null 2>&1
	for depth in $DEPTHS; do
		$PIN xs-bench --seconds "$SECS" --depth "$depth" \
			--prefix /xsbench/run >/tmp/xsbench.out 2>&1
		rc=$?
		cat /tmp/xsbench.out
		awk -v d="$d" -v r="$round" -v q="$depth" '
			$3 == "ops" && $4 == "in" {
			print "XSBENCH-RESULT daemon=" d " round=" r \
				" depth=" q " op=" $1 " ops=" $2 \
				" seconds=" $5 " rate=" $7 " errors=" $9
		}' /tmp/xsbench.out
		check "xs-bench --depth $depth ran to the end against $d" \
			test "$rc" -eq 0
	done
	check "$d alive after the run" daemon_alive
	kill "$XSD_PID" 2>/dev/null
	wait "$XSD_PID" 2>/dev/null
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	for d in $LIST; do
		bench_one "$d" "$r"
	done
	r=$((r + 1))
done
finish
