#!/bin/sh
# xl's config checks in dom0: malformed xl.cfg files and bad kernels are
# refused with one line naming file, line and key, and nothing is created.
. /tests/lib.sh

T=/tmp/xl-config
mkdir -p $T

# "xl create" prints "Parsing config from" first, then the error.
refused_with() { # config-file expected-message
	out=$(xl create "$1" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 1 ] && echo "$out" | grep -qF -- "$2"
}

domains() {
	xl list | tail -n +2 | wc -l
}

before=$(domains)
printf 'name = "a"\nkernel = "/boot/Image"\n# MiB\nmemory = 512M\n' >$T/suffix.cfg
printf 'name = "a"\nkernel = "/boot/Image"\ntype = "hvm"\n' >$T/hvm.cfg
printf 'name = "a"\nkernel = "/boot/Image"\nirqs = [ 33 ]\n' >$T/irqs.cfg
printf 'name = "a"\nkernel = "/boot/Image"\nvcpus = 9\n' >$T/vcpus.cfg
printf 'name = "a"\nkernel = "/boot/Image"\ndisk = [ "/dev/x" ]\n' >$T/disk.cfg
printf 'name = "a\n' >$T/quote.cfg
printf 'name = "a"\nkernel = "%s/nothere"\n' $T >$T/nokernel.cfg
head -c 4096 /dev/zero | gzip >$T/vmlinuz
printf 'name = "a"\nkernel = "%s/vmlinuz"\n' $T >$T/gzip.cfg
printf 'name = "a"\nkernel = "/boot/Image"\nmemory = 64\nseclabel = "x"\n' >$T/good.cfg

check "xl installed" test -x /usr/sbin/xl
check "xl help lists create" sh -c 'xl help | grep -q "^ create "'
check "xl with no command is a usage error (2)" sh -c 'xl; [ $? = 2 ]'
check "memory = 512M refused" refused_with $T/suffix.cfg \
	"xl: $T/suffix.cfg:4: memory: expected a number"
check "type = hvm refused" refused_with $T/hvm.cfg \
	"xl: $T/hvm.cfg:3: type: \"hvm\" is not supported: Arm guests are PVH"
check "irqs refused" refused_with $T/irqs.cfg \
	"xl: $T/irqs.cfg:3: irqs: not supported"
check "vcpus = 9 refused" refused_with $T/vcpus.cfg \
	"xl: $T/vcpus.cfg:3: vcpus: 9 is above the hypervisor's maximum of 8"
check "disk without vdev refused" refused_with $T/disk.cfg \
	"xl: $T/disk.cfg:3: disk: \"/dev/x\": no vdev given"
check "unterminated string refused" refused_with $T/quote.cfg \
	"xl: $T/quote.cfg:1: name: unterminated string"
check "missing kernel file refused" refused_with $T/nokernel.cfg \
	"kernel: $T/nothere: No such file or directory"
check "gzip kernel refused" refused_with $T/gzip.cfg \
	"kernel: $T/vmlinuz is gzip-compressed"
check "override replaces the file's value (dry run)" sh -c \
	"xl create -n -q $T/good.cfg memory=96 | grep -qx 'memory = 96'"
check "unknown key is a warning naming file:line:key" sh -c \
	"xl create -n $T/good.cfg 2>&1 >/dev/null | grep -qF 'xl: warning: $T/good.cfg:4: seclabel: unknown key, ignored'"
check "a bare name is looked for in /etc/xen" sh -c \
	"mkdir -p /etc/xen && cp $T/good.cfg /etc/xen/xl-config-test.cfg && xl create -n -q xl-config-test.cfg | grep -qx 'name = \"a\"'"
rm -f /etc/xen/xl-config-test.cfg
check "nothing was created" test "$(domains)" = "$before"
check "xl list still works" xl list
finish
