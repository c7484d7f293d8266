#!/usr/bin/env python3
"""Line coverage of Sable's portable modules from a --coverage unit build.

usage: coverage_report.py <builddir> <module-dir>[:<min%>] [...]

gcc, compiling and linking a test binary in one step with --coverage,
leaves <bin>-<source basename>.gcno/.gcda next to the binary. Every .gcno
under <builddir> is read with `gcov --json-format --stdout -b`; a source
line counts as covered if any test binary executed it. Prints per-file
and per-module line (and branch) coverage, and exits 1 if a module is
below its threshold (90% unless given after a colon, as in
hypervisor/core:80) or has no coverage data at all.
"""
import glob
import json
import os
import subprocess
import sys

THRESHOLD = 90.0
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gcov_json(gcno):
    """Parsed gcov JSON documents for one object (one per line of output)."""
    proc = subprocess.run(
        ["gcov", "--json-format", "--stdout", "-b", gcno],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, check=False)
    docs = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            docs.append(json.loads(line))
    return docs


def collect(builddir):
    """{source path relative to ROOT: {line: count}}, and branches alike."""
    lines, branches = {}, {}
    for gcno in sorted(glob.glob(os.path.join(builddir, "**", "*.gcno"),
                                 recursive=True)):
        for doc in gcov_json(gcno):
            cwd = doc.get("current_working_directory", ROOT)
            for f in doc.get("files", []):
                path = os.path.relpath(
                    os.path.normpath(os.path.join(cwd, f["file"])), ROOT)
                fl = lines.setdefault(path, {})
                fb = branches.setdefault(path, {})
                for ln in f.get("lines", []):
                    n = ln["line_number"]
                    fl[n] = fl.get(n, 0) + ln["count"]
                    for i, br in enumerate(ln.get("branches", [])):
                        key = (n, i)
                        fb[key] = fb.get(key, 0) + br["count"]
    return lines, branches


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def in_module(path, module):
    module = os.path.normpath(module)
    return path == module or path.startswith(module + os.sep)


def report_module(module, lines, branches):
    """Print the module's table; return its line coverage or None."""
    files = sorted(p for p in lines if in_module(p, module)
                   and p.endswith(".c"))
    print(f"== {module}")
    if not files:
        print("   no coverage data (no coverage test builds its sources)")
        return None
    tot_hit = tot_all = br_hit = br_all = 0
    for path in files:
        hit = sum(1 for c in lines[path].values() if c > 0)
        total = len(lines[path])
        bhit = sum(1 for c in branches[path].values() if c > 0)
        btotal = len(branches[path])
        tot_hit += hit
        tot_all += total
        br_hit += bhit
        br_all += btotal
        print(f"   {path:48s} lines {pct(hit, total):6.2f}% "
              f"({hit}/{total})  branches {pct(bhit, btotal):6.2f}% "
              f"({bhit}/{btotal})")
    srcs = glob.glob(os.path.join(ROOT, module, "**", "*.c"), recursive=True)
    for src in sorted(os.path.relpath(s, ROOT) for s in srcs):
        if src not in lines:
            print(f"   {src:48s} not built into any coverage test")
    cov = pct(tot_hit, tot_all)
    print(f"   {module}: lines {cov:.2f}% ({tot_hit}/{tot_all}), branches "
          f"{pct(br_hit, br_all):.2f}% ({br_hit}/{br_all})")
    return cov


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    builddir, modules = argv[1], argv[2:]
    lines, branches = collect(builddir)
    ok = True
    for arg in modules:
        module, _, floor = arg.partition(":")
        threshold = float(floor) if floor else THRESHOLD
        cov = report_module(module, lines, branches)
        if cov is None or cov < threshold:
            print(f"   FAIL: {module} below {threshold:.0f}% line coverage")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
