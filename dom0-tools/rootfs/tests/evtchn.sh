#!/bin/sh
# /dev/xen/evtchn from userspace: a dom0 loopback channel, notified,
# read and unmasked many times (dom0-tools/evtchn-test).
. /tests/lib.sh

check "/dev/xen/evtchn exists" test -c /dev/xen/evtchn
check "evtchn-test installed" test -x /usr/sbin/evtchn-test
check "evtchn-test: 1 round" evtchn-test 1
check "evtchn-test: 1000 rounds" evtchn-test 1000
evtchn-test 100
finish
