#!/usr/bin/env bash
# Build the guests overlay: a gzip'd newc cpio with what `xl create` needs
# in dom0 to start Linux domUs: the domU kernel and initramfs in
# /var/lib/xen/images and the xl configurations in /etc/xen. Appended to
# the dom0 image (the kernel unpacks concatenated archives in order), it
# makes build/dom0-guests-initrd.cpio.gz; ordinary dom0 boots do not carry
# its 11 MB. Bare-metal guest images given after the output go to
# /var/lib/xen/images too. See docs/rootfs.md.
#
#   mkguestsoverlay.sh <domu-kernel> <domu-initrd.cpio.gz> <output.cpio.gz> \
#       [guest.bin ...]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)

die() {
	echo "mkguestsoverlay: $*" >&2
	exit 1
}

[[ $# -ge 3 ]] ||
	die "usage: $0 <domu-kernel> <domu-initrd> <output.cpio.gz> [guest.bin ...]"
KERNEL=$1
INITRD=$2
OUT=$3
shift 3
[[ -f "$KERNEL" ]] || die "no domU kernel $KERNEL (run: make setup)"
[[ -f "$INITRD" ]] || die "no domU initramfs $INITRD"

STAGE=${OUT%.cpio.gz}.d
rm -rf "$STAGE"
mkdir -p "$STAGE/var/lib/xen/images" "$STAGE/etc/xen"
trap 'rm -rf "$STAGE"' EXIT

install -m 0644 "$(readlink -f "$KERNEL")" "$STAGE/var/lib/xen/images/vmlinuz"
install -m 0644 "$INITRD" "$STAGE/var/lib/xen/images/domu-initrd.cpio.gz"
for f in "$@"; do
	[[ -f "$f" ]] || die "no guest image $f"
	install -m 0644 "$f" "$STAGE/var/lib/xen/images/"
done

# Two small ext4 images for the PV disk tests (tests/pvdisk*.sh): one the
# domU writes to, one it gets read-only. Each holds /hello.txt.
if command -v mkfs.ext4 >/dev/null 2>&1 ||
	[[ -x /usr/sbin/mkfs.ext4 || -x /sbin/mkfs.ext4 ]]; then
	MKFS=$(command -v mkfs.ext4 || ls /usr/sbin/mkfs.ext4 /sbin/mkfs.ext4 2>/dev/null | head -n 1)
	mkdir -p "$STAGE.fs"
	echo "sable pv disk" >"$STAGE.fs/hello.txt"
	for img in pvdisk-rw pvdisk-ro; do
		rm -f "$STAGE/var/lib/xen/images/$img.img"
		"$MKFS" -q -F -L "$img" -E root_owner=0:0 -d "$STAGE.fs" \
			"$STAGE/var/lib/xen/images/$img.img" 16M
	done
	rm -rf "$STAGE.fs"
else
	echo "mkguestsoverlay: no mkfs.ext4 on this host: the PV disk images" \
		"are left out" >&2
fi
for f in "$HERE"/xen/*; do
	install -m 0644 "$f" "$STAGE/etc/xen/"
done

mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 -print | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -6n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkguestsoverlay: $OUT ($(ls "$STAGE/etc/xen" | tr '\n' ' ')and" \
	"the domU kernel and initramfs; $(stat -c %s "$OUT") bytes)"
