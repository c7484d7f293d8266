"""CPU state isolation between two boot-time domains sharing one pCPU
(docs/cpu-state.md): guests/cpustate as writer (pointer-authentication
keys, MDSCR_EL1, a breakpoint, SVE/SME attempts) and reader, yielding to
each other on QEMU's "max" CPU (PAuth, SVE, SME, MTE, RAS...) and on the
default Cortex-A57."""
import re

import pytest

import dom0less
import xenref
from scenarios import SABLE, guest

TIMEOUT = 90
RESULT = r"\(d(\d)\) GUEST-RESULT: (\d+) passed, (\d+) failed"


@pytest.mark.parametrize("cpu", ["max", "cortex-a57"])
def test_writer_state_never_reaches_reader_on_one_pcpu(cpu):
    missing = xenref.missing(SABLE, guest("cpustate"))
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))
    doms = [dom0less.Domain("writer", guest("cpustate"),
                            "cpustate.role=writer cpustate.rounds=40"),
            dom0less.Domain("reader", guest("cpustate"),
                            "cpustate.role=reader cpustate.rounds=40")]
    m = dom0less.boot(f"cpustate-{cpu}", SABLE, dom0less.SABLE_CMDLINE,
                      doms, smp=1, cpu=cpu)
    try:
        results = {}
        for _ in doms:
            r = m.expect(RESULT, timeout=TIMEOUT)
            results[int(r.group(1))] = (int(r.group(2)), int(r.group(3)))
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert not m.errors(), m.errors()
    fails = [l for l in out.splitlines() if ": FAIL" in l]
    assert not fails, fails
    assert set(results) == {1, 2}, results
    for domid, (passed, failed) in results.items():
        assert failed == 0 and passed >= 10, (domid, passed, failed)
    if cpu == "max":
        assert re.search(r"\(d1\) cpustate: role writer, 40 rounds, "
                         r"pauth 1", out), "PAuth not offered on max"
    assert status == 0, status


def test_dom0_vcpu_offline_then_online_runs_again():
    """PSCI CPU_OFF then CPU_ON of a dom0 vCPU with nothing else run on its
    pCPU in between: the new start must not find its previous state in the
    registers (vcpu_arch_unload)."""
    import test_dom0
    test_dom0.need()
    m = test_dom0.dom0("cpustate-dom0-hotplug", net=False)
    with m:
        xenref.wait_ready(m, timeout=test_dom0.BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        cpu1 = "/sys/devices/system/cpu/cpu1/online"
        for _ in range(2):
            rc, out = xenref.shell(m, f"echo 0 > {cpu1}; "
                                   "cat /sys/devices/system/cpu/online")
            assert rc == 0 and out.strip().endswith("0"), out
            rc, out = xenref.shell(m, f"echo 1 > {cpu1}; "
                                   "cat /sys/devices/system/cpu/online")
            assert rc == 0 and out.strip().endswith("0-1"), out
        errors = m.errors()
        out = m.output()
    assert errors == []
    test_dom0.no_kernel_trouble(out)
