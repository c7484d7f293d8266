#!/usr/bin/env python3
"""PV disks and networks: a Linux domU with a disk (a raw image in dom0's
RAM file system, xvda) and a vif on xenbr0, created by Sable's xl on Sable
and by Debian's xl with Xen's hotplug scripts on Xen 4.17, the same dom0
kernel and image (build/dom0-xlbench-initrd.cpio.gz) under the same QEMU.

dom0's /tests/pvbench.sh (sable.test=pvbench) times dom0's own sequential
read and write of the image (and its read through a loop device), `xl
create` (the command, and until the domU's init runs); the domU
(/tests/pvbench-domu.sh) times its sequential reads and writes of xvda and
pings dom0; dom0 then times TCP transfers from and to the domU (busybox
nc). The tables give medians of the rounds, MB/s (10^6 bytes) and the
ratios domU / dom0 and Sable / Xen.

Environment: PVBENCH_ROUNDS (default 3), PVBENCH_MB (image MiB, default
64), PVBENCH_NETMB (MiB per TCP transfer, default 8), PVBENCH_STACKS
(default "sable,xen": which to boot), PVBENCH_DOM0_VCPUS (default 2),
PVBENCH_DEV (default 1: on Sable dom0 also has a virtio disk of
PVBENCH_MB MiB, a raw file on the host; dom0 reads it, and the domU reads
it as xvdb through blkback with the device as its physical-device; 0:
none), PVBENCH_XEN_DEV (default 0: the same on Xen; there the domU's
reads of xvdb stalled, docs/pv-devices.md),
PVBENCH_PERSISTENT (blkback's feature_persistent, 0 or 1; default: the
module's own, 1).
"""
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import xenref  # noqa: E402
from qemu import build, cache  # noqa: E402
from scenarios import SABLE, sable_machine  # noqa: E402

INITRD = build("dom0-xlbench-initrd.cpio.gz")
DOM0_ARGS = "console=hvc0 earlycon=xenboot rdinit=/init"
SABLE_CMDLINE = "dom0_mem=512M"
DOM0_RE = re.compile(r"PVBENCH stack=(\w+) round=(\d+) op=(\w+) us=(\d+)")
DOMU_RE = re.compile(r"^PVBENCH-DOMU round=(\d+) op=(\w+) us=(\d+)", re.M)
PING_RE = re.compile(r"^PVBENCH-DOMU op=ping rtt_us=(\d+) min_us=(\d+) "
                     r"max_us=(\d+) median_us=(\d+)", re.M)
ERROR_RE = re.compile(r"^PVBENCH-DOMU-ERROR [^\r\n]*", re.M)


def prerequisites():
    reason = xenref.qemu_missing()
    if reason:
        return reason
    gone = xenref.missing(xenref.XEN, xenref.KERNEL, SABLE, INITRD,
                          cache("arm64", "usr", "lib", "xen-4.17", "bin",
                                "xl"),
                          cache("arm64", "etc", "xen", "scripts", "block"))
    if gone:
        return ("missing (run: make setup && make build): " +
                ", ".join(gone))
    return None


def disk_image(mb):
    """A raw file of @mb MiB for dom0's virtio disk, written with data (not
    a sparse file the host reads as holes); the same for both stacks."""
    path = build(f"pvbench-disk-{mb}.img")
    if not os.path.exists(path) or os.path.getsize(path) != mb << 20:
        block = bytes((i * 7 + 1) & 0xFF for i in range(1 << 20))
        with open(path + ".tmp", "wb") as f:
            for _ in range(mb):
                f.write(block)
        os.replace(path + ".tmp", path)
    return path


def boot(stack, args, dom0_vcpus, disk=None):
    args = f"sable.test=pvbench sable.pvbench_stack={stack} {args}"
    extra = xenref.disk_args(disk, "pb") if disk else []
    if disk:
        args += " sable.pvbench_dev=/dev/vda"
    if stack == "xen":
        return xenref.boot_xen("pvbench-xen", dom0_initrd=INITRD, net=False,
                               xen_bootargs=xenref.XEN_BOOTARGS +
                               f" dom0_max_vcpus={dom0_vcpus}",
                               dom0_bootargs=xenref.DOM0_BOOTARGS +
                               " sable.xenstored=0 " + args, extra=extra)
    return sable_machine("pvbench-sable", xenref.KERNEL, mem=2048,
                         cmdline=f"{SABLE_CMDLINE} "
                         f"dom0_max_vcpus={dom0_vcpus}",
                         bootargs=f"{DOM0_ARGS} {args}", initrd=INITRD,
                         extra=extra)


def run(stack, args, timeout, dom0_vcpus=2, disk=None):
    """({op: [us per round]}, ping (avg, min, max, median) us or None,
    [notes])"""
    m = boot(stack, args, dom0_vcpus, disk)
    notes = []
    with m:
        try:
            passed, lines = xenref.wait_test(m, timeout=timeout)
            if not passed:
                notes += [f"{stack}: {l}" for l in lines]
        except Exception as e:  # timeout or early exit: keep what came
            notes.append(f"{stack}: run cut short ({type(e).__name__})")
        out = m.output().replace("\r", "")
    times = {}
    for s, _, op, us in DOM0_RE.findall(out):
        if s == stack:
            times.setdefault(op, []).append(int(us))
    for _, op, us in DOMU_RE.findall(out):
        times.setdefault("domu_" + op, []).append(int(us))
    ping = PING_RE.search(out)
    notes += [f"{stack}: {e}" for e in ERROR_RE.findall(out)]
    notes += [f"{stack}: {l}" for l in out.splitlines()
              if l.startswith("info: ")]
    return times, (tuple(map(int, ping.groups())) if ping else None), notes


