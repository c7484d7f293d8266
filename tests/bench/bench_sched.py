#!/usr/bin/env python3
"""The scheduler, on Sable and on Debian's Xen 4.17 (credit2) under the
same QEMU, one pCPU (-smp 1), bare-metal boot-time domains, no dom0:

- virtual-timer latency (guests/schedbench): the guest arms its virtual
  timer 1 to 4 ms ahead, 300 times, and takes the time from the compare
  value to its IRQ handler, waiting either busy (spinning, interrupts
  unmasked) or in WFI; alone on the pCPU, and with a second domain
  (guests/spin) spinning with interrupts masked on the same pCPU;
- vCPU switch between two domains (guests/pingpong): the client sends on
  an interdomain event channel and waits, the server answers; on one pCPU
  each round trip is two switches. Waiting in SCHEDOP_poll (blocking) and
  by spinning on SCHEDOP_yield.
- lock-holder preemption (dom0-tools/lockbench): stock Linux as a
  boot-time domU with 4 vCPUs on 2 pCPUs (-smp 2, no dom0) runs 4 threads
  (rootfs test lock.sh) that take
  one ticket spinlock in turn (waiting as Linux's arm64 spinlocks do,
  with WFE) for LOCK_S seconds: critical sections per second, higher is
  better. BENCH_LOCK_RUNS boots each (default 1: a Linux boot is long).

Boots alternate Sable, Xen, ... (BENCH_RUNS each, default 3); the table
shows medians over boots of each boot's median (timer: also its 90th
percentile) in guest counter ticks and the ratio Sable/Xen. Exit 2 when
something needed is missing, 1 when a figure is missing.
"""
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import dom0less  # noqa: E402
import xenref  # noqa: E402
from qemu import build  # noqa: E402
from qemu import Machine  # noqa: E402
from scenarios import SABLE  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Parts to run (BENCH_SCHED_PARTS=timer,switch,lock), all by default.
PARTS = os.environ.get("BENCH_SCHED_PARTS", "timer,switch,lock").split(",")
LOCK_RUNS = int(os.environ.get("BENCH_LOCK_RUNS", "1"))
LOCK_S = 5
LOCK_THREADS = 4
ROUNDS = 300
PP_ROUNDS = 2000
TIMEOUT = 240
SCHEDBENCH = build("guests", "schedbench.bin")
SPIN = build("guests", "spin.bin")
LINE = re.compile(r"(?:\(XEN\) DOM(\d+): |\(d(\d+)\) )(SCHEDBENCH .*)")


def hypervisor(hv):
    if hv == "sable":
        return SABLE, dom0less.SABLE_CMDLINE
    return xenref.XEN, dom0less.XEN_CMDLINE


def timer_run(hv, hog, i):
    """{(mode, stat): ticks} of one boot, or {"error": reason}."""
    image, cmdline = hypervisor(hv)
    doms = [dom0less.Domain("bench", SCHEDBENCH,
                            f"schedbench.rounds={ROUNDS}")]
    if hog:
        doms.append(dom0less.Domain("hog", SPIN, "spin.ms=600000"))
    name = f"bench-sched-timer-{'hog' if hog else 'alone'}-{hv}-{i}"
    try:
        m = dom0less.boot(name, image, cmdline, doms, smp=1)
        try:
            m.expect(dom0less.RESULT, timeout=TIMEOUT)
        finally:
            m.close()
    except Exception as e:  # pexpect TIMEOUT/EOF, QEMU or dtc failures
        return {"error": type(e).__name__}
    out = {}
    for line in m.output().splitlines():
        g = LINE.search(line)
        if not g:
            continue
        kv = dict(x.split("=", 1) for x in g.group(3).split()[1:])
        for stat in ("median", "p90"):
            out[(kv["mode"], stat)] = int(kv[stat])
        out["freq"] = int(kv["freq"])
    if int(m.child.match.group(2)) != 0:
        out["error"] = "guest checks failed"
    return out


