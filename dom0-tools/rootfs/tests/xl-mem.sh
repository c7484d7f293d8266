#!/bin/sh
# Ballooning through xl (docs/toolstack.md, mem-set): a 192 MiB Linux
# domU. `xl mem-set` to 160 MiB: its balloon driver
# gives 32 MiB back (xl list and xl info show it), and back to 192 MiB it
# takes them again; above the maximum is refused, `xl mem-max` below the target
# is refused, and the domain's memory all comes back at destroy. The same
# domU has vcpus = 1 and maxvcpus = 2: `xl vcpu-set bal 2` brings its
# second vCPU online (its Xen CPU-hotplug driver marks the CPU present,
# tests/hotplug-domu.sh in the domU onlines it as udev would: PSCI CPU_ON),
# `xl vcpu-set bal 1` takes it off again (CPU_OFF), as xl vcpu-list shows.
. /tests/lib.sh

KERNEL=${SABLE_XL_KERNEL:-/var/lib/xen/images/vmlinuz}
RAMDISK=${SABLE_XL_RAMDISK:-/var/lib/xen/images/domu-initrd.cpio.gz}
LOG=/var/log/xen/console/guest-bal.log
T=/tmp/xl-mem
mkdir -p $T

cat >$T/bal.cfg <<CFG
name = "bal"
kernel = "$KERNEL"
ramdisk = "$RAMDISK"
extra = "console=hvc0 rdinit=/init sable.test=hotplug-domu"
memory = 192
vcpus = 1
maxvcpus = 2
CFG

# The Mem column of `xl list bal` (MiB it holds now).
mem_mib() {
	xl list bal | awk '$1 == "bal" { print $3 }'
}

# xl info's hypervisor lines come from xen_version (XENVER_commandline...).
info "$(xl info | grep -e '^xen_version' -e '^xen_commandline' | tr '\n' '|')"
check "xl info shows the hypervisor's command line" sh -c \
	"xl info | grep -q '^xen_commandline *: dom0_mem=512M dom0_max_vcpus=2\$'"
free0=$(free_mib)
check "xl create bal (192 MiB)" xl create $T/bal.cfg
check "its init runs" within "grep -q SABLE-INIT-READY $LOG" 120 ||
	info "bal's console: $(tail -n 20 $LOG | tr -d '\r' | tr '\n' '|')"
D=$(xl domid bal)
m0=$(mem_mib)
free1=$(free_mib)
info "bal holds $m0 MiB; free $free0 MiB before it, $free1 MiB with it"
check "static-max and target as libxl writes them" sh -c \
	"[ \"\$(xenstore-read /local/domain/$D/memory/static-max)\" = 196608 ] &&
	[ \"\$(xenstore-read /local/domain/$D/memory/target)\" = 196608 ]"

check "xl mem-set bal 160" xl mem-set bal 160
check "memory/target is 163840" test \
	"$(xenstore-read /local/domain/$D/memory/target)" = 163840
check "its balloon driver gave 32 MiB back (xl list <= 161)" within \
	"[ \$(xl list bal | awk '\$1 == \"bal\" { print \$3 }') -le 161 ]" 60
m1=$(mem_mib)
free2=$(free_mib)
info "after mem-set 160: bal holds $m1 MiB, free $free2 MiB"
check "xl info free memory grew by at least 30 MiB" \
	test "$free2" -ge $((free1 + 30))

check "xl mem-set bal 256 is refused (above its maximum)" sh -c \
	"! xl mem-set bal 256 2>$T/e1"
info "$(cat $T/e1)"
check "  ... naming the maximum" grep -q "above domain $D's maximum of 196608 KiB" $T/e1
check "xl mem-max bal 128 is refused (below the target)" sh -c \
	"! xl mem-max bal 128 2>$T/e2"
check "  ... naming the target" grep -q "below domain $D's target of 163840 KiB" $T/e2

check "xl mem-set bal 192" xl mem-set bal 192
check "its balloon driver took the 32 MiB again (xl list >= 191)" within \
	"[ \$(xl list bal | awk '\$1 == \"bal\" { print \$3 }') -ge 191 ]" 60
info "after mem-set 192: bal holds $(mem_mib) MiB, free $(free_mib) MiB"
check "the domU still answers on its console" sh -c \
	"xl list bal | grep -q bal && ! grep -q -i 'out of memory\|Kernel panic' $LOG"
info "bal's balloon: $(grep -i balloon $LOG | tr -d '\r' | tail -n 3 | tr '\n' '|')"

# "<state>" of vCPU $1 of bal in xl vcpu-list ("-b-", "--p" offline...).
vstate() {
	xl vcpu-list bal | awk -v v="$1" '$1 == "bal" && $3 == v { print $5 }'
}
check "vCPU 1 starts offline (vcpus = 1 of maxvcpus = 2)" within \
	"xl vcpu-list bal | awk '\$1 == \"bal\" && \$3 == 1 { exit \$5 !~ /p\$/ }'" 60
check "xl vcpu-set bal 2" xl vcpu-set bal 2
check "vCPU 1 comes online" within \
	"xl vcpu-list bal | awk '\$1 == \"bal\" && \$3 == 1 { exit \$5 ~ /p\$/ }'" 30
info "vCPU 1 after vcpu-set 2: $(vstate 1)"
check "xl list bal shows 2 vCPUs online" sh -c \
	"xl list bal | awk '\$1 == \"bal\" { exit \$4 != 2 }'"
check "xl vcpu-set bal 1" xl vcpu-set bal 1
check "vCPU 1 goes offline again" within \
	"xl vcpu-list bal | awk '\$1 == \"bal\" && \$3 == 1 { exit \$5 !~ /p\$/ }'" 30
check "xl list bal shows 1 vCPU online" sh -c \
	"xl list bal | awk '\$1 == \"bal\" { exit \$4 != 1 }'"
check "xl vcpu-set bal 3 is refused (maxvcpus 2)" sh -c "! xl vcpu-set bal 3 2>/dev/null"
check "the domU has said nothing of a failed CPU" sh -c \
	"! grep -a -i 'failed to come online\|Kernel panic\|cpu.*die' $LOG"
info "bal's CPUs: $(grep -a -i 'cpu' $LOG | tr -d '\r' | tail -n 4 | tr '\n' '|')"
check "xl destroy bal" xl destroy bal
check "free memory back to $free0 MiB" within \
	"[ \"\$(xl info | sed -n 's/^free_memory *: //p')\" = $free0 ]" 30
finish
