#!/bin/sh
# PV disks through xl in dom0 (tests/system/test_pvdisk.py), five parts,
# each check tagged with its part:
#   [cfg]    a domU with disk = [...] from its xl.cfg: an ext4 image it
#            writes (dom0 finds the file afterwards) and one read-only;
#   [hot]    xl block-attach / block-list / block-detach on a running
#            domU, and a detach the paused guest does not answer;
#   [restart] on_reboot = "restart": the disks follow the new domain;
#   [cycles] create/destroy cycles of a domain with two disks and two
#            vifs, checked after each;
#   [broken] broken disk lines refused, naming the disk, nothing left.
# After each: no loop device bound, no vbd node, memory back.
. /tests/lib.sh

IMAGES=/var/lib/xen/images
KERNEL=$IMAGES/vmlinuz
RAMDISK=$IMAGES/domu-initrd.cpio.gz
T=/tmp/pvdisk
mkdir -p $T

within() { # command (may use the functions here) seconds
	n=0
	while ! (eval "$1") >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

# Loop devices bound to a file, one per line.
bound_loops() {
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] && echo "$(dirname $(dirname $f)): $(cat $f)"
	done
}

# Nothing of any disk left: no loop bound, no vbd backend or frontend.
nothing_left() {
	[ -z "$(bound_loops)" ] &&
		! xenstore-exists /local/domain/0/backend/vbd/$1 &&
		! xenstore-exists /local/domain/$1/device/vbd &&
		! xenstore-exists /libxl/$1/device/vbd
}

# A domU config: name, test script for the domU, then disk lines.
domu_cfg() {
	name=$1
	test=$2
	shift 2
	{
		echo "name = \"$name\""
		echo "kernel = \"$KERNEL\""
		echo "ramdisk = \"$RAMDISK\""
		if [ "$test" = - ]; then # stays up at its shell
			echo "extra = \"console=hvc0 rdinit=/init\""
			echo "on_reboot = \"restart\""
		else
			echo "extra = \"console=hvc0 rdinit=/init sable.test=$test\""
		fi
		echo "memory = 128"
		echo "vcpus = 1"
		printf 'disk = [ '
		for d in "$@"; do
			printf "'%s', " "$d"
		done
		echo ']'
	} >$T/$name.cfg
}

console_log() {
	echo /var/log/xen/console/guest-$1.log
}

show_domu() { # the domU's own check lines, for the record
	sed -n -e 's/^SABLE-TEST-RESULT: /domu| result: /p' \
		-e 's/^\(check: \|info: \)/domu| \1/p' \
		-e 's/^.*\(Out of memory\|Killed process\|BUG\|Oops\).*/domu| &/p' \
		"$(console_log $1)" 2>/dev/null | tr -d '\r'
}

check "domU kernel and initramfs" test -f $KERNEL -a -f $RAMDISK
check "ext4 images in dom0" test -f $IMAGES/pvdisk-rw.img -a \
	-f $IMAGES/pvdisk-ro.img
cp $IMAGES/pvdisk-rw.img $T/rw.img
free0=$(free_mib)
info "free memory at the start: $free0 MiB"

# ---- [cfg] ---------------------------------------------------------------
domu_cfg pvcfg pvdisk-domu "$T/rw.img,raw,xvda,rw" \
	"format=raw, vdev=xvdb, access=r, target=$IMAGES/pvdisk-ro.img"
check "[cfg] xl create with two disks" xl create $T/pvcfg.cfg
D=$(xl domid pvcfg)
info "[cfg] pvcfg is domain $D"
BE=/local/domain/0/backend/vbd/$D/51712
FE=/local/domain/$D/device/vbd/51712
check "[cfg] backend of xvda (51712)" xenstore-exists $BE
check "[cfg] its physical-device is a loop device" sh -c \
	"xenstore-read $BE/physical-device-path | grep -q '^/dev/loop'"
check "[cfg] backend mode w, xvdb's r" sh -c \
	"[ \"\$(xenstore-read $BE/mode)\" = w ] && \
	 [ \"\$(xenstore-read /local/domain/0/backend/vbd/$D/51728/mode)\" = r ]"