def switch_run(hv, wait, i):
    """{"rtt": ticks per round trip} of one boot, or {"error": reason}."""
    image, cmdline = hypervisor(hv)
    doms = dom0less.pingpong_domains(PP_ROUNDS, 100, wait)
    name = f"bench-sched-switch-{wait}-{hv}-{i}"
    try:
        m = dom0less.boot(name, image, cmdline, doms, smp=1)
        try:
            for _ in doms:
                m.expect(dom0less.RESULT, timeout=TIMEOUT)
        finally:
            m.close()
    except Exception as e:
        return {"error": type(e).__name__}
    res = dom0less.parse_pingpong(m.output())
    fig = res.get(2, {}).get("pingpong", {})
    out = {}
    if "ticks_per_round" in fig and fig.get("wait") == wait:
        out["rtt"] = int(fig["ticks_per_round"])
    elif "ticks_per_round" in fig:
        out["error"] = f"waited by {fig.get('wait')}, not {wait}"
    if any(r.get("fails") for r in res.values()):
        out["error"] = "guest checks failed"
    return out


LINUX_KERNEL_ADDR = 0x50000000
LINUX_INITRD_ADDR = 0x58000000


def linux_domu_dts(bootargs, vcpus):
    """One boot-time domain: Debian's kernel with the domU initramfs."""
    k, r = xenref.KERNEL, xenref.DOMU_INITRD
    return "\n".join([
        "/ {", "\tchosen {", "\t\tdomU1 {",
        '\t\t\tcompatible = "xen,domain";',
        "\t\t\t#address-cells = <1>;", "\t\t\t#size-cells = <1>;",
        f"\t\t\tmemory = <0 {256 * 1024}>;", f"\t\t\tcpus = <{vcpus}>;",
        "\t\t\tvpl011;",
        f"\t\t\tmodule@{LINUX_KERNEL_ADDR:x} {{",
        '\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";',
        f"\t\t\t\treg = <0x{LINUX_KERNEL_ADDR:x} "
        f"0x{os.path.getsize(k):x}>;",
        f'\t\t\t\tbootargs = "{bootargs}";', "\t\t\t};",
        f"\t\t\tmodule@{LINUX_INITRD_ADDR:x} {{",
        '\t\t\t\tcompatible = "multiboot,ramdisk", "multiboot,module";',
        f"\t\t\t\treg = <0x{LINUX_INITRD_ADDR:x} "
        f"0x{os.path.getsize(r):x}>;", "\t\t\t};",
        "\t\t};", "\t};", "};", ""])


def lock_run(hv, i):
    """{"ops": critical sections per second} of one boot, or an error."""
    image, cmdline = hypervisor(hv)
    name = f"bench-sched-lock-{hv}-{i}"
    bootargs = (f"console=ttyAMA0 sable.test=lock "
                f"sable.threads={LOCK_THREADS} sable.secs={LOCK_S}")
    try:
        dtb = dom0less.compile_dtb(
            name, linux_domu_dts(bootargs, LOCK_THREADS) +
            (f"/ {{ chosen {{ xen,xen-bootargs = \"{cmdline}\"; }}; }};\n"
             if cmdline else ""), mem=2048)
        extra = (dom0less.loader_args(xenref.KERNEL, LINUX_KERNEL_ADDR) +
                 dom0less.loader_args(xenref.DOMU_INITRD,
                                      LINUX_INITRD_ADDR))
        m = Machine(name, image, mem=2048, append=cmdline, dtb=dtb,
                    extra=extra).start()
        try:
            m.expect(xenref.RESULT_RE, timeout=TIMEOUT)
        finally:
            m.close()
    except Exception as e:
        return {"error": type(e).__name__}
    out = m.output()
    g = re.search(r"LOCKBENCH threads=(\d+) .*ops_per_s=(\d+)", out)
    cpus = re.search(r"info: cpus: (\d+)", out)
    if not g:
        return {"error": "no LOCKBENCH line"}
    if not cpus or int(cpus.group(1)) != LOCK_THREADS:
        return {"error": "domU has not %d vCPUs" % LOCK_THREADS}
    return {"ops": int(g.group(2))}


