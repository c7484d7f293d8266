"""Time slices (docs/scheduler.md): on one pCPU, a boot-time domain
spinning with interrupts masked does not keep the others from running."""
import re

import pytest

import dom0less
import xenref
from scenarios import SABLE, guest

SPIN_MS = 10000
TIMEOUT = 90


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def test_a_spinning_domain_does_not_starve_its_neighbours():
    """-smp 1. domU1 spins 10 s with interrupts masked. domU2 waits 1 s
    (so domU1 is surely spinning), then makes its hypercalls; it and
    domU3 (hello) finish while domU1 still spins."""
    need(SABLE, guest("spin"), guest("hello"))
    doms = [dom0less.Domain("spin", guest("spin"), f"spin.ms={SPIN_MS}"),
            dom0less.Domain("work", guest("spin"),
                            "spin.work=1000 spin.delay=1000"),
            dom0less.Domain("hello", guest("hello"))]
    m = dom0less.boot("sable-sched-spin", SABLE, dom0less.SABLE_CMDLINE,
                      doms, smp=1)
    try:
        m.expect(r"\(d1\) spin: done", timeout=TIMEOUT)
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == [], out
    assert set(re.findall(r"\(d(\d)\) GUEST-RESULT", out)) == \
        {"1", "2", "3"}, out
    for d in "123":
        assert re.search(rf"\(d{d}\) GUEST-RESULT: \d+ passed, 0 failed",
                         out), out
    spinning = out.index("(d1) spin: spinning")
    done = out.index("(d1) spin: done")
    work = re.search(r"\(d2\) GUEST-RESULT", out).start()
    hello = re.search(r"\(d3\) GUEST-RESULT", out).start()
    assert spinning < work < done, out
    assert hello < done, out
    gaps = re.search(r"\(d1\) spin: done after (\d+) ms, descheduled (\d+) "
                     r"times, longest (\d+) ms", out)
    assert gaps and int(gaps.group(2)) >= 1, out
    assert status == 0
