#!/bin/sh
# In a domU that dom0 gives a disk while it runs (tests/pvdisk.sh): xvdc
# appears, carries what dom0 wrote into the image, and disappears again
# when dom0 detaches it.
. /tests/lib.sh

wait_for() { # condition seconds
	n=0
	while ! sh -c "$1" && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sh -c "$1"
}

check "no xvdc at first" test ! -e /sys/class/block/xvdc
info "HOT-READY"
check "xvdc appears" wait_for "[ -b /dev/xvdc ]" 90
check "xvdc carries dom0's label" sh -c \
	'dd if=/dev/xvdc bs=16 count=1 2>/dev/null | grep -q sable-hot-disk'
info "HOT-SEEN"
check "xvdc disappears" wait_for "[ ! -e /sys/class/block/xvdc ]" 90
info "HOT-GONE"
finish