# (label, kind, parameter, key)
ROWS = [("timer busy, alone: median", "timer", False, ("busy", "median")),
        ("timer busy, alone: p90", "timer", False, ("busy", "p90")),
        ("timer WFI, alone: median", "timer", False, ("wfi", "median")),
        ("timer WFI, alone: p90", "timer", False, ("wfi", "p90")),
        ("timer busy, hog: median", "timer", True, ("busy", "median")),
        ("timer busy, hog: p90", "timer", True, ("busy", "p90")),
        ("timer WFI, hog: median", "timer", True, ("wfi", "median")),
        ("timer WFI, hog: p90", "timer", True, ("wfi", "p90")),
        ("switch round trip, poll", "switch", "poll", "rtt"),
        ("switch round trip, yield", "switch", "yield", "rtt"),
        ("lock ops/s, 4 vCPUs on 2", "lock", None, "ops")]


def main():
    missing = xenref.missing(SABLE, SCHEDBENCH, SPIN, dom0less.PINGPONG,
                             xenref.XEN, xenref.KERNEL, xenref.DOMU_INITRD)
    reason = dom0less.tools_missing()
    if missing or reason:
        print("bench sched: missing " + ", ".join(missing or [reason]) +
              " (run make build; make setup for Xen)")
        return 2
    runs = {}  # (kind, parameter, hv) -> [result]
    for i in range(RUNS):
        for kind, param in (("timer", False), ("timer", True),
                            ("switch", "poll"), ("switch", "yield")):
            if kind not in PARTS:
                continue
            for hv in ("sable", "xen"):
                r = (timer_run(hv, param, i) if kind == "timer"
                     else switch_run(hv, param, i))
                if "error" in r:
                    print(f"bench sched: {hv} {kind} {param} run {i + 1}: "
                          f"{r['error']}", flush=True)
                runs.setdefault((kind, param, hv), []).append(r)
    for i in range(LOCK_RUNS if "lock" in PARTS else 0):
        for hv in ("sable", "xen"):
            r = lock_run(hv, i)
            if "error" in r:
                print(f"bench sched: {hv} lock run {i + 1}: {r['error']}",
                      flush=True)
            runs.setdefault(("lock", None, hv), []).append(r)
    print(f"{'operation':30} {'Sable':>12} {'Xen':>12} "
          f"{'Sable/Xen':>9}")
    ok = True
    for label, kind, param, key in ROWS:
        if kind not in PARTS:
            continue
        vals = []
        for hv in ("sable", "xen"):
            v = [r[key] for r in runs[(kind, param, hv)] if key in r]
            vals.append(statistics.median(v) if v else None)
        s, x = vals
        cols = [f"{v:12.0f}" if v is not None else f"{'failed':>12}"
                for v in (s, x)]
        ratio = f"{s / x:9.2f}" if s is not None and x else f"{'-':>9}"
        ok = ok and s is not None and x is not None
        print(f"{label:30} {cols[0]} {cols[1]} {ratio}")
    if "lock" in PARTS:
        for hv in ("sable", "xen"):
            each = [r.get("ops") for r in runs[("lock", None, hv)]]
            print(f"lock ops/s of each {hv} boot: {each}")
    freqs = [r["freq"] for rs in runs.values() for r in rs if "freq" in r]
    freq = statistics.median(freqs) if freqs else 0
    print(f"(guest counter ticks, {freq:.0f} Hz; -smp 1; median of {RUNS} "
          f"boots each, interleaved; {ROUNDS} timer rounds per mode, "
          f"{PP_ROUNDS} round trips; lock: ops/s, {LOCK_RUNS} boots each)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
