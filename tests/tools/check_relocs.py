#!/usr/bin/env python3
"""Fail if a position-independent image needs relocations other than
R_AARCH64_RELATIVE (the only kind its entry code applies)."""
import subprocess
import sys

out = subprocess.run(["aarch64-linux-gnu-readelf", "-rW", sys.argv[1]],
                     capture_output=True, text=True, check=True).stdout
bad = [l for l in out.splitlines()
       if "R_AARCH64_" in l and "R_AARCH64_RELATIVE" not in l
       and "R_AARCH64_NONE" not in l]
if bad:
    print("unsupported relocations in " + sys.argv[1] + ":\n" + "\n".join(bad))
    sys.exit(1)