def median(times, op):
    v = times.get(op)
    return statistics.median(v) if v else None


def mbps(mib, us):
    return mib * 1048576 / us if us else None


def fmt(v, digits=1):
    return f"{v:.{digits}f}" if v is not None else "-"


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def main():
    reason = prerequisites()
    if reason:
        print("bench_pvdev: " + reason)
        return 2
    rounds = int(os.environ.get("PVBENCH_ROUNDS", "3"))
    mb = int(os.environ.get("PVBENCH_MB", "64"))
    netmb = int(os.environ.get("PVBENCH_NETMB", "8"))
    args = (f"sable.pvbench_rounds={rounds} sable.pvbench_mb={mb} "
            f"sable.pvbench_netmb={netmb}")
    vcpus = int(os.environ.get("PVBENCH_DOM0_VCPUS", "2"))
    disk = disk_image(mb) if os.environ.get("PVBENCH_DEV", "1") != "0" \
        else None
    if os.environ.get("PVBENCH_PERSISTENT") in ("0", "1"):
        args += (" sable.pvbench_persistent=" +
                 os.environ["PVBENCH_PERSISTENT"])
    timeout = 300 + rounds * 60
    res, pings, notes = {}, {}, []
    for stack in ("sable", "xen"):
        if stack in os.environ.get("PVBENCH_STACKS", "sable,xen"):
            xen_dev = os.environ.get("PVBENCH_XEN_DEV", "0") == "1"
            t, p, n = run(stack, args, timeout, vcpus,
                          disk if stack == "sable" or xen_dev else None)
        else:
            t, p, n = {}, None, []
        res[stack], pings[stack] = t, p
        notes += n
    st = ("sable", "xen")
    print(f"\nPV devices, median of {rounds} rounds; {vcpus} dom0 vCPUs; "
          f"{mb} MiB image in dom0's RAM, {netmb} MiB per TCP transfer; "
          "MB/s = 10^6 bytes/s")
    print(f"{'measurement':<34} {'Sable':>9} {'Xen 4.17':>9} "
          f"{'Sable/Xen':>10}")
    rows = (("dom0 read of the image", "dom0_read", mb),
            ("dom0 read through a loop device", "dom0_loop_read", mb),
            ("dom0 write of the image", "dom0_write", mb),
            ("dom0 read of its virtio disk", "dom0_dev_read", mb),
            ("domU read of xvda", "domu_read", mb),
            ("domU read of xvdb (the disk)", "domu_dev_read", mb),
            ("domU write of xvda", "domu_write", mb),
            ("TCP domU -> dom0", "tcp_from_domu", netmb),
            ("TCP dom0 -> domU", "tcp_to_domu", netmb))
    rate = {}
    for title, op, size in rows:
        v = [mbps(size, median(res[s], op)) for s in st]
        rate[op] = v
        print(f"{title + ' MB/s':<34} {fmt(v[0]):>9} {fmt(v[1]):>9} "
              f"{ratio(v[0], v[1]):>10}")
        xenref.record("bench-pvdev", f"{op} MB/s sable={v[0]} xen={v[1]}")
    for title, op, base in (("domU read / dom0 read", "domu_read",
                             "dom0_read"),
                            ("domU read / dom0 loop read", "domu_read",
                             "dom0_loop_read"),
                            ("domU write / dom0 write", "domu_write",
                             "dom0_write"),
                            ("domU disk read / dom0 disk read",
                             "domu_dev_read", "dom0_dev_read")):
        v = [rate[op][i] / rate[base][i]
             if rate[op][i] and rate[base][i] else None for i in (0, 1)]
        print(f"{title:<34} {fmt(v[0], 2):>9} {fmt(v[1], 2):>9} "
              f"{ratio(v[0], v[1]):>10}")
        xenref.record("bench-pvdev", f"{op}/{base} sable={v[0]} xen={v[1]}")
    for title, k in (("ping domU -> dom0 avg ms", 0),
                     ("ping domU -> dom0 median ms", 3)):
        v = [pings[s][k] / 1000 if pings[s] else None for s in st]
        print(f"{title:<34} {fmt(v[0], 3):>9} "
              f"{fmt(v[1], 3):>9} {ratio(v[0], v[1]):>10}")
    xenref.record("bench-pvdev", f"ping sable={pings['sable']} "
                  f"xen={pings['xen']}")
    for title, op in (("xl create (command) ms", "create"),
                      ("xl create to the domU's init ms", "create_init")):
        v = [median(res[s], op) for s in st]
        v = [x / 1000 if x is not None else None for x in v]
        print(f"{title:<34} {fmt(v[0], 0):>9} {fmt(v[1], 0):>9} "
              f"{ratio(v[0], v[1]):>10}")
        xenref.record("bench-pvdev", f"{op} ms sable={v[0]} xen={v[1]}")
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
