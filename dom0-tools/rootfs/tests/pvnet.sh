#!/bin/sh
# PV networks through xl in dom0 (docs/pv-devices.md, "Networks"):
#  1. broken vif lines refused, naming the device, nothing left behind;
#  2. two Linux domUs with a vif each on xenbr0 (made by xl): their
#     frontends connect, each pings dom0 and the other, TCP both ways
#     between dom0 and the first (the domUs run pvnet-guest.sh);
#  3. hot attach and detach of a second vif on the running first domU:
#     the guest sees eth1 come and go.
# Create/destroy cycles with vifs (and disks) are pvdisk.sh's [cycles].
. /tests/lib.sh

first() {
	for f in "$@"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

KERNEL=$(first /var/lib/xen/images/vmlinuz /var/lib/xen/images/Image)
RAMDISK=$(first /var/lib/xen/images/domu-initrd.cpio.gz)
T=/tmp/pvnet
mkdir -p $T
if [ -z "$KERNEL" ] || [ -z "$RAMDISK" ]; then
	check "a domU kernel and initramfs in dom0" false
	finish
fi

# cfg NAME VIFS [EXTRA [SETTING]]: an xl.cfg for a 64 MiB domU.
cfg() {
	cat >$T/$1.cfg <<CFG
name = "$1"
kernel = "$KERNEL"
ramdisk = "$RAMDISK"
extra = "console=hvc0 rdinit=/init $3"
memory = 64
vcpus = 1
vif = [ $2 ]
$4
CFG
}

vifs_in_dom0() {
	ls /sys/class/net | grep -c '^vif' || true
}

log_of() {
	echo /var/log/xen/console/guest-$1.log
}

# The guest printed a line matching $2 on its console.
said() {
	grep -q "$2" "$(log_of "$1")" 2>/dev/null
}

# ---- 1. refusals ---------------------------------------------------------
cfg bad1 "'bridge=lo'"
cfg bad2 "'mac=00:16:3e:00:00:21', 'mac=00:16:3E:00:00:21'"
cfg bad3 "'mac=00:16:3e:zz:00:01'"
cfg bad4 "'bridge=a-very-long-bridge-name'"
check "bridge that is not a bridge refused" sh -c \
	"! xl create -q $T/bad1.cfg 2>$T/e1"
info "$(cat $T/e1)"
check "  ... naming vif 0 and the bridge" grep -q \
	"vif 0: bridge lo: an interface of that name exists and is not a bridge" $T/e1
check "duplicate mac refused" sh -c "! xl create -q $T/bad2.cfg 2>$T/e2"
info "$(cat $T/e2)"
check "  ... naming vif 1" grep -q \
	"vif 1 (00:16:3e:00:00:21): mac 00:16:3e:00:00:21 is already used by vif 0" $T/e2
check "bad mac refused" sh -c "! xl create -q $T/bad3.cfg 2>$T/e3"
check "  ... naming the specification" grep -q \
	"vif: \"mac=00:16:3e:zz:00:01\": bad mac" $T/e3
check "bridge name too long refused" sh -c "! xl create -q $T/bad4.cfg 2>$T/e4"
check "  ... naming vif 0" grep -q "vif 0.*bridge 'a-very-long-bridge-name'" $T/e4
check "no domain left" within "[ \$(xl list | tail -n +2 | wc -l) = 1 ]" 30
check "no vif interface left" test "$(vifs_in_dom0)" = 0
check "no vif backend node left" sh -c "! xenstore-ls /local/domain/0/backend/vif 2>/dev/null | grep -q ."

# ---- 2. two domUs on xenbr0 ---------------------------------------------
cfg n1 "'mac=00:16:3e:00:00:01'" \
	"sable.test=pvnet-guest sable.ip=10.0.0.2/24 sable.peers=10.0.0.1,10.0.0.3"
cfg n2 "'bridge=xenbr0'" \
	"sable.test=pvnet-guest sable.ip=10.0.0.3/24 sable.peers=10.0.0.1,10.0.0.2"
free0=$(free_mib)
check "xl create n1 (vif on xenbr0)" xl create $T/n1.cfg
D1=$(xl domid n1)
check "xl made xenbr0 and brought it up" sh -c \
	"[ -d /sys/class/net/xenbr0/bridge ] && ip link show xenbr0 | grep -q UP"
check "vif$D1.0 is a port of xenbr0" test -e /sys/class/net/xenbr0/brif/vif$D1.0
check "backend hotplug-status connected" sh -c \
	"[ \"\$(xenstore-read /local/domain/0/backend/vif/$D1/0/hotplug-status)\" = connected ]"
check "frontend nodes and permissions" sh -c \
	"xenstore-ls -p /local/domain/$D1/device/vif/0 | grep -q 'mac = \"00:16:3e:00:00:01\".*(n$D1,r0)'"
check "backend nodes and permissions" sh -c \
	"xenstore-ls -p /local/domain/0/backend/vif/$D1/0 | grep -q 'bridge = \"xenbr0\".*(n0,r$D1)'"
ip addr add 10.0.0.1/24 dev xenbr0
check "xl create n2 (generated mac)" xl create $T/n2.cfg
D2=$(xl domid n2)
MAC2=$(xenstore-read /local/domain/$D2/device/vif/0/mac)
info "n1 is domain $D1, n2 is domain $D2 with mac $MAC2"
check "n2's mac is in Xen's range" sh -c "echo $MAC2 | grep -q '^00:16:3e:[0-7]'"
check "n1's frontend Connected" within \
	"[ \"\$(xenstore-read /local/domain/$D1/device/vif/0/state)\" = 4 ]" 120
check "n1's backend Connected" within \
	"[ \"\$(xenstore-read /local/domain/0/backend/vif/$D1/0/state)\" = 4 ]" 30
check "n2's frontend Connected" within \
	"[ \"\$(xenstore-read /local/domain/$D2/device/vif/0/state)\" = 4 ]" 120
xl network-list n1 >$T/list 2>&1
info "network-list: $(tr '\n' '|' <$T/list)"
check "xl network-list n1" grep -q \
	"^0   0  00:16:3e:00:00:01     0     4 .*/local/domain/0/backend/vif/$D1/0" $T/list
check "n1 configured eth0" within "grep -q PVNET-GUEST-UP $(log_of n1)" 60
check "n2 configured eth0" within "grep -q PVNET-GUEST-UP $(log_of n2)" 60
check "dom0 pings n1" within "ping -c 1 -W 1 10.0.0.2" 30
check "dom0 pings n2" within "ping -c 1 -W 1 10.0.0.3" 30
check "n1 pings dom0" within "grep -q 'PVNET-PING 10.0.0.1 ok' $(log_of n1)" 60
check "n1 pings n2" within "grep -q 'PVNET-PING 10.0.0.3 ok' $(log_of n1)" 60
check "n2 pings n1" within "grep -q 'PVNET-PING 10.0.0.2 ok' $(log_of n2)" 60

check "dom0 pings n1 with 1400-byte packets" ping -c 1 -W 2 -s 1400 10.0.0.2
check "dom0 pings n1 with 8000-byte (fragmented) packets" ping -c 1 -W 2 -s 8000 10.0.0.2
# busybox nc half-closes at the end of its input and exits at the end of
# the peer's: the receiving side reads from a pipe that stays open.
T0=$(date +%s)
dd if=/dev/urandom of=$T/tx bs=1024 count=512 2>/dev/null
TXMD5=$(md5sum <$T/tx | cut -d' ' -f1)
timeout 60 nc 10.0.0.2 5000 <$T/tx >/dev/null 2>&1 &
check "TCP dom0 -> n1: 512 KiB arrive intact" within \
	"grep -q 'PVNET-RX bytes=524288 md5=$TXMD5' $(log_of n1)" 60
sleep 100000 | timeout 60 nc 10.0.0.2 5001 >$T/rx 2>/dev/null &
within "[ \$(stat -c %s $T/rx) -ge 524288 ]" 60
RXMD5=$(md5sum <$T/rx | cut -d' ' -f1)
check "TCP n1 -> dom0: 512 KiB arrive intact" grep -q \
	"PVNET-TXFILE md5=$RXMD5" "$(log_of n1)"
info "TCP both ways: $(($(date +%s) - T0)) s, $(stat -c %s $T/rx) bytes back; vif$D1.0: $(grep vif$D1.0 /proc/net/dev)"

# ---- 3. hot attach and detach -----------------------------------------
check "xl network-attach n1" xl network-attach n1 bridge=xenbr0 mac=00:16:3e:00:00:11
check "n1 sees eth1" within "grep -q 'PVNET-LINKS eth0 eth1 lo' $(log_of n1)" 30
check "vif$D1.1 is a port of xenbr0" test -e /sys/class/net/xenbr0/brif/vif$D1.1
check "vif 1's backend Connected" sh -c \
	"[ \"\$(xenstore-read /local/domain/0/backend/vif/$D1/1/state)\" = 4 ]"
check "network-list shows two vifs" sh -c "[ \$(xl network-list n1 | wc -l) = 3 ]"
check "network-attach with the same mac refused" sh -c \
	"! xl network-attach n1 mac=00:16:3e:00:00:11 2>$T/e5"
info "$(cat $T/e5)"
check "xl network-detach n1 1" xl network-detach n1 1
check "n1 loses eth1" within "grep PVNET-LINKS $(log_of n1) | tail -1 | grep -q 'PVNET-LINKS eth0 lo'" 30
check "vif$D1.1 gone from dom0" test ! -e /sys/class/net/vif$D1.1
check "vif 1's nodes gone" sh -c "! xenstore-exists /local/domain/$D1/device/vif/1 && ! xenstore-exists /local/domain/0/backend/vif/$D1/1 && ! xenstore-exists /libxl/$D1/device/vif/1"
check "network-attach again, then detach by mac" sh -c \
	"xl network-attach n1 vifname=n1second && test -e /sys/class/net/xenbr0/brif/n1second && xl network-detach n1 \$(xenstore-read /local/domain/0/backend/vif/$D1/1/mac) && test ! -e /sys/class/net/n1second"
check "n1 still reaches dom0 on eth0" within "ping -c 1 -W 1 10.0.0.2" 10
check "network-detach of an unknown device" sh -c "! xl network-detach n1 9"

# ---- the monitor: restart with the vif, shutdown -w without a trace ----
cfg n3 "'bridge=xenbr0'" "" 'on_reboot = "restart"'
check "xl create n3 (on_reboot = restart)" xl create $T/n3.cfg
D3=$(xl domid n3)
check "n3's vif Connected" within \
	"[ \"\$(xenstore-read /local/domain/$D3/device/vif/0/state)\" = 4 ]" 120
# The guest obeys control/shutdown once its busybox init runs.
check "n3 reaches its init" within "grep -q SABLE-INIT-READY $(log_of n3)" 90
check "xl reboot -w n3" timeout 120 xl reboot -w n3
# The new domain may get the old one's id again (the lowest free one).
check "n3 restarted by its monitor" within \
	"grep -q 'restarted as domain' /var/log/xen/xl-n3.log && xl domid n3" 60
D3B=$(xl domid n3)
info "n3 was domain $D3, now $D3B"
check "one vif for n3, on xenbr0" within \
	"[ \$(ls /sys/class/net | grep -c '^vif$D3B\.') = 1 ] && [ \$(ls /sys/class/net/xenbr0/brif | wc -l) = 3 ]" 30
check "the restarted n3's vif on xenbr0" within \
	"test -e /sys/class/net/xenbr0/brif/vif$D3B.0" 30
check "the restarted n3's vif Connected" within \
	"[ \"\$(xenstore-read /local/domain/$D3B/device/vif/0/state)\" = 4 ]" 120
check "the restarted n3 reaches its init" within \
	"[ \$(grep -c SABLE-INIT-READY $(log_of n3)) -ge 2 ]" 90
check "xl shutdown -w n3" timeout 120 xl shutdown -w n3
check "n3 gone with its vif and nodes" within \
	"! xl domid n3 && [ ! -e /sys/class/net/vif$D3B.0 ] && ! xenstore-exists /local/domain/0/backend/vif/$D3B" 30

check "xl destroy n1 and n2" sh -c "xl destroy n1 && xl destroy n2"
check "both gone" within "[ \$(xl list | tail -n +2 | wc -l) = 1 ]" 30
check "no vif interface left" test "$(vifs_in_dom0)" = 0
check "no port left on xenbr0" sh -c "[ -z \"\$(ls /sys/class/net/xenbr0/brif)\" ]"
check "no vif node left" sh -c "! xenstore-exists /local/domain/0/backend/vif/$D1 && ! xenstore-exists /local/domain/0/backend/vif/$D2 && ! xenstore-exists /local/domain/$D1"
check "free memory back to $free0 MiB" within "[ \"\$(xl info | sed -n 's/^free_memory *: //p')\" -ge $free0 ]" 30

info "free memory: before $free0, after $(free_mib) MiB"
finish
