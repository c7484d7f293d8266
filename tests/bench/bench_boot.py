#!/usr/bin/env python3
"""Boot time of boot-time domains: from QEMU's start (power-on) to each
domain's init, with and without dom0, on Sable and on Debian's Xen 4.17
booting the same device tree and images.

The systems are the example directory tests/system/data/system-two-domus
(dom0 and two Linux domUs, db and web: Debian's kernel and Sable's domU
initramfs, 1 vCPU and 256 MiB each, consoles on the emulated UART) and the
same two domain files without dom0; and the example once more with the
two settings Xen 4.17's dom0less binding does not carry taken out of
the domain files (`cpu_weight`, `cpus`), so that both hypervisors share
the pCPUs alike. sable-system writes the tree and
QEMU's command line for each; only the hypervisor image and its command
line differ between Sable and Xen. A domain is "at init" when its
initramfs prints SABLE-INIT-READY (after mounting, loading its modules
and, in dom0, starting its daemons).

Boots alternate Sable, Xen, Sable, ... (BENCH_RUNS each, default 3); the
table shows the median seconds from QEMU's start. Exit 2 when something
needed is missing, 1 when a boot did not reach every init.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

import dom0less  # noqa: E402
import xenref  # noqa: E402
from qemu import BUILD, ROOT, Machine, build  # noqa: E402
from scenarios import SABLE  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TOOL = build("host", "sable-system")
EXAMPLE = os.path.join(ROOT, "tests", "system", "data", "system-two-domus")
TIMEOUT = 240
CMDLINE = {"sable": "", "xen": dom0less.XEN_CMDLINE}
IMAGE = {"sable": SABLE, "xen": xenref.XEN}
DOMUS = ["db.cfg", "web.cfg"]


# Settings of the example that Xen 4.17's dom0less binding does not carry.
NOT_ON_XEN = ("cpu_weight", "cpus")


def system_dir(hv, variant):
    """build/bench-boot/<hv>-<variant>: the example's domain files (without
    the settings Xen cannot take for variant "even") and a system.cfg with
    this hypervisor's command line."""
    with_dom0 = variant != "nodom0"
    d = build("bench-boot", f"{hv}-{variant}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for f in DOMUS + (["dom0.cfg"] if with_dom0 else []):
        with open(os.path.join(EXAMPLE, f)) as src:
            lines = src.readlines()
        if variant == "even":
            lines = [l for l in lines
                     if l.split("=")[0].strip() not in NOT_ON_XEN]
        with open(os.path.join(d, f), "w") as dst:
            dst.writelines(lines)
    with open(os.path.join(d, "system.cfg"), "w") as f:
        f.write("cpus = 2\nmemory = 2048\n")
        f.write(f'cmdline = "{CMDLINE[hv]}"\n')
        if with_dom0:
            f.write('dom0 = "dom0.cfg"\n')
    return d


def one_run(hv, variant, i):
    """{domain: seconds from QEMU's start to its init} or {"error": ...}."""
    with_dom0 = variant != "nodom0"
    d = system_dir(hv, variant)
    out = d + "-out"
    env = dict(os.environ, SABLE_BUILD=BUILD,
               SABLE_CACHE=os.path.dirname(xenref.KERNEL))
    r = subprocess.run([TOOL, "--hypervisor", IMAGE[hv], "-o", out, d],
                       capture_output=True, text=True, env=env, timeout=60)
    if r.returncode:
        return {"error": r.stderr.strip()}
    with open(os.path.join(out, "qemu.args")) as f:
        argv = f.read().splitlines()
    name = f"bench-boot-{hv}-{variant}-{i}"
    m = Machine(name, IMAGE[hv])
    m.argv = lambda: argv
    waits = {"db": r"(\(d1\)|DOM1:) SABLE-INIT-READY",
             "web": r"(\(d2\)|DOM2:) SABLE-INIT-READY"}
    if with_dom0:
        waits["dom0"] = r"\nSABLE-INIT-READY"
    times = {}
    m.start()
    try:
        while waits:
            keys = list(waits)
            k = keys[m.child.expect([waits[k] for k in keys],
                                    timeout=TIMEOUT)]
            times[k] = time.monotonic() - m.started
            del waits[k]
    except Exception as e:  # pexpect TIMEOUT/EOF
        times["error"] = f"{type(e).__name__} waiting for {', '.join(waits)}"
    finally:
        m.close()
    return times


def main():
    missing = xenref.missing(TOOL, SABLE, xenref.XEN, xenref.KERNEL,
                             xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    reason = dom0less.tools_missing()
    if missing or reason:
        print("bench boot: missing " + ", ".join(missing or [reason]) +
              " (run make build; make setup for Xen)")
        return 2
    rows = [("without dom0", "nodom0", ["db", "web"]),
            ("with dom0", "dom0", ["dom0", "db", "web"]),
            ("dom0, even", "even", ["dom0", "db", "web"])]
    only = os.environ.get("BENCH_BOOT_SYSTEMS")
    if only:
        rows = [r for r in rows if r[1] in only.split(",")]
    results = {}
    for label, variant, _ in rows:
        for i in range(RUNS):
            for hv in ("sable", "xen"):
                r = one_run(hv, variant, i)
                if "error" in r:
                    print(f"bench boot: {hv} {label}, run {i + 1}: "
                          f"{r['error']}", flush=True)
                results.setdefault((hv, variant), []).append(r)
    print(f"{'system':14} {'domain':7} {'Sable s':>8} {'Xen s':>8} "
          f"{'Sable/Xen':>9}")
    ok = True
    for label, variant, doms in rows:
        for dom in doms:
            med = {}
            for hv in ("sable", "xen"):
                vals = [r[dom] for r in results[(hv, variant)] if dom in r]
                med[hv] = statistics.median(vals) if vals else None
            ok = ok and None not in med.values()
            cols = [f"{med[hv]:8.1f}" if med[hv] is not None
                    else f"{'failed':>8}" for hv in ("sable", "xen")]
            ratio = (f"{med['sable'] / med['xen']:9.2f}"
                     if None not in med.values() else f"{'-':>9}")
            print(f"{label:14} {dom:7} {cols[0]} {cols[1]} {ratio}")
    print(f"(seconds from QEMU's start to the domain's init, median of "
          f"{RUNS} boots each, interleaved; QEMU TCG, 2 pCPUs, 2 GiB; "
          "\"even\": without the example's cpu_weight and cpus, which "
          "Xen's binding does not carry)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
