#!/usr/bin/env python3
"""`make lint` gate on file sizes: C files stay small (docs/architecture.md).
A .c or .h file over 800 lines is reported; over 1000 fails."""
import subprocess
import sys

files = subprocess.run(["git", "ls-files", "*.c", "*.h"], capture_output=True,
                       text=True, check=True).stdout.split()
fail = False
for f in files:
    with open(f, encoding="utf-8", errors="replace") as fh:
        n = sum(1 for _ in fh)
    if n > 1000:
        print(f"lint: {f}: {n} lines (limit 1000)")
        fail = True
    elif n > 800:
        print(f"lint: {f}: {n} lines (aim for 800 or fewer)")
sys.exit(1 if fail else 0)
