#!/usr/bin/env python3
"""Event channels: send-to-upcall latency and an interdomain round trip,
on Sable and on Debian's Xen 4.17 under the same QEMU, measured by the
same pair of bare-metal boot-time domains (guests/pingpong, no dom0) with
their virtual counters.

- send-to-upcall: domain 1 sends on a loopback channel 10,000 times and
  times each send up to its IRQ handler (GICv3 PPI, 2-level scan).
- interdomain round trip: domain 2 sends, domain 1 answers, 10,000 times;
  each side waits by spinning on its pending bit with SCHEDOP_yield (the
  same on both hypervisors: BENCH_EVTCHN_WAIT=poll blocks in SCHEDOP_poll
  instead, where the hypervisor has it).

Boots alternate Sable, Xen, Sable, ... (BENCH_RUNS each, default 3); the
table shows the median guest counter ticks per operation and the ratio
Sable/Xen. Exit 2 when something needed is missing, 1 when Sable (or Xen)
did not produce its figures.
"""
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import dom0less  # noqa: E402
import xenref  # noqa: E402
from scenarios import SABLE  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WAIT = os.environ.get("BENCH_EVTCHN_WAIT", "yield")
ROUNDS = 10000
UPCALLS = 10000
TIMEOUT = 240
# (label, domain id, line, key of ticks per operation)
OPS = [("send-to-upcall latency", 1, "upcall", "ticks_per_op"),
       ("interdomain round trip", 2, "pingpong", "ticks_per_round")]


def one_run(hv, i):
    """{label: ticks per op} of one boot, or {"error": reason}."""
    if hv == "sable":
        image, cmdline = SABLE, dom0less.SABLE_CMDLINE
    else:
        image, cmdline = xenref.XEN, dom0less.XEN_CMDLINE
    doms = dom0less.pingpong_domains(ROUNDS, UPCALLS, WAIT)
    try:
        m, res = dom0less.run_pingpong(f"bench-evtchn-{hv}-{i}", image,
                                       cmdline, doms, timeout=TIMEOUT)
    except Exception as e:  # pexpect TIMEOUT/EOF, QEMU or dtc failures
        return {"error": type(e).__name__}
    out = {}
    for label, domid, line, key in OPS:
        fig = res.get(domid, {}).get(line, {})
        if key in fig:
            out[label] = int(fig[key])
        if "freq" in fig:
            out["freq"] = int(fig["freq"])
    if any(r.get("fails") for r in res.values()):
        out["error"] = "guest checks failed"
    return out


def median_of(runs, label):
    vals = [r[label] for r in runs if label in r]
    return statistics.median(vals) if vals else None


def main():
    missing = xenref.missing(SABLE, dom0less.PINGPONG, xenref.XEN)
    reason = dom0less.tools_missing()
    if missing or reason:
        print("bench evtchn: missing " + ", ".join(missing or [reason]) +
              " (run make build; make setup for Xen)")
        return 2
    results = {"sable": [], "xen": []}
    for i in range(RUNS):
        for hv in ("sable", "xen"):
            r = one_run(hv, i)
            if "error" in r:
                print(f"bench evtchn: {hv} run {i + 1}: {r['error']} "
                      f"(build/logs/bench-evtchn-{hv}-{i}.log)", flush=True)
            results[hv].append(r)
    print(f"{'operation':26} {'Sable ticks':>12} {'Xen ticks':>12} "
          f"{'Sable/Xen':>9}")
    ok = True
    for label, _, _, _ in OPS:
        s = median_of(results["sable"], label)
        x = median_of(results["xen"], label)
        cols = [f"{v:12.0f}" if v is not None else f"{'failed':>12}"
                for v in (s, x)]
        ratio = f"{s / x:9.2f}" if s is not None and x else f"{'-':>9}"
        ok = ok and s is not None and x is not None
        print(f"{label:26} {cols[0]} {cols[1]} {ratio}")
    freq = median_of(results["sable"] + results["xen"], "freq")
    print(f"(guest counter ticks per operation, {freq or 0:.0f} Hz; median "
          f"of {RUNS} boots each, interleaved; {ROUNDS} round trips with "
          f"wait={WAIT}, {UPCALLS} upcalls)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