check "[cfg] frontend's permissions (n$D,r0)" sh -c \
	"xenstore-ls -p $FE | head -n 1 | grep -q 'n$D,r0'"
check "[cfg] xl block-list shows both" sh -c \
	"[ \$(xl block-list pvcfg | grep -cE '^(51712|51728) ') = 2 ]"
check "[cfg] xvda's frontend gets Connected" within \
	"[ \"\$(xenstore-read $FE/state)\" = 4 ]" 90
check "[cfg] xvda's backend gets Connected" within \
	"[ \"\$(xenstore-read $BE/state)\" = 4 ]" 10
info "[cfg] $(xl block-list pvcfg | tr '\n' '|')"
check "[cfg] the domU's checks passed and it powered off" within \
	"grep -q 'SABLE-TEST-RESULT: PASS pvdisk-domu' $(console_log pvcfg)" 120
show_domu pvcfg
check "[cfg] the monitor destroyed it (on_poweroff)" within "! xl list pvcfg" 30
check "[cfg] nothing left (loop, nodes)" within "nothing_left $D" 10
bound_loops | sed 's/^/info: [cfg] still bound: /'
mkdir -p $T/mnt
check "[cfg] dom0 mounts the written image" mount -o loop,ro -t ext4 \
	$T/rw.img $T/mnt
check "[cfg] the domU's file is in it" grep -q "written by the domU" \
	$T/mnt/from-domu.txt
umount -d $T/mnt 2>/dev/null
check "[cfg] dom0's loop released" within "[ -z \"\$(bound_loops)\" ]" 10

# ---- [hot] ---------------------------------------------------------------
dd if=/dev/zero of=$T/hot.img bs=1M count=4 2>/dev/null
printf 'sable-hot-disk\n' | dd of=$T/hot.img conv=notrunc 2>/dev/null
cp $T/hot.img $T/hot2.img
domu_cfg pvhot pvdisk-hot
check "[hot] xl create without disks" xl create $T/pvhot.cfg
D=$(xl domid pvhot)
check "[hot] the domU is ready" within \
	"grep -q 'info: HOT-READY' $(console_log pvhot)" 120
check "[hot] xl block-attach pvhot $T/hot.img,raw,xvdc,rw" \
	xl block-attach pvhot "$T/hot.img,raw,xvdc,rw"
check "[hot] backend Connected once block-attach returns" sh -c \
	"[ \"\$(xenstore-read /local/domain/0/backend/vbd/$D/51744/state)\" = 4 ]"
check "[hot] frontend Connected" within \
	"[ \"\$(xenstore-read /local/domain/$D/device/vbd/51744/state)\" = 4 ]" 10
check "[hot] xl block-list shows 51744 Connected" sh -c \
	"xl block-list pvhot | grep -q '^51744 0   $D  *4 '"
info "[hot] $(xl block-list pvhot | tr '\n' '|')"
check "[hot] attaching xvdc twice is refused" sh -c \
	"! xl block-attach pvhot $T/hot2.img,raw,xvdc 2>$T/err && \
	 grep -q 'already has a disk xvdc' $T/err"
check "[hot] the guest sees xvdc" within \
	"grep -q 'info: HOT-SEEN' $(console_log pvhot)" 60
# A paused guest cannot answer: detach times out, the disk stays; -f.
check "[hot] xl pause" xl pause pvhot
check "[hot] block-attach xvdd to the paused guest" \
	xl block-attach pvhot "$T/hot2.img,,xvdd"
check "[hot] block-detach xvdd times out, the disk stays" sh -c \
	"! xl block-detach pvhot xvdd 2>$T/err && \
	 grep -q 'did not release' $T/err && \
	 xenstore-exists /local/domain/0/backend/vbd/$D/51760"
check "[hot] block-detach -f removes it" xl block-detach -f pvhot 51760
check "[hot] xvdd's nodes gone" sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$D/51760 && \
	 ! xenstore-exists /local/domain/$D/device/vbd/51760"
check "[hot] xl unpause" xl unpause pvhot
check "[hot] block-detach of a disk it does not have is refused" sh -c \
	"! xl block-detach pvhot xvde 2>$T/err && grep -q 'no disk xvde' $T/err"
