#!/bin/sh
# Placement and pinning (docs/scheduler.md): a Linux domU with 4 vCPUs on
# the 2 pCPUs, dom0 idle, runs place-domu.sh (every vCPU busy, `sleep 2`
# timed again and again). Its vCPUs spread over both pCPUs and each gets
# CPU time (xl vcpu-list); `xl vcpu-pin` moves a running vCPU (vCPU 3, to
# the pCPU it is not on) to the other pCPU; afterwards `sleep 2` in the
# domU still takes 2 s by its own clock, and the moved vCPU's timer
# interrupts and its network interrupts (the domU's vif, on xenbr0, has
# its event channels bound to vCPU 3; dom0 pings it) keep counting. Needs
# the guests image (docs/rootfs.md).
. /tests/lib.sh

KERNEL=${SABLE_XL_KERNEL:-/var/lib/xen/images/vmlinuz}
RAMDISK=${SABLE_XL_RAMDISK:-/var/lib/xen/images/domu-initrd.cpio.gz}
LOG=/var/log/xen/console/guest-place.log
T=/tmp/xl-place
mkdir -p $T

cat >$T/place.cfg <<CFG
name = "place"
kernel = "$KERNEL"
ramdisk = "$RAMDISK"
extra = "console=hvc0 rdinit=/init sable.test=place-domu sable.busy=60 sable.ip=10.0.0.2/24 sable.netcpu=3"
memory = 128
vcpus = 4
vif = [ 'mac=00:16:3e:00:00:51,bridge=xenbr0' ]
CFG

# "vcpu cpu state time" per vCPU of the domain.
vcpus() {
	xl vcpu-list place | awk '$1 == "place" { print $3, $4, $5, $6 }'
}

check "xl create a 4-vCPU domU with a vif" xl create $T/place.cfg
ip addr add 10.0.0.1/24 dev xenbr0
check "its vCPUs are busy" within "grep -q PLACE-BUSY $LOG" 150
sleep 2
vcpus >$T/a
sleep 3
vcpus >$T/b
info "vcpu-list: $(tr '\n' '|' <$T/a) then $(tr '\n' '|' <$T/b)"
check "4 vCPUs listed" test "$(wc -l <$T/b)" -eq 4
check "its vCPUs are on both pCPUs" sh -c \
	"cat $T/a $T/b | awk '{ print \$2 }' | sort -u | tr '\n' ' ' |
	grep -qx '0 1 '"
check "each vCPU got CPU time in 3 s (at least 0.3 s)" sh -c \
	"paste -d ' ' $T/a $T/b |
	awk '{ if (\$8 - \$4 < 0.3) bad = 1 } END { exit bad }'"

# vCPU 3, busy (running or waiting for its turn), goes to the other pCPU.
V=3
P=$(awk -v v="$V" '$1 == v { print $2 }' $T/b)
TO=$((1 - ${P:-0}))
info "pinning vCPU $V (on pCPU $P, $(awk -v v="$V" '$1 == v { print $3 }' $T/b)) to pCPU $TO"
check "xl vcpu-pin place $V $TO" xl vcpu-pin place "$V" "$TO"
check "vCPU $V runs on pCPU $TO only" within \
	"xl vcpu-list place | awk '\$1 == \"place\" && \$3 == $V' |
	awk '{ exit !(\$4 == $TO && \$7 == \"$TO\") }'" 10
mark=$(wc -l <$LOG)
# Network interrupts for vCPU 3 while the sleeps are timed.
ping -c 200 -i 0.1 10.0.0.2 >$T/ping 2>&1 &
PING=$!
# The second PLACE-SLEEP line after the pin began after it.
check "two sleeps timed after the pin" within \
	"[ \$(tail -n +$((mark + 1)) $LOG | grep -c PLACE-SLEEP) -ge 2 ]" 30
line=$(tail -n +$((mark + 1)) $LOG | grep PLACE-SLEEP | sed -n 2p | tr -d '\r')
info "after the pin: $line"
ms=$(echo "$line" | sed -n 's/.*ms=\([0-9]*\).*/\1/p')
ticks=$(echo "$line" | sed -n 's/.*timer=\([0-9,]*\).*/\1/p' |
	cut -d, -f$((V + 1)))
# The sleep's own process start and exit count too, at a share of a vCPU
# that itself has half a pCPU (QEMU TCG): up to a second over 2 s.
check "sleep 2 took 2 s (1900 to 3000 ms: $ms)" sh -c \
	"[ '${ms:-0}' -ge 1900 ] && [ '${ms:-0}' -le 3000 ]"
check "vCPU $V's timer interrupts kept counting (>= 100 in 2 s: $ticks)" \
	test "${ticks:-0}" -ge 100
net=$(echo "$line" | sed -n 's/.*net=\([0-9]*\).*/\1/p')
check "vCPU $V's network interrupts kept counting (>= 5 in 2 s: $net)" \
	test "${net:-0}" -ge 5
kill $PING 2>/dev/null
wait $PING 2>/dev/null
info "dom0's ping of the domU: $(tail -n 2 $T/ping | tr '\n' '|')"
info "all sleeps (the pin after $mark lines): $(grep -n PLACE-SLEEP $LOG |
	sed 's/PLACE-SLEEP //' | tr -d '\r' | tr '\n' '|')"
# A soft affinity through the hypervisor's control interface, the hard
# one kept ("-"), both shown by vcpu-list ("HARD / SOFT").
check "xl vcpu-pin place 2 - 0 (soft affinity only)" xl vcpu-pin place 2 - 0
info "vCPU 2: $(xl vcpu-list place | awk '$1 == "place" && $3 == 2')"
check "vCPU 2: hard affinity all, soft 0" sh -c \
	"xl vcpu-list place | awk '\$1 == \"place\" && \$3 == 2 {
	exit !(\$7 == \"all\" && \$9 == \"0\") }'"
check "xl destroy place" xl destroy place
finish
