#!/usr/bin/env bash
# Build a Sable initramfs (gzip'd newc cpio) from Debian's busybox-static and
# the arm64 kernel's modules. See docs/rootfs.md.
#
#   mkinitramfs.sh <dom0|domu> <output.cpio.gz> [extra-bin-dir]
#
# Files found in extra-bin-dir are installed into /usr/sbin.
# Environment: SABLE_CACHE (default ~/.cache/sable), CROSS (default
# aarch64-linux-gnu-).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${SABLE_CACHE:-$HOME/.cache/sable}
CROSS=${CROSS:-aarch64-linux-gnu-}
READELF=${CROSS}readelf

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[[ $# -ge 2 ]] || die "usage: $0 <dom0|domu> <output.cpio.gz> [extra-bin-dir]"
FLAVOUR=$1
OUT=$2
EXTRA=${3:-}
case "$FLAVOUR" in
dom0 | domu) ;;
*) die "unknown flavour '$FLAVOUR'" ;;
esac

BUSYBOX=$CACHE/busybox
MODDIR=$(readlink -f "$CACHE/modules" || true)
[[ -f "$BUSYBOX" ]] || die "no busybox at $BUSYBOX (run: make setup)"
[[ -d "$MODDIR/kernel" ]] || die "no kernel modules at $CACHE/modules (run: make setup)"
command -v "$READELF" >/dev/null || die "$READELF not found"
KVER=$(basename "$MODDIR")

STAGE=${OUT%.cpio.gz}.d
rm -rf "$STAGE"
mkdir -p "$STAGE"
trap 'rm -rf "$STAGE"' EXIT

# ---- skeleton ----------------------------------------------------------
(
	cd "$STAGE"
	mkdir -p bin dev etc/sable proc sys run tmp root usr/sbin \
		var/log var/lib/xen "lib/modules/$KVER" tests
	chmod 1777 tmp
	ln -s bin sbin
	ln -s ../bin usr/bin
	ln -s ../run var/run
)

# ---- busybox and its applet links --------------------------------------
# The binary cannot run on this host, so the applet names are read from the
# sorted, NUL-separated name table busybox keeps ("[", "[[", "acpid", ...).
busybox_applets() {
	local off
	off=$(LC_ALL=C grep -obUaP -m1 '\[\x00\[\[\x00' "$BUSYBOX" | cut -d: -f1)
	[[ -n "$off" ]] || return 1
	# Stop at the first entry that is not an applet name (awk reads on: an
	# early exit would fail the pipeline with the writer's SIGPIPE).
	dd if="$BUSYBOX" bs=8192 skip="$off" count=1 iflag=skip_bytes \
		status=none | tr '\0' '\n' |
		awk 'stop { next } /^[][A-Za-z0-9_.-]+$/ { print; next } { stop = 1 }'
}

install -m 0755 "$BUSYBOX" "$STAGE/bin/busybox"
APPLETS=$(busybox_applets) || die "cannot read the applet table of $BUSYBOX"
for a in sh insmod setsid cttyhack mount poweroff init md5sum; do
	grep -qx "$a" <<<"$APPLETS" || die "busybox lacks the '$a' applet"
done
while read -r a; do
	[[ "$a" == busybox ]] || ln -sf busybox "$STAGE/bin/$a"
done <<<"$APPLETS"

