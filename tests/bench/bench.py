#!/usr/bin/env python3
"""`make bench`: every benchmark, side by side with Xen 4.17 in the same run.

Each tests/bench/bench_<name>.py is a script that boots what it needs,
prints its own table (Sable, Xen 4.17, ratio) and exits 0, or exits 2 with
a reason when something it needs is missing. `make bench BENCH=name` runs
one. The exit status is that of the worst benchmark.
"""
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    only = os.environ.get("BENCH", "")
    scripts = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))
    if only:
        scripts = [s for s in scripts
                   if os.path.basename(s) == "bench_%s.py" % only]
    if not scripts:
        print("make bench: no benchmark named %r" % only)
        return 2
    worst = 0
    for s in scripts:
        name = os.path.basename(s)[len("bench_"):-len(".py")]
        print("== bench %s ==" % name, flush=True)
        rc = subprocess.call([sys.executable, s])
        if rc != 0:
            print("== bench %s: exit %d ==" % (name, rc), flush=True)
        worst = max(worst, rc)
    return worst


if __name__ == "__main__":
    sys.exit(main())