check "[hot] xl block-detach pvhot xvdc" xl block-detach pvhot xvdc
check "[hot] xl block-list is empty" sh -c \
	"[ \$(xl block-list pvhot | wc -l) = 1 ]"
check "[hot] xvdc's nodes gone" sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$D/51744 && \
	 ! xenstore-exists /local/domain/$D/device/vbd/51744 && \
	 ! xenstore-exists /libxl/$D/device/vbd/51744"
check "[hot] the guest saw xvdc go and powered off" within \
	"grep -q 'SABLE-TEST-RESULT: PASS pvdisk-hot' $(console_log pvhot)" 90
show_domu pvhot
check "[hot] gone" within "! xl list pvhot" 30
check "[hot] nothing left (loop, nodes)" within "nothing_left $D" 10
bound_loops | sed 's/^/info: [hot] still bound: /'

# ---- [restart] -----------------------------------------------------------
domu_cfg pvrst - "$IMAGES/pvdisk-ro.img,raw,xvda,r" "$T/hot.img,raw,xvdb,rw"
check "[restart] xl create (on_reboot = restart, two disks)" \
	xl create $T/pvrst.cfg
D=$(xl domid pvrst)
# Its init must be running to carry out a reboot request.
check "[restart] the guest is up to its init" within \
	"grep -q SABLE-INIT-READY $(console_log pvrst) && \
	 [ \"\$(xenstore-read /local/domain/$D/control/feature-reboot)\" = 1 ]" 90
sleep 1
check "[restart] xl reboot -w" timeout 120 xl reboot -w pvrst
check "[restart] restarted by the monitor" within \
	"grep -q 'restarted as domain' /var/log/xen/xl-pvrst.log && \
	 xl domid pvrst" 60
D2=$(xl domid pvrst)
info "[restart] domain $D restarted as $D2"
# The new domain may get the old id back.
check "[restart] the old domain's disks are gone" sh -c \
	"[ $D2 = $D ] || ! xenstore-exists /local/domain/0/backend/vbd/$D"
check "[restart] the new domain's disks are Connected" within \
	"[ \"\$(xenstore-read /local/domain/0/backend/vbd/$D2/51712/state)\" = 4 ]" 90
check "[restart] the new domain has its two disks" sh -c \
	"[ \$(xenstore-list /local/domain/0/backend/vbd/$D2 | wc -l) = 2 ]"
n=$(bound_loops | wc -l)
check "[restart] two loop devices bound, not four ($n)" test "$n" = 2
check "[restart] xl destroy" xl destroy pvrst
check "[restart] nothing left (loop, nodes)" within "nothing_left $D2" 10
bound_loops | sed 's/^/info: [restart] still bound: /'

# ---- [cycles] ------------------------------------------------------------
# 20 create/destroy cycles of a domain with two disks and two vifs (one
# renamed by vifname), checked after each: no loop device bound, no vif
# interface or bridge port, no device on dom0's xen-backend bus, none of
# the domain's nodes (backends, frontends, /libxl), free memory exactly
# back (a grant mapping left in dom0 would keep the dead domain's frames).
# In odd cycles the guest runs until all four backends are Connected
# (blkback and netback have mapped its rings), in even ones it stays
# paused.
domu_cfg pvcyc - "$IMAGES/pvdisk-ro.img,raw,xvda,r" "$T/hot.img,raw,xvdb,rw"
sed -i -e 's/^memory = .*/memory = 64/' -e '/^on_reboot/d' $T/pvcyc.cfg
echo "vif = [ 'bridge=xenbr0', 'bridge=xenbr0,vifname=cycb' ]" >>$T/pvcyc.cfg
CYCLES=${SABLE_PVDISK_CYCLES:-20}

backends_of() { # domid: its vbd and vif backends (kind/domid/devid)
	for k in vbd vif; do
		xenstore-list /local/domain/0/backend/$k/$1 2>/dev/null |
			sed "s|^|$k/$1/|"
	done
}

