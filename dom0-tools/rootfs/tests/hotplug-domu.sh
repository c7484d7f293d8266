#!/bin/sh
# In a Linux domU started by tests/xl-mem.sh: what udev's CPU rule does on
# a distribution. Linux's Xen CPU-hotplug driver marks a CPU present when
# dom0 writes cpu/<n>/availability = online (and takes it offline and not
# present for "offline"); bringing a present CPU online is left to user
# space. Every 0.2 s this brings each present, offline CPU online. Never
# returns.
. /tests/lib.sh

# The CPU numbers of a kernel CPU list ("0-1,3"), one per line.
cpus_of() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do
			echo "$i"
			i=$((i + 1))
		done
	done
}

echo "HOTPLUG-DOMU-UP"
while :; do
	for c in $(cpus_of "$(cat /sys/devices/system/cpu/present)"); do
		f=/sys/devices/system/cpu/cpu$c/online
		if [ -w "$f" ] && [ "$(cat "$f")" = 0 ]; then
			echo 1 >"$f" && echo "HOTPLUG-DOMU cpu$c online"
		fi
	done
	sleep 0.2
done
