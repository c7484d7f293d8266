#!/bin/sh
# Read the test disk (sable.disk_dev=, default /dev/vda) and compare it with
# the pattern written by tests/system/xenref.py make_test_disk(): sector i is
# the line "sable-disk sector %08d\n" repeated and cut at 512 bytes. The
# command line gives sable.disk_md5=<md5 of the whole disk> and optionally
# sable.disk_size=<bytes>.
. /tests/lib.sh

DEV=${SABLE_DISK_DEV:-/dev/vda}
BLK=$(basename "$DEV")

# virtio and xen-blkfront disks may appear a little after init starts.
n=0
while [ ! -b "$DEV" ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done

sector_line() { # sector number -> first line of that sector
	printf 'sable-disk sector %08d' "$1"
}

read_sector_line() {
	dd if="$DEV" bs=512 skip="$1" count=1 2>/dev/null | head -n 1
}

check "$DEV is a block device" test -b "$DEV"
SECTORS=$(cat "/sys/class/block/$BLK/size" 2>/dev/null || echo 0)
info "$DEV: $SECTORS sectors"
if [ -n "$SABLE_DISK_SIZE" ]; then
	check "size is $SABLE_DISK_SIZE bytes" \
		test "$((SECTORS * 512))" -eq "$SABLE_DISK_SIZE"
fi
check "sector 0 carries its number" \
	test "$(read_sector_line 0)" = "$(sector_line 0)"
if [ "$SECTORS" -gt 1 ]; then
	last=$((SECTORS - 1))
	check "sector $last carries its number" \
		test "$(read_sector_line $last)" = "$(sector_line $last)"
fi
check "sable.disk_md5= given" test -n "$SABLE_DISK_MD5"
if [ -n "$SABLE_DISK_MD5" ]; then
	sum=$(md5sum <"$DEV" | cut -d' ' -f1)
	info "md5 $sum"
	check "md5 of $DEV is $SABLE_DISK_MD5" test "$sum" = "$SABLE_DISK_MD5"
fi
finish