all_connected() { # domid
	[ "$(backends_of $1 | wc -l)" = 4 ] || return 1
	for b in $(backends_of $1); do
		[ "$(xenstore-read /local/domain/0/backend/$b/state)" = 4 ] ||
			return 1
	done
}

cycle_clean() { # domid
	[ -z "$(bound_loops)" ] &&
		[ -z "$(ls /sys/class/net | grep -e '^vif' -e '^cycb$')" ] &&
		[ -z "$(ls /sys/class/net/xenbr0/brif)" ] &&
		[ -z "$(ls /sys/bus/xen-backend/devices)" ] &&
		[ -z "$(backends_of $1)" ] &&
		! xenstore-exists /local/domain/$1 &&
		! xenstore-exists /libxl/$1 &&
		[ "$(free_mib)" = "$free1" ]
}

T0=$(date +%s)
free1=$(free_mib)
info "[cycles] free memory before: $free1 MiB"
i=1
ok=0
while [ $i -le "$CYCLES" ]; do
	p=-p
	[ $((i % 2)) = 1 ] && p=
	why=""
	if xl create -q -e $p $T/pvcyc.cfg 2>$T/cyc.err; then
		D=$(xl domid pvcyc)
		if [ -z "$p" ]; then
			within "all_connected $D" 60 || why="not all Connected"
		fi
		[ "$(backends_of $D | wc -l)" = 4 ] || why="$why; backends: $(backends_of $D | tr '\n' ' ')"
		[ "$(bound_loops | wc -l)" = 2 ] || why="$why; loops: $(bound_loops | wc -l)"
		[ "$(ls /sys/class/net/xenbr0/brif | wc -l)" = 2 ] ||
			why="$why; bridge ports: $(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')"
		xl destroy pvcyc || why="$why; xl destroy failed"
		within "cycle_clean $D" 30 || why="$why; left behind: loops [$(bound_loops | tr '\n' ' ')] net [$(ls /sys/class/net | tr '\n' ' ')] backend bus [$(ls /sys/bus/xen-backend/devices | tr '\n' ' ')] nodes [$(backends_of $D | tr '\n' ' ')] free $(free_mib) MiB"
	else
		why="xl create: $(tr '\n' ' ' <$T/cyc.err)"
	fi
	if [ -z "$why" ]; then
		ok=$((ok + 1))
	else
		info "[cycles] cycle $i${p:+ (paused)}: $why"
	fi
	i=$((i + 1))
done
check "[cycles] $CYCLES create/destroy cycles with two disks and two vifs, each leaving nothing" \
	test $ok = "$CYCLES"
check "[cycles] every domain gone" within \
	"[ \$(xl list | tail -n +2 | wc -l) = 1 ]" 30
info "[cycles] $CYCLES cycles took $(($(date +%s) - T0)) s"

# ---- [broken] ------------------------------------------------------------
broken() { # case, expected text, disk lines...
	bcase=$1
	want=$2
	shift 2
	domu_cfg pvbad none "$@"
	check "[broken] $bcase: xl create fails naming it" sh -c \
		"! xl create $T/pvbad.cfg 2>$T/err && grep -q '$want' $T/err"
	sed 's/^/info: [broken]   /' $T/err
	check "[broken] $bcase: no domain, nothing left" sh -c \
		"! xl list pvbad && [ -z \"\$(bound_loops)\" ] && \
		 [ -z \"\$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)\" ]"
}
broken "a missing image" "disk xvdb: $T/missing.img: No such file" \
	"$T/hot.img,raw,xvda,rw" "$T/missing.img,raw,xvdb,rw"
broken "a bad vdev" "bad vdev .xvd0." "$T/hot.img,raw,xvd0,rw"
broken "a duplicate vdev" "vdev xvda is taken" \
	"$T/hot.img,raw,xvda,rw" "$T/hot2.img,raw,xvda,rw"
broken "a qcow2 image" "disk xvda: format: only raw" \
	"$T/hot.img,qcow2,xvda,rw"
broken "a directory as target" "disk xvda: $T: not an image file" \
	"$T,raw,xvda,rw"
check "[broken] free memory back to $free1 MiB" within \
	"[ \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free1 ]" 30
finish
