#!/usr/bin/env python3
"""XenStore throughput: Sable's xenstored against Debian's C xenstored and
oxenstored (xen-utils-4.17), each driven by the same client, xs-bench, over
the daemon's Unix socket inside dom0.

Debian's C xenstored does not run without a hypervisor, so every daemon runs
in dom0 under QEMU: one boot of Debian's Xen 4.17 and one of Sable, each
with build/dom0-xsbench-initrd.cpio.gz and sable.test=xsbench (/init's own
daemon off). In each boot /tests/xsbench.sh starts the daemons in turn,
round after round, so that a slow spell of the shared host hits all of them
alike; the table keeps each daemon's best round. "null" is xs-bench's null
server, which answers without storing anything: the most any daemon can
reach with this client. Ratio: Sable's daemon over the faster Debian daemon
under the same hypervisor; ceiling: null over that same Debian daemon.

Environment: XSBENCH_SECS (seconds per operation family, default 2),
XSBENCH_ROUNDS (default 2), XSBENCH_DEPTHS (requests in flight, one table
each, default "1,8"), XSBENCH_CPU (dom0 vCPU that runs daemon and client,
default 0; empty: leave placement to the dom0 kernel).
"""
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import xenref  # noqa: E402
from qemu import build, cache  # noqa: E402
from scenarios import SABLE, sable_machine  # noqa: E402

INITRD = build("dom0-xsbench-initrd.cpio.gz")
DOM0_ARGS = "console=hvc0 earlycon=xenboot rdinit=/init"
SABLE_CMDLINE = "dom0_mem=512M dom0_max_vcpus=2"
OPS = ("write", "read", "directory", "transaction")
DAEMONS = ("c", "ox", "sable", "null")
NAMES = {"c": "C xsd", "ox": "oxenstored", "sable": "Sable xsd",
         "null": "null"}
HYPS = (("xen", "Xen 4.17 dom0"), ("sable", "Sable dom0"))
RESULT_RE = re.compile(r"XSBENCH-RESULT daemon=(\w+) round=(\d+) "
                       r"depth=(\d+) op=(\w+) ops=(\d+) seconds=([\d.]+) "
                       r"rate=(\d+) errors=(\d+)")


def prerequisites():
    """A reason string if something needed is missing, else None."""
    reason = xenref.qemu_missing()
    if reason:
        return reason
    arm = cache("arm64", "usr", "lib", "xen-4.17", "bin")
    gone = xenref.missing(xenref.XEN, xenref.KERNEL, SABLE, INITRD,
                          os.path.join(arm, "xenstored"),
                          os.path.join(arm, "oxenstored"))
    if gone:
        return ("missing (run: make setup && make build): " +
                ", ".join(gone))
    return None


class Config:
    def __init__(self):
        env = os.environ.get
        self.secs = int(env("XSBENCH_SECS", "2"))
        self.rounds = int(env("XSBENCH_ROUNDS", "2"))
        self.depths = [int(d) for d in env("XSBENCH_DEPTHS", "1,8").split(",")]
        self.cpu = env("XSBENCH_CPU", "0")

    def bootargs(self):
        a = (f"sable.test=xsbench sable.xenstored=0 "
             f"sable.xsd={','.join(DAEMONS)} "
             f"sable.xsbench_rounds={self.rounds} "
             f"sable.xsbench_secs={self.secs} "
             f"sable.xsbench_depths={','.join(map(str, self.depths))}")
        return a + (f" sable.xsbench_cpu={self.cpu}" if self.cpu else "")

    def timeout(self):
        per_daemon = 8 + len(self.depths) * len(OPS) * self.secs
        return 150 + 2 * self.rounds * len(DAEMONS) * per_daemon


def boot(hyp, cfg):
    args = cfg.bootargs()
    if hyp == "xen":
        return xenref.boot_xen("xsbench-xen", dom0_initrd=INITRD, net=False,
                               dom0_bootargs=xenref.DOM0_BOOTARGS + " " +
                               args)
    # QEMU's -device syntax: a ',' in a property value is written ',,'.
    bootargs = f"{DOM0_ARGS} {args}".replace(",", ",,")
    return sable_machine("xsbench-sable", xenref.KERNEL, mem=2048,
                         cmdline=SABLE_CMDLINE, bootargs=bootargs,
                         initrd=INITRD)


def run_hypervisor(hyp, cfg):
    """One boot; returns ({(daemon, depth, op): [ops/s per round]},
    [notes])."""
    m = boot(hyp, cfg)
    notes = []
    with m:
        try:
            xenref.wait_test(m, timeout=cfg.timeout())
        except Exception as e:  # timeout or early exit: keep what came
            notes.append(f"{hyp}: run cut short ({type(e).__name__})")
        out = m.output()
    rates = collections.defaultdict(list)
    for d, r, depth, op, ops, secs, rate, errs in RESULT_RE.findall(out):
        rates[(d, int(depth), op)].append(int(rate))
        if int(errs):
            notes.append(f"{hyp}: {NAMES[d]} depth {depth} {op}: "
                         f"{errs} failed requests (not counted)")
    for l in out.splitlines():
        if l.startswith(("check: FAIL", "info: client errors")):
            notes.append(f"{hyp}: {l.strip()}")
    for l in out.splitlines():
        if l.startswith("info: kernel xenbus read through"):
            xenref.record("bench-xenstore", f"{hyp} {l.strip()}")
    return rates, notes


def best(rates, key):
    v = rates.get(key)
    return max(v) if v else None


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def table(res, cfg, depth):
    pin = (f"daemon and client on dom0 vCPU {cfg.cpu}" if cfg.cpu
           else "placement left to the dom0 kernel")
    print(f"\nXenStore ops/s, best of {cfg.rounds} rounds of {cfg.secs} s, "
          f"{depth} request(s) in flight, {pin}")
    head = f"{'operation':<12}"
    for _, title in HYPS:
        head += f" | {title:<52}"
    print(head)
    sub = f"{'':<12}"
    for _ in HYPS:
        sub += " | " + "".join(f"{NAMES[d]:>10}" for d in DAEMONS)
        sub += f"{'ratio':>6}{'ceil':>6}"
    print(sub)
    for op in OPS:
        row = f"{op:<12}"
        for hyp, _ in HYPS:
            v = {d: best(res.get(hyp, {}), (d, depth, op)) for d in DAEMONS}
            debian = max((x for x in (v["c"], v["ox"]) if x), default=None)
            row += " | " + "".join(
                f"{v[d] if v[d] is not None else '-':>10}" for d in DAEMONS)
            row += f"{ratio(v['sable'], debian):>6}"
            row += f"{ratio(v['null'], debian):>6}"
            if v["sable"] and debian:
                xenref.record("bench-xenstore",
                              f"{hyp} depth={depth} {op} " +
                              " ".join(f"{d}={v[d]}" for d in DAEMONS))
        print(row)


def main():
    reason = prerequisites()
    if reason:
        print("bench_xenstore: " + reason)
        return 2
    cfg = Config()
    res, notes = {}, []
    for hyp, _ in HYPS:
        res[hyp], n = run_hypervisor(hyp, cfg)
        notes += n
    for depth in cfg.depths:
        table(res, cfg, depth)
    print("\nratio: Sable xsd / faster Debian daemon; ceil: null / faster "
          "Debian daemon (the most any daemon reaches with this client)")
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
