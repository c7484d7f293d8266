#!/usr/bin/env python3
"""Trap cost: a hypercall round trip and a trapped MMIO read, on Sable and
on Debian's Xen 4.17 under the same QEMU, measured by the same bare-metal
guest (guests/trapbench) running as dom0 and timing 20,000 operations with
its virtual counter (best of 5 rounds per boot).

Runs alternate floor, Sable, Xen, floor, Sable, ... (RUNS boots each) and
the table shows medians in ns per operation, the ratio Sable/Xen, and each
figure as a multiple of the floor: the same guest under build/floor.bin
(tests/bench/floor/floor.S), a do-nothing EL2 handler that saves and
restores the guest's registers and nothing else, booted in the same run
(trap costs differ up to 3x from one host to another, so only a floor
measured beside them means anything).
"""
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import xenref  # noqa: E402
from qemu import build, cache  # noqa: E402
from scenarios import SABLE, guest, sable_machine  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LINE = re.compile(r"TRAPBENCH op=(\w+) iters=(\d+) ticks=(\d+) freq=(\d+)")
OPS = [("hypercall", "hypercall round trip", True),
       ("mmio_read", "trapped MMIO read (GICD_TYPER)", True),
       ("grant_map_unmap", "grant map + unmap (own page)", False)]
FLOOR = build("floor.bin")
# BENCH_SABLE_BASE=<an older build/sable.bin>: also boot it, interleaved,
# and show each figure of this build over that one.
BASE = os.environ.get("BENCH_SABLE_BASE")
TIMEOUT = 120


def parse(out):
    """{op: ns per operation} from a guest's output."""
    res = {}
    for op, iters, ticks, freq in LINE.findall(out):
        res[op] = int(ticks) * 1e9 / int(freq) / int(iters)
    return res


def run(m):
    """Wait for a started machine's guest to finish; its figures."""
    try:
        m.expect(r"GUEST-RESULT: \d+ passed, \d+ failed", timeout=TIMEOUT)
        return parse(m.output())
    finally:
        m.close()


def sable_run(i, image=None):
    m = sable_machine(f"bench-traps-sable-{i}", guest("trapbench"))
    if image:
        m.kernel = image
    return run(m.start())


def floor_run(i):
    return sable_run(f"floor-{i}", FLOOR)


def xen_run(i):
    return run(xenref.boot_xen(f"bench-traps-xen-{i}",
                               dom0_kernel=guest("trapbench"),
                               dom0_initrd=None, net=False))


def main():
    missing = xenref.missing(SABLE, FLOOR, guest("trapbench"), cache("xen"))
    if missing:
        print("bench traps: missing " + ", ".join(missing) +
              " (run make build; make setup for Xen)")
        return 2
    results = {"sable": [], "xen": [], "base": [], "floor": []}
    for i in range(RUNS):
        results["floor"].append(floor_run(i))
        results["sable"].append(sable_run(i))
        if BASE:
            results["base"].append(sable_run(f"base-{i}", BASE))
        results["xen"].append(xen_run(i))
    print(f"{'operation':34} {'Sable ns':>9} {'Xen ns':>9} {'Sable/Xen':>9}"
          f" {'Sable/floor':>11} {'Xen/floor':>9}"
          + (f" {'base ns':>9} {'now/base':>8}" if BASE else ""))
    ok = True

    def med(key, op):
        v = [r[op] for r in results[key] if op in r]
        return statistics.median(v) if v else None

    print(f"{'floor (do-nothing handler)':34} " + "  ".join(
        f"{op} {med('floor', op):.0f} ns" for op, _, has in OPS
        if has and med("floor", op)))
    for op, label, has_floor in OPS:
        ms, mx, mb = med("sable", op), med("xen", op), med("base", op)
        floor = med("floor", op) if has_floor else None
        if ms is None:
            print(f"{label:34} {'missing':>9}")
            ok = False
            continue
        cells = [f"{ms:9.0f}", f"{mx:9.0f}" if mx else f"{'-':>9}",
                 f"{ms / mx:9.2f}" if mx else f"{'-':>9}",
                 f"{ms / floor:11.2f}" if floor else f"{'-':>11}",
                 f"{mx / floor:9.2f}" if floor and mx else f"{'-':>9}"]
        if BASE:
            cells += [f"{mb:9.0f}" if mb else f"{'-':>9}",
                      f"{ms / mb:8.2f}" if mb else f"{'-':>8}"]
        print(f"{label:34} " + " ".join(cells))
    print(f"({RUNS} boots each, interleaved; median of per-boot best of 5 "
          "rounds of 20,000)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
