#!/usr/bin/env bash
# Install everything Sable needs on a Debian 12 amd64 host, once.
#  - host packages through apt (cross toolchain, QEMU, libfdt, test tools)
#  - arm64 Debian packages (kernel, busybox, libfdt, Xen 4.17 for reference
#    runs) downloaded with apt and unpacked into a cache outside the repo.
# A stamp file makes the second run a no-op.
set -euo pipefail

CACHE="${SABLE_CACHE:-$HOME/.cache/sable}"
STAMP="$CACHE/.setup-v5"
mkdir -p "$CACHE"
if [[ -f "$STAMP" ]]; then
	exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
	SUDO="sudo"
fi

HOST_PKGS=(
	make gcc clang lld llvm libclang-rt-14-dev
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm qemu-utils
	device-tree-compiler libfdt-dev
	cpio xz-utils e2fsprogs
	python3 python3-pytest python3-pexpect
	lcov clang-format
	xenstore-utils
)

missing=()
for p in "${HOST_PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
if ((${#missing[@]})); then
	echo "setup: installing host packages: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# arm64 packages, fetched through apt without enabling multiarch for good.
APT_ARM=(-o APT::Architectures::=arm64 -o APT::Sandbox::User=root)
if ! apt-cache "${APT_ARM[@]}" show linux-image-arm64:arm64 >/dev/null 2>&1; then
	$SUDO apt-get "${APT_ARM[@]}" update -qq
fi

# The real kernel package is what the meta package depends on.
KPKG=$(apt-cache "${APT_ARM[@]}" depends linux-image-arm64:arm64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ {print $2; exit}' | sed 's/:arm64$//')
if [[ -z "$KPKG" ]]; then
	echo "setup: cannot resolve the arm64 kernel package" >&2
	exit 1
fi

# xen-utils-4.17 and the libraries below it: Debian's C xenstored and
# oxenstored, run against Sable's by `make bench` (bench_xenstore.py).
# xen-utils-common's hotplug scripts (/etc/xen/scripts) with bash and
# util-linux's flock, which they need: Debian's xl runs them on Xen 4.17
# for the PV device benchmark (bench_pvdev.py).
ARM_PKGS=("$KPKG" busybox-static libfdt-dev libfdt1 xen-hypervisor-4.17-arm64
	xenstore-utils libxenstore4 libxentoolcore1 libc6
	xen-utils-4.17 libxenmisc4.17 libxenevtchn1 libxengnttab1 libxencall1
	libxenforeignmemory1 libxendevicemodel1 libxentoollog1 zlib1g libgcc-s1
	libxenhypfs1 libuuid1 libyajl2 xen-utils-common bash libtinfo6 util-linux)

DEBS="$CACHE/debs"
ROOT="$CACHE/arm64"
mkdir -p "$DEBS" "$ROOT"
(
	cd "$DEBS"
	for p in "${ARM_PKGS[@]}"; do
		if ! ls "$DEBS"/"${p}"_*arm64.deb >/dev/null 2>&1; then
			echo "setup: downloading $p:arm64"
			apt-get "${APT_ARM[@]}" download -qq "$p:arm64"
		fi
	done
)
for deb in "$DEBS"/*.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done

# Stable names for the pieces the build and tests use.
KIMG=$(ls "$ROOT"/boot/vmlinuz-*-arm64 | head -n1)
ln -sf "$KIMG" "$CACHE/vmlinuz"
ln -sf "$(ls -d "$ROOT"/lib/modules/*-arm64 | head -n1)" "$CACHE/modules"
XEN=$(ls "$ROOT"/boot/xen-4.17* 2>/dev/null | grep -v '\.config' | head -n1 || true)
if [[ -n "$XEN" ]]; then
	ln -sf "$XEN" "$CACHE/xen"
fi
ln -sf "$ROOT/bin/busybox" "$CACHE/busybox"

echo "$KPKG" >"$STAMP"
echo "setup: done (cache in $CACHE)"
