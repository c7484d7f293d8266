#!/bin/sh
# In a domU with two PV disks (tests/pvdisk.sh): xvda, an ext4 image it
# may write, is mounted, read and written; xvdb, attached read-only
# (access=r), refuses writes to the device and to its file system.
. /tests/lib.sh

wait_dev() { # device seconds
	n=0
	while [ ! -b "$1" ] && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -b "$1" ]
}

check "xvda appears" wait_dev /dev/xvda 30
check "xvdb appears" wait_dev /dev/xvdb 30
info "xvda: $(cat /sys/class/block/xvda/size 2>/dev/null) sectors," \
	"read-only $(cat /sys/class/block/xvda/ro 2>/dev/null)"
mkdir -p /mnt/a /mnt/b
check "mount xvda (ext4) read-write" mount -t ext4 /dev/xvda /mnt/a
check "xvda holds the image's file" grep -q "sable pv disk" /mnt/a/hello.txt
check "write a file on xvda" sh -c \
	'echo "written by the domU" >/mnt/a/from-domu.txt && sync'
check "unmount xvda" umount /mnt/a
check "xvdb is read-only" test "$(cat /sys/class/block/xvdb/ro)" = 1
check "writing to xvdb fails" sh -c \
	'! dd if=/dev/zero of=/dev/xvdb bs=512 count=1 conv=fsync 2>/dev/null'
check "mount xvdb read-only" mount -t ext4 -o ro /dev/xvdb /mnt/b
check "xvdb holds the image's file" grep -q "sable pv disk" /mnt/b/hello.txt
check "creating a file on xvdb fails" sh -c '! touch /mnt/b/new 2>/dev/null'
umount /mnt/b
finish
