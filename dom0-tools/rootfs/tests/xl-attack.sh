#!/bin/sh
# The attacker guests (guests/attack_mem: victim, attacker, bystander;
# guests/attack_time beside guests/hello) created by xl in dom0 and
# destroyed when they power off, so that the machine's memory can be
# compared before and after them: tests/system/test_attack_mem.py reads
# the hypervisor's "destroyed: gone" lines. The guests print their
# results on the hypervisor's console.
. /tests/lib.sh

IMAGES=/var/lib/xen/images
T=/tmp/xl-attack
mkdir -p $T

# cfg NAME IMAGE EXTRA
cfg() {
	cat >$T/$1.cfg <<CFG
name = "$1"
kernel = "$IMAGES/$2.bin"
memory = 16
vcpus = 1
extra = "$3"
on_poweroff = "destroy"
on_crash = "destroy"
CFG
}

ONLY_DOM0="[ \$(xl list | tail -n +2 | wc -l) = 1 ]"

for g in ramscan attack_mem attack_time hello; do
	if [ ! -f "$IMAGES/$g.bin" ]; then
		check "$IMAGES/$g.bin in dom0" false
		finish
	fi
done

# A first domain's life: its end gives the figure to come back to.
cfg warmup ramscan "ramscan.mode=scan"
check "warm-up domain" xl create -q -p $T/warmup.cfg
W=$(xl domid warmup)
check "xl unpause warmup" xl unpause warmup
check "warm-up domain gone" within "$ONLY_DOM0" 60

# The victim and the attacker name each other by id: ids go up from the
# last one given (as on Xen), so they are the next two.
V=$((W + 1))
A=$((W + 2))
cfg victim attack_mem "attack.role=victim attack.peer=$A"
cfg attacker attack_mem "attack.role=attacker attack.peer=$V attack.self=$A"
cfg bystander attack_mem "attack.role=bystander"
# Made paused, then started together: they run side by side.
for d in victim attacker bystander; do
	check "xl create -p $d" xl create -q -p $T/$d.cfg
done
check "victim is domain $V" test "$(xl domid victim)" = "$V"
check "attacker is domain $A" test "$(xl domid attacker)" = "$A"
for d in victim attacker bystander; do
	check "xl unpause $d" xl unpause $d
done
check "all three ran to their end and are gone" within "$ONLY_DOM0" 150

cfg attack attack_time ""
cfg hello hello ""
check "xl create -p attack (attack_time)" xl create -q -p $T/attack.cfg
check "xl create -p hello" xl create -q -p $T/hello.cfg
check "xl unpause attack" xl unpause attack
check "xl unpause hello" xl unpause hello
check "both ran to their end and are gone" within "$ONLY_DOM0" 150
info "domains: $(xl list | tr '\n' '|')"
finish
