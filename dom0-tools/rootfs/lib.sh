# Helpers for the scripts in /tests (sourced; busybox sh). See docs/rootfs.md.
#
#   check "what is checked" command args...   runs the command, prints
#       "check: ok   <what>" or "check: FAIL <what>" plus its output
#   info "text"                                prints "info: <text>"
#   finish                                     exits 0 if no check failed
#   within "command" SECONDS                   runs the command (in a new
#       shell: no functions of the script) every 0.2 s until it succeeds;
#       fails after SECONDS
#   free_mib                                   xl info's free_memory
#
# The kernel command line's sable.<key>=<value> words are available as
# $SABLE_<KEY> (see /init).

[ -r /run/sable/env ] && . /run/sable/env
CHECKS_FAILED=0

check() {
	what=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		echo "check: ok   $what"
	else
		echo "check: FAIL $what"
		sed 's/^/  | /' /tmp/check.out | head -n 20
		CHECKS_FAILED=$((CHECKS_FAILED + 1))
	fi
	rm -f /tmp/check.out
}

info() {
	echo "info: $*"
}

within() { # command seconds
	n=0
	while ! sh -c "$1" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

free_mib() {
	xl info | sed -n 's/^free_memory *: //p'
}

on_xen() {
	[ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]
}

module_loaded() {
	grep -q "^$(echo "$1" | tr - _) " /proc/modules
}

mounted() { # type [mount point]
	if [ -n "$2" ]; then
		grep -q "^[^ ]* $2 $1 " /proc/mounts
	else
		grep -q "^[^ ]* [^ ]* $1 " /proc/mounts
	fi
}

finish() {
	if [ "$CHECKS_FAILED" -ne 0 ]; then
		echo "$CHECKS_FAILED check(s) failed"
		exit 1
	fi
	exit 0
}
