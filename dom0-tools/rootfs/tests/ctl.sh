#!/bin/sh
# The control interface from dom0 userspace (dom0-tools/ctl-test): a
# domain created, loaded, built and started at run time, error answers,
# a large load, the hypervisor's console history.
. /tests/lib.sh

check "privcmd present" test -c /dev/xen/privcmd
check "ctl-test installed" test -x /usr/sbin/ctl-test
ctl-test
check "ctl-test passes" test "$?" -eq 0
finish
