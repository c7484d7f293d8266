#!/usr/bin/env python3
"""Run Sable's tests and print one closing line 'N passed, M failed'.

Unit test binaries (given on the command line) print PASS/FAIL lines; the
system tests are pytest files under tests/system. Every count is summed.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_unit(binaries):
    passed = failed = 0
    for b in binaries:
        name = os.path.basename(b)
        print(f"== unit: {name}", flush=True)
        proc = subprocess.run([b], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=600)
        p = len(re.findall(r"^PASS ", proc.stdout, re.M))
        f = len(re.findall(r"^FAIL ", proc.stdout, re.M))
        if proc.returncode != 0 and f == 0:
            f = 1  # crashed or sanitizer abort
        for line in proc.stdout.splitlines():
            if not line.startswith("PASS "):
                print("   " + line)
        print(f"   {name}: {p} passed, {f} failed", flush=True)
        passed += p
        failed += f
    return passed, failed


def run_system(extra):
    xml = os.path.join(ROOT, "build", "system-results.xml")
    os.makedirs(os.path.dirname(xml), exist_ok=True)
    if os.path.exists(xml):
        os.remove(xml)
    print("== system tests (pytest)", flush=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE",
           "-p", "no:cacheprovider", f"--junitxml={xml}",
           os.path.join(ROOT, "tests", "system")] + extra
    rc = subprocess.run(cmd, cwd=ROOT).returncode
    if not os.path.exists(xml):
        return 0, 1 if rc not in (0, 5) else 0, 0
    suite = ET.parse(xml).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    total = int(suite.get("tests", 0))
    fails = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skips = int(suite.get("skipped", 0))
    return total - fails - skips, fails, skips


def main():
    args = sys.argv[1:]
    unit_only = "--unit-only" in args
    system_only = "--system-only" in args
    bins = [a for a in args if not a.startswith("--")]
    passed = failed = skipped = 0
    if not system_only:
        p, f = run_unit(bins)
        passed += p
        failed += f
    if not unit_only:
        p, f, s = run_system(os.environ.get("PYTEST_ARGS", "").split())
        passed += p
        failed += f
        skipped += s
    tail = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{tail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
