#!/bin/sh
# In a domU whose devices dom0 attaches and detaches while it runs
# (sable.test=devwatch; tests/system/test_pvnet.py): prints its block
# devices and network interfaces on its console each time they change,
#   DEVWATCH block=xvda,xvdb, net=eth0,lo,
# and never returns.
last=""
while :; do
	now="block=$(ls /sys/class/block | grep -v -e '^loop' -e '^ram' |
		tr '\n' ',') net=$(ls /sys/class/net | tr '\n' ',')"
	[ "$now" = "$last" ] || echo "DEVWATCH $now"
	last=$now
	sleep 0.2
done
