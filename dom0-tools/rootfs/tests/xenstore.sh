#!/bin/sh
# Debian's xenstore-utils against Sable's xenstored: through its Unix socket
# and through the dom0 kernel's xenbus device.
. /tests/lib.sh

XS_SOCKET=/var/run/xenstored/socket

# The daemon is started in the background by /init: give it a moment.
wait_socket() {
	n=0
	while [ ! -S "$XS_SOCKET" ] && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	test -S "$XS_SOCKET"
}

read_is() { # path expected
	[ "$(xenstore-read "$1")" = "$2" ]
}

listed() { # dir name
	xenstore-list "$1" | grep -qx "$2"
}

ls_shows() { # dir pattern
	xenstore-ls "$1" | grep -q "$2"
}

perms_are() { # path expected (xenstore-ls -p prints "(perms)" last)
	xenstore-ls -p "$(dirname "$1")" |
		grep "^$(basename "$1") = " | grep -q "($2)\$"
}

xsd_status() { # field: xenstored's /proc status line, value only
	sed -n "s/^$1:[[:space:]]*//p" "/proc/$(pidof xenstored | cut -d' ' -f1)/status"
}

confined() { # seccomp filter, no new privileges, no capability left
	[ "$(xsd_status Seccomp)" = 2 ] && [ "$(xsd_status NoNewPrivs)" = 1 ] &&
		[ "$(xsd_status CapEff)" = 0000000000000000 ] &&
		[ "$(xsd_status CapPrm)" = 0000000000000000 ] &&
		[ "$(xsd_status CapBnd)" = 0000000000000000 ]
}

rooted_in_socket_dir() {
	[ "$(readlink "/proc/$(pidof xenstored | cut -d' ' -f1)/root")" = \
		"$(readlink -f "$(dirname "$XS_SOCKET")")" ]
}

# A second daemon, serving as nobody on a socket of its own.
as_another_user() {
	sock=/run/xsd-user/socket
	/usr/sbin/xenstored --no-dom0-ring --socket $sock --user 65534:65534 \
		>/tmp/xsd-user.log 2>&1 &
	pid=$!
	n=0
	while ! grep -q sandboxed /tmp/xsd-user.log && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	XENSTORED_PATH=$sock xenstore-write /u/a one &&
		[ "$(XENSTORED_PATH=$sock xenstore-read /u/a)" = one ] &&
		grep -q "^Uid:[[:space:]]*65534[[:space:]]*65534" "/proc/$pid/status"
	rc=$?
	kill "$pid"
	wait "$pid"
	cat /tmp/xsd-user.log
	[ "$rc" = 0 ] && ! grep -q "refused system call" /tmp/xsd-user.log
}

kernel_read_is() { # path expected, through /dev/xen/xenbus
	[ "$(XENSTORED_PATH=/dev/xen/xenbus xenstore-read "$1")" = "$2" ]
}

check "xenstored socket $XS_SOCKET" wait_socket
check "xenstore-utils installed" test -x /usr/bin/xenstore-read
check "xenstored confined: seccomp, no new privileges, no capabilities" \
	confined
check "xenstored's root is its socket's directory" rooted_in_socket_dir
check "xenstore-write /test/a hello" xenstore-write /test/a hello
check "xenstore-read /test/a is hello" read_is /test/a hello
check "xenstore-exists /test/a" xenstore-exists /test/a
check "xenstore-write two more nodes" xenstore-write /test/b 2 /test/c/d 3
check "xenstore-list /test names a" listed /test a
check "xenstore-list /test names c" listed /test c
check "xenstore-ls /test shows a = \"hello\"" ls_shows /test 'a = "hello"'
check "xenstore-ls /test shows nested d = \"3\"" ls_shows /test ' d = "3"'
check "xenstore-chmod /test/a n0 r1" xenstore-chmod /test/a n0 r1
check "permissions of /test/a are n0,r1" perms_are /test/a n0,r1
check "xenstore-rm /test/a" xenstore-rm /test/a
check "/test/a gone after rm" sh -c '! xenstore-exists /test/a'
check "/test/a no longer listed" sh -c '! xenstore-list /test | grep -qx a'
check "xenstore-rm /test" xenstore-rm /test
check "/test gone after rm" sh -c '! xenstore-exists /test'

# The dom0 kernel's side of XenStore.
check "/sys/bus/xen exists" test -d /sys/bus/xen
check "/sys/bus/xen-backend exists" test -d /sys/bus/xen-backend
check "/dev/xen/xenbus exists" test -c /dev/xen/xenbus
check "socket write, kernel read" sh -c \
	'xenstore-write /test/k via-socket && [ "$(XENSTORED_PATH=/dev/xen/xenbus xenstore-read /test/k)" = via-socket ]'
check "kernel write, socket read" sh -c \
	'XENSTORED_PATH=/dev/xen/xenbus xenstore-write /test/k via-kernel && [ "$(xenstore-read /test/k)" = via-kernel ]'
xenstore-rm /test >/dev/null 2>&1
check "xenstored still serving, refused no system call" sh -c \
	'pidof xenstored && ! grep "refused system call" /var/log/xen/xenstored.log'
check "xenstored waits in its restricted io_uring, not epoll" sh -c \
	'! grep "no io_uring" /var/log/xen/xenstored.log'
info "xenstored log: $(tr '\n' ' ' </var/log/xen/xenstored.log)"
check "a second xenstored serves as user 65534 (--user)" as_another_user
info "/local/domain/0/name: $(xenstore-read /local/domain/0/name 2>&1)"
info "kernel read of /local/domain/0/name: $(XENSTORED_PATH=/dev/xen/xenbus xenstore-read /local/domain/0/name 2>&1)"
info "dmesg xenbus lines:"
dmesg | grep -i xenbus
finish
