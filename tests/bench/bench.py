#!/usr/bin/env python3
"""`make bench`: benchmarks side by side with Xen 4.17. None is implemented
yet (see README.md, "Not yet"); this says so instead of failing obscurely."""
import sys

print("make bench: no benchmark is implemented yet "
      "(planned: hypercall and MMIO trap cost, event-channel latency, "
      "xenstored throughput, each against Xen 4.17 in the same run)")
sys.exit(2)
