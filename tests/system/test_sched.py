"""Time slices (docs/scheduler.md): on one pCPU, a boot-time domain
spinning with interrupts masked does not keep another from running."""
import re
import time

import pytest

import dom0less
import xenref
from scenarios import SABLE, guest

SPIN_MS = 10000
TIMEOUT = 90
RESULT = dom0less.RESULT


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def test_a_spinning_domain_does_not_starve_its_neighbour():
    """domU1 spins 10 s with interrupts masked; domU2 (hello), on the same
    pCPU, finishes its work while domU1 still spins."""
    need(SABLE, guest("spin"), guest("hello"))
    doms = [dom0less.Domain("spin", guest("spin"), f"spin.ms={SPIN_MS}"),
            dom0less.Domain("hello", guest("hello"))]
    m = dom0less.boot("sable-sched-spin", SABLE, dom0less.SABLE_CMDLINE,
                      doms, smp=1)
    try:
        m.expect(r"\(d1\) spin: spinning", timeout=TIMEOUT)
        t0 = time.monotonic()
        m.expect(r"\(d2\) " + RESULT, timeout=TIMEOUT)
        hello_s = time.monotonic() - t0
        m.expect(r"\(d1\) spin: done after (\d+) ms", timeout=TIMEOUT)
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == [], out
    hello = re.search(r"\(d2\) " + RESULT, out)
    assert hello and hello.group(2) == "0", out
    # domU2 was done before domU1 stopped spinning.
    assert out.index(hello.group(0)) < out.index("(d1) spin: done"), out
    assert hello_s < SPIN_MS / 1000, hello_s
    assert re.search(r"\(d1\) " + RESULT, out), out
    assert status == 0
