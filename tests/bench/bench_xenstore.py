#!/usr/bin/env python3
"""XenStore throughput: Sable's xenstored against Debian's C xenstored and
oxenstored (xen-utils-4.17), each driven by the same client, xs-bench, over
the daemon's Unix socket inside dom0.

Debian's C xenstored does not run without a hypervisor, so every daemon runs
in dom0 under QEMU: on Debian's Xen 4.17 and on Sable, one boot per daemon
(build/dom0-xsbench-initrd.cpio.gz, sable.test=xsbench, /init's own daemon
off). Each boot prints XSBENCH-RESULT lines (dom0-tools/rootfs/tests/
xsbench.sh); the table gives operations per second and the ratio of Sable's
daemon to the faster Debian daemon under the same hypervisor.

Environment: XSBENCH_SECS (seconds per operation family, default 3),
XSBENCH_RUNS (boots per cell, the best run is kept, default 1).
"""
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
DAEMONS = {"c": "C xenstored", "ox": "oxenstored", "sable": "Sable xsd"}
# (hypervisor, daemon) cells, in table order.
CELLS = (("xen", "c"), ("xen", "ox"), ("xen", "sable"),
         ("sable", "sable"), ("sable", "c"), ("sable", "ox"))
RESULT_RE = re.compile(r"XSBENCH-RESULT daemon=(\w+) op=(\w+) ops=(\d+) "
                       r"seconds=([\d.]+) rate=(\d+)")
BOOT_TIMEOUT = 150


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


def boot(hyp, daemon, secs):
    args = (f"sable.test=xsbench sable.xenstored=0 sable.xsd={daemon} "
            f"sable.xsbench_secs={secs}")
    name = f"xsbench-{hyp}-{daemon}"
    if hyp == "xen":
        return xenref.boot_xen(name, dom0_initrd=INITRD, net=False,
                               dom0_bootargs=xenref.DOM0_BOOTARGS + " " +
                               args)
    return sable_machine(name, xenref.KERNEL, mem=2048, cmdline=SABLE_CMDLINE,
                         bootargs=f"{DOM0_ARGS} {args}", initrd=INITRD)


def run_cell(hyp, daemon, secs):
    """One boot; returns ({op: ops/s}, None) or (None, why it failed)."""
    m = boot(hyp, daemon, secs)
    with m:
        try:
            passed, lines = xenref.wait_test(
                m, timeout=BOOT_TIMEOUT + 4 * secs)
        except Exception as e:  # timeout or early exit: report, go on
            return None, f"no result ({type(e).__name__})"
        out = m.output()
    rates = {op: int(rate) for d, op, _, _, rate in RESULT_RE.findall(out)
             if d == daemon}
    if not passed or set(rates) != set(OPS):
        why = [l for l in out.splitlines()
               if l.startswith(("check: FAIL", "  | "))]
        return None, "; ".join(l.strip() for l in why[:6]) or "failed"
    return rates, None


def fmt(v):
    return f"{v:>10}" if v is not None else f"{'-':>10}"


def ratio(ours, theirs):
    best = max((t for t in theirs if t), default=None)
    if not ours or not best:
        return "    -"
    return f"{ours / best:5.2f}"


def table(res):
    cols = [f"{DAEMONS[d]} ({'Xen' if h == 'xen' else 'Sable'})"
            for h, d in CELLS]
    print("XenStore ops/s, one synchronous client over the Unix socket, "
          "dom0 under QEMU")
    print(f"{'operation':<12}" + "".join(f"{c[:22]:>24}" for c in cols) +
          f"{'ours/best Debian (Xen)':>24}{'(Sable)':>10}")
    for op in OPS:
        v = {cell: (res.get(cell) or {}).get(op) for cell in CELLS}
        row = f"{op:<12}" + "".join(f"{fmt(v[c]):>24}" for c in CELLS)
        row += f"{ratio(v[('xen', 'sable')], [v[('xen', 'c')], v[('xen', 'ox')]]):>24}"
        row += f"{ratio(v[('sable', 'sable')], [v[('sable', 'c')], v[('sable', 'ox')]]):>10}"
        print(row)


def main():
    reason = prerequisites()
    if reason:
        print("bench_xenstore: " + reason)
        return 2
    secs = int(os.environ.get("XSBENCH_SECS", "3"))
    runs = int(os.environ.get("XSBENCH_RUNS", "1"))
    res, notes = {}, []
    for cell in CELLS:
        for _ in range(runs):
            rates, why = run_cell(*cell, secs)
            if rates is None:
                notes.append(f"{DAEMONS[cell[1]]} on {cell[0]}: {why}")
                continue
            best = res.setdefault(cell, {})
            for op, r in rates.items():
                best[op] = max(best.get(op, 0), r)
            xenref.record("bench-xenstore", f"{cell[0]} {cell[1]} " +
                          " ".join(f"{op}={rates[op]}" for op in OPS))
    table(res)
    for n in notes:
        print("note: " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
