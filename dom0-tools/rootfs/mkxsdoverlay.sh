#!/usr/bin/env bash
# Build the Xen tools overlay: a gzip'd newc cpio holding Debian's C
# xenstored and oxenstored, Xen's init-dom0less, and xl, xenconsoled and
# xen-init-dom0 for the toolstack benchmark (xen-utils-4.17), the hotplug
# scripts Debian's xl runs for disks and vifs (/etc/xen/scripts from
# xen-utils-common, with bash and util-linux's flock, which they use), and
# the shared libraries they need that the base dom0 image lacks. Appended to the dom0 image (the kernel
# unpacks concatenated archives in order), it lets /tests/xsbench.sh run
# either daemon, and the Xen 4.17 reference boots to introduce boot-time
# domains with Xen's own helper; ordinary dom0 boots do not carry it. See docs/rootfs.md.
#
#   mkxsdoverlay.sh <base-dom0.cpio.gz> <output.cpio.gz>
#
# Environment: SABLE_CACHE (default ~/.cache/sable), CROSS (default
# aarch64-linux-gnu-).
set -euo pipefail

CACHE=${SABLE_CACHE:-$HOME/.cache/sable}
CROSS=${CROSS:-aarch64-linux-gnu-}
READELF=${CROSS}readelf
ARMROOT=$CACHE/arm64
XEN_BIN=usr/lib/xen-4.17/bin
DAEMONS="xenstored oxenstored init-dom0less xl xenconsoled xen-init-dom0"
LIBDIRS="lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu"

die() {
	echo "mkxsdoverlay: $*" >&2
	exit 1
}

[[ $# -eq 2 ]] || die "usage: $0 <base-dom0.cpio.gz> <output.cpio.gz>"
BASE=$1
OUT=$2
[[ -f "$BASE" ]] || die "no base image $BASE"
command -v "$READELF" >/dev/null || die "$READELF not found"
for d in $DAEMONS; do
	[[ -f "$ARMROOT/$XEN_BIN/$d" ]] ||
		die "no $d at $ARMROOT/$XEN_BIN (run: make setup)"
done

STAGE=${OUT%.cpio.gz}.d
rm -rf "$STAGE"
mkdir -p "$STAGE/$XEN_BIN" "$STAGE/lib/aarch64-linux-gnu" "$STAGE/etc/xen" \
	"$STAGE/var/lib/xenstored"
trap 'rm -rf "$STAGE"' EXIT

# Libraries the base image already carries are not copied again.
declare -A HAVE=()
while read -r f; do
	HAVE[$(basename "$f")]=1
done < <(gzip -dc "$BASE" | cpio -t --quiet 2>/dev/null |
	grep '^lib/aarch64-linux-gnu/' || true)

find_lib() { # soname -> path under $ARMROOT
	local d
	for d in $LIBDIRS; do
		[[ -e "$ARMROOT/$d/$1" ]] && { echo "$ARMROOT/$d/$1"; return 0; }
	done
	return 1
}

needed_libs() {
	"$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

ADDED=()
add_lib() { # soname
	local src n
	[[ -n "${HAVE[$1]:-}" ]] && return 0
	HAVE[$1]=1
	src=$(find_lib "$1") ||
		die "shared library $1 not in $ARMROOT (run: make setup)"
	install -m 0755 "$(readlink -f "$src")" "$STAGE/lib/aarch64-linux-gnu/$1"
	ADDED+=("$1")
	for n in $(needed_libs "$src"); do
		add_lib "$n"
	done
}

for d in $DAEMONS; do
	install -m 0755 "$ARMROOT/$XEN_BIN/$d" "$STAGE/$XEN_BIN/$d"
	for n in $(needed_libs "$ARMROOT/$XEN_BIN/$d"); do
		add_lib "$n"
	done
done

# Xen's hotplug scripts start with #!/bin/bash and take their locks with
# flock; busybox has neither. They go to /bin, which the overlay replaces
# the busybox link of (the image's /usr/bin is a link to /bin).
HOTPLUG="bash, flock, hotplug scripts"
for f in bin/bash usr/bin/flock etc/xen/scripts/block; do
	[[ -f "$ARMROOT/$f" ]] || HOTPLUG=""
done
if [[ -n "$HOTPLUG" ]]; then
	mkdir -p "$STAGE/bin" "$STAGE/etc/xen/scripts"
	install -m 0755 "$ARMROOT/bin/bash" "$ARMROOT/usr/bin/flock" "$STAGE/bin/"
	cp -a "$ARMROOT/etc/xen/scripts/." "$STAGE/etc/xen/scripts/"
	for b in bin/bash bin/flock; do
		for n in $(needed_libs "$STAGE/$b"); do
			add_lib "$n"
		done
	done
else
	echo "mkxsdoverlay: no hotplug scripts, bash or flock in $ARMROOT:" \
		"Debian's xl cannot attach disks or vifs (run: make setup)" >&2
fi

# oxenstored refuses to start without its configuration file. These are the
# settings Debian installs, with the ring found through xenfs.
cat >"$STAGE/etc/xen/oxenstored.conf" <<'EOF'
# oxenstored settings for the Sable dom0 benchmark image
pid-file = /var/run/xen/xenstored.pid
merge-activate = true
perms-activate = true
perms-watch-activate = true
quota-activate = true
quota-maxentity = 1000
quota-maxsize = 2048
quota-maxwatch = 100
quota-transaction = 10
quota-maxrequests = 1024
quota-path-max = 1024
quota-maxoutstanding = 1024
quota-maxwatchevents = 1024
persistent = false
xenstored-kva = /proc/xen/xsd_kva
xenstored-port = /proc/xen/xsd_port
EOF

mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 -print | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkxsdoverlay: $OUT ($DAEMONS, ${HOTPLUG:+$HOTPLUG, }${ADDED[*]}; $(stat -c %s "$OUT") bytes)"
