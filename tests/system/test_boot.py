"""Sable boots at EL2 and runs the bare-metal test guests; the same guests
run on Debian's Xen 4.17 as proof that they use the ABI as Xen defines it."""
import os
import re

import pytest

import xenref
from qemu import cache
from scenarios import SABLE, guest, sable_machine

GUEST_RESULT = r"GUEST-RESULT: (\d+) passed, (\d+) failed"
TIMEOUT = 60


def need(*paths):
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        pytest.skip("not built: " + ", ".join(missing))


def run_guest_on_sable(name, smp=2):
    need(SABLE, guest(name))
    m = sable_machine(f"sable-{name}-smp{smp}", guest(name), smp=smp)
    with m:
        m.expect(GUEST_RESULT, timeout=TIMEOUT)
        passed, failed = map(int, m.child.match.groups())
        status = m.wait_exit(timeout=TIMEOUT)
        out = m.output()
    return passed, failed, status, out, m.errors()


@pytest.mark.parametrize("smp", [2, 4])
def test_sable_boots_and_runs_first_guest(smp):
    passed, failed, status, out, errors = run_guest_on_sable("hello", smp)
    assert errors == []
    assert re.search(r"sable: Sable \S+ hypervisor", out)
    assert f"pCPUs: {smp} online of {smp}" in out
    assert re.search(r"RAM: 1024 MiB at 0x40000000, GIC: v3", out)
    assert passed >= 8 and failed == 0, out
    assert "domain 0 (Domain-0) shut down: poweroff" in out
    assert status == 0


def test_hostile_guest_gets_errors_and_sable_survives():
    passed, failed, status, out, errors = run_guest_on_sable("hostile")
    assert errors == []
    assert failed == 0 and passed >= 15, out
    assert "hostile: still alive" in out
    assert status == 0


def test_unexpected_el2_exception_is_decoded_and_stops():
    need(SABLE, guest("hello"))
    m = sable_machine("sable-el2-fault", guest("hello"),
                      cmdline="dom0_mem=64M sable.selftest=el2-fault")
    with m:
        status = m.wait_exit(timeout=TIMEOUT)
        out = m.output()
    assert re.search(r"UNEXPECTED EXCEPTION on pCPU 0: EL2h sync, EC 0x3c, "
                     r"ESR 0x[0-9a-f]+, ELR 0x[0-9a-f]+, FAR", out), out
    assert status == 2
    assert "GUEST-RESULT" not in out


def test_missing_dom0_kernel_is_a_clear_error():
    need(SABLE)
    from qemu import Machine
    m = Machine("sable-no-kernel", SABLE, mem=1024, append="dom0_mem=64M")
    with m:
        status = m.wait_exit(timeout=TIMEOUT)
        out = m.output()
    assert "no dom0 kernel module" in out
    assert status == 2


@pytest.mark.parametrize("name", ["hello", "hostile"])
def test_same_guest_passes_on_xen(name):
    need(guest(name), cache("xen"))
    m = xenref.boot_xen(f"xen-{name}", dom0_kernel=guest(name),
                        dom0_initrd=None, dom0_bootargs="",
                        xen_bootargs="dom0_mem=64M console=dtuart "
                        "dtuart=/pl011@9000000", mem=1024, net=False)
    try:
        m.expect(GUEST_RESULT, timeout=TIMEOUT)
        passed, failed = map(int, m.child.match.groups())
        out = m.output()
    finally:
        m.close()
    assert failed == 0 and passed >= (8 if name == "hello" else 14), out
