#!/usr/bin/env python3
"""The toolstack: Sable's xl, xenstored and sable-consoled on Sable against
Debian's xl, xenstored and xenconsoled (xen-utils-4.17) on Xen 4.17, the
same dom0 kernel and image (build/dom0-xlbench-initrd.cpio.gz) and the
same 64 MiB Linux domU under the same QEMU.

In each boot /tests/xlbench.sh (sable.test=xlbench) times, per round:
`xl create` (the command, and until the domU's init prints its marker on
its PV console), `xl list` (mean of 10), `xl shutdown -w` (the command, and
until xl no longer lists the domain), `xl destroy` (the command, and until
gone); and once the RSS of the two toolstack daemons with one domU up.
The table gives the median of the rounds and Sable / Xen. The domU's
console log of the first round goes to build/bench-xl-domu-<stack>.log,
and the table shows when its kernel ran /init (its own clock, first
boot), to tell the guest's boot from the toolstack's part.

Environment: XLBENCH_ROUNDS (default 3).
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
SABLE_CMDLINE = "dom0_mem=512M dom0_max_vcpus=2"
OPS = (("create", "xl create (command)"),
       ("create_init", "xl create to the domU's init"),
       ("list", "xl list"),
       ("shutdown_w", "xl shutdown -w (command)"),
       ("shutdown_gone", "xl shutdown to gone"),
       ("destroy", "xl destroy (command)"),
       ("destroy_gone", "xl destroy to gone"),
       ("domu_init", "domU kernel: Run /init at"))
TIME_RE = re.compile(r"XLBENCH stack=(\w+) round=(\d+) op=(\w+) us=(\d+)")
RSS_RE = re.compile(r"XLBENCH-RSS stack=(\w+) daemon=([\w-]+) kib=(\d+) "
                    r"pss=(\d+)")
DOMU_RE = re.compile(r"^XLBENCH-DOMU (.*?)\r?$", re.M)
INIT_RE = re.compile(r"\[\s*([\d.]+)\] Run /init as init process")


def prerequisites():
    reason = xenref.qemu_missing()
    if reason:
        return reason
    gone = xenref.missing(xenref.XEN, xenref.KERNEL, SABLE, INITRD,
                          cache("arm64", "usr", "lib", "xen-4.17", "bin",
                                "xl"))
    if gone:
        return ("missing (run: make setup && make build): " +
                ", ".join(gone))
    return None


def boot(stack, rounds):
    args = (f"sable.test=xlbench sable.xlbench_stack={stack} "
            f"sable.xlbench_rounds={rounds}")
    if stack == "xen":
        return xenref.boot_xen("xlbench-xen", dom0_initrd=INITRD, net=False,
                               dom0_bootargs=xenref.DOM0_BOOTARGS +
                               " sable.xenstored=0 " + args)
    return sable_machine("xlbench-sable", xenref.KERNEL, mem=2048,
                         cmdline=SABLE_CMDLINE,
                         bootargs=f"{DOM0_ARGS} {args}", initrd=INITRD)


def run(stack, rounds):
    """({op: [us per round]}, {daemon: kib}, [notes])"""
    m = boot(stack, rounds)
    notes = []
    with m:
        try:
            passed, lines = xenref.wait_test(m, timeout=240 + 120 * rounds)
            if not passed:
                notes += [f"{stack}: {l}" for l in lines]
        except Exception as e:  # timeout or early exit: keep what came
            notes.append(f"{stack}: run cut short ({type(e).__name__})")
        out = m.output()
    times = {}
    for s, _, op, us in TIME_RE.findall(out):
        if s == stack:
            times.setdefault(op, []).append(int(us))
    rss = {d: (int(k), int(p)) for s, d, k, p in RSS_RE.findall(out)
           if s == stack}
    domu = DOMU_RE.findall(out)
    with open(build(f"bench-xl-domu-{stack}.log"), "w") as f:
        f.write("\n".join(domu) + "\n")
    init = INIT_RE.search("\n".join(domu))
    if init:
        times["domu_init"] = [int(float(init.group(1)) * 1e6)]
    return times, rss, notes


def fmt_ms(us):
    return f"{us / 1000:.1f}" if us is not None else "-"


def main():
    reason = prerequisites()
    if reason:
        print("bench_xl: " + reason)
        return 2
    rounds = int(os.environ.get("XLBENCH_ROUNDS", "3"))
    res, notes = {}, []
    for stack in ("sable", "xen"):
        t, r, n = run(stack, rounds)
        res[stack] = (t, r)
        notes += n
    print(f"\nToolstack, median of {rounds} rounds (ms), 64 MiB 1-vCPU "
          "Linux domU")
    print(f"{'operation':<32} {'Sable':>9} {'Xen 4.17':>9} {'Sable/Xen':>10}")
    for op, title in OPS:
        v = [statistics.median(res[s][0][op]) if res[s][0].get(op)
             else None for s in ("sable", "xen")]
        ratio = f"{v[0] / v[1]:.2f}" if v[0] and v[1] else "-"
        print(f"{title:<32} {fmt_ms(v[0]):>9} {fmt_ms(v[1]):>9} "
              f"{ratio:>10}")
        xenref.record("bench-xl", f"{op} sable={v[0]} xen={v[1]}")
    for i, what in ((0, "RSS"), (1, "PSS")):
        line = []
        sums = []
        for stack, title in (("sable", "Sable"), ("xen", "Xen")):
            r = res[stack][1]
            total = sum(v[i] for v in r.values())
            sums.append(total)
            line.append(f"{title} " + ", ".join(
                f"{d} {v[i]}" for d, v in r.items()) + f" = {total}")
        ratio = f"; Sable/Xen {sums[0] / sums[1]:.2f}" if all(sums) else ""
        print(f"\nDaemons' {what} with one domU up (KiB): " +
              "; ".join(line) + ratio)
    xenref.record("bench-xl", f"rss sable={res['sable'][1]} "
                  f"xen={res['xen'][1]}")
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