# ---- modules -------------------------------------------------------------
# Debian ships no modules.dep for us and the host has no arm64 kmod: read each
# module's "depends=" from its .modinfo section and order depth first.
declare -A MODPATH=() STATE=()
LOAD=()
while IFS= read -r -d '' f; do
	n=$(basename "$f" .ko)
	MODPATH[${n//-/_}]=${f#"$MODDIR"/}
done < <(find "$MODDIR/kernel" -name '*.ko' -print0)

module_depends() {
	"$READELF" -p .modinfo "$MODDIR/$1" |
		sed -n 's/.*depends=\(.*\)$/\1/p' | tr ',' ' '
}

is_builtin() {
	grep -q "/$1\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null ||
		grep -q "/${1//_/-}\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null
}

add_module() {
	local key=${1//-/_} d
	case "${STATE[$key]:-}" in
	done) return 0 ;;
	busy) die "module dependency cycle through $1" ;;
	esac
	if [[ -z "${MODPATH[$key]:-}" ]]; then
		if is_builtin "$key" || is_builtin "$1"; then
			STATE[$key]="done"
			return 0
		fi
		die "module $1 not found under $MODDIR"
	fi
	STATE[$key]="busy"
	for d in $(module_depends "${MODPATH[$key]}"); do
		add_module "$d"
	done
	STATE[$key]="done"
	LOAD+=("${MODPATH[$key]}")
}

while read -r m _; do
	[[ -z "$m" || "$m" == \#* ]] && continue
	add_module "$m"
done <"$HERE/modules-$FLAVOUR.list"

: >"$STAGE/etc/sable/modules.load"
: >"$STAGE/lib/modules/$KVER/modules.dep"
for p in "${LOAD[@]}"; do
	mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$p")"
	install -m 0644 "$MODDIR/$p" "$STAGE/lib/modules/$KVER/$p"
	echo "$p" >>"$STAGE/etc/sable/modules.load"
	deps=""
	for d in $(module_depends "$p"); do
		deps+=" ${MODPATH[${d//-/_}]:-}"
	done
	echo "$p:$deps" >>"$STAGE/lib/modules/$KVER/modules.dep"
done

# ---- init, tests, configuration ----------------------------------------
install -m 0755 "$HERE/init" "$STAGE/init"
install -m 0644 "$HERE/lib.sh" "$STAGE/tests/lib.sh"
for t in "$HERE"/tests/*.sh; do
	[[ -e "$t" ]] && install -m 0755 "$t" "$STAGE/tests/"
done
echo "$FLAVOUR" >"$STAGE/etc/hostname"
echo "$FLAVOUR" >"$STAGE/etc/sable/flavour"
echo "root:x:0:0:root:/root:/bin/sh" >"$STAGE/etc/passwd"
echo "root:x:0:" >"$STAGE/etc/group"
cat >"$STAGE/etc/profile" <<'EOF'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
PS1='\h:\w# '
[ -r /run/sable/env ] && . /run/sable/env
EOF

if [[ -n "$EXTRA" && -d "$EXTRA" ]]; then
	for f in "$EXTRA"/*; do
		[[ -f "$f" ]] || continue
		case "$f" in *.o | *.d | *.a) continue ;; esac
		install -m 0755 "$f" "$STAGE/usr/sbin/"
		echo "mkinitramfs: $FLAVOUR: added /usr/sbin/$(basename "$f")"
	done
fi

# ---- Debian's xenstore-utils (dom0) --------------------------------------
# One multi-call binary, `xenstore`, answers to every xenstore-<verb> name it
# is started as. It is dynamically linked: the loader and exactly the shared
# libraries its DT_NEEDED closure names are copied from the arm64 cache into
# /lib/aarch64-linux-gnu, one of glibc's built-in search directories.
ARMROOT=$CACHE/arm64
XS_VERBS="read write ls exists rm list chmod watch"
LIBDIRS="lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu"
declare -A COPIED_LIB=()

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

add_lib() { # soname
	local src n
	[[ -n "${COPIED_LIB[$1]:-}" ]] && return 0
	COPIED_LIB[$1]=1
	src=$(find_lib "$1") || die "shared library $1 not in $ARMROOT (run: make setup)"
	install -m 0755 "$(readlink -f "$src")" "$STAGE/lib/aarch64-linux-gnu/$1"
	for n in $(needed_libs "$src"); do
		add_lib "$n"
	done
}

if [[ "$FLAVOUR" == dom0 ]]; then
	XS_BIN=$ARMROOT/usr/bin/xenstore
	[[ -f "$XS_BIN" ]] || die "no xenstore-utils at $XS_BIN (run: make setup)"
	mkdir -p "$STAGE/lib/aarch64-linux-gnu"
	install -m 0755 "$XS_BIN" "$STAGE/bin/xenstore"
	for v in $XS_VERBS; do
		ln -sf xenstore "$STAGE/bin/xenstore-$v"
	done
	for n in $(needed_libs "$XS_BIN"); do
		add_lib "$n"
	done
	interp=$("$READELF" -l "$XS_BIN" |
		sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
	[[ "$interp" == /lib/ld-linux-aarch64.so.1 ]] ||
		die "unexpected program interpreter '$interp' in $XS_BIN"
	add_lib ld-linux-aarch64.so.1
	# glibc loads libgcc_s when a thread is cancelled: xenstore-watch
	# cancels its reader thread on exit and aborts without it.
	add_lib libgcc_s.so.1
	ln -sf aarch64-linux-gnu/ld-linux-aarch64.so.1 "$STAGE/lib/ld-linux-aarch64.so.1"
	echo "mkinitramfs: $FLAVOUR: added xenstore-utils ($XS_VERBS) and" \
		"${!COPIED_LIB[*]}"
fi

# ---- archive -----------------------------------------------------------
# /dev/console must exist before /init runs (the kernel opens it for init's
# stdio). A second, hand-written newc archive carries it, so the build needs
# no mknod and no root.
newc_entry() { # name mode rdev_major rdev_minor
	local name=$1 mode=$2 maj=$3 min=$4 hdr pad
	hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 1 0 0 0 0 "$maj" "$min" $((${#name} + 1)) 0)
	printf '%s%s\0' "$hdr" "$name"
	pad=$(((4 - (110 + ${#name} + 1) % 4) % 4))
	head -c "$pad" /dev/zero
}

mkdir -p "$(dirname "$OUT")"
{
	(cd "$STAGE" && find . -print | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet)
	newc_entry dev $((0040755)) 0 0
	newc_entry dev/console $((0020600)) 5 1
	newc_entry 'TRAILER!!!' 0 0 0
} | gzip -9n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT ($FLAVOUR, kernel $KVER, ${#LOAD[@]} modules," \
	"$(stat -c %s "$OUT") bytes)"
