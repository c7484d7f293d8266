"""Memory isolation under attack (docs/security.md): guests/attack_mem as
an attacker, a victim and a bystander, all boot-time domains. Every attempt to keep, reach or flush memory that is not the
attacker's fails, the victim's page holds what the victim wrote, the
bystander finishes its own work, the attacker's stage-2 tables come back
to their starting count, and Sable prints no error line. The same images
run on Debian's Xen 4.17."""
import re

import pytest

import dom0less
import xenref
from qemu import build
from scenarios import SABLE

TIMEOUT = 120
ATTACK = build("guests", "attack_mem.bin")
RESULT = r"GUEST-RESULT: (\d+) passed, (\d+) failed"


def domains():
    return [dom0less.Domain("victim", ATTACK,
                            "attack.role=victim attack.peer=2"),
            dom0less.Domain("attacker", ATTACK,
                            "attack.role=attacker attack.peer=1 "
                            "attack.self=2"),
            dom0less.Domain("bystander", ATTACK, "attack.role=bystander")]


def run(name, hypervisor, cmdline):
    m = dom0less.boot(name, hypervisor, cmdline, domains())
    try:
        for _ in range(3):
            m.expect(RESULT, timeout=TIMEOUT)
        if hypervisor == SABLE:
            m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    return m, dom0less.parse_pingpong(m.output())


def tables(out, dom):
    """(tables in use, peak) of domain @dom at build and at shutdown."""
    return [(int(t), int(p)) for t, p in re.findall(
        rf"domain {dom} \(domU{dom}\): p2m tables (\d+) \(peak (\d+)", out)]


def test_attacker_victim_and_bystander_on_sable():
    if dom0less.tools_missing():
        pytest.skip(dom0less.tools_missing())
    m, res = run("sable-attack-mem", SABLE, dom0less.SABLE_CMDLINE)
    out = m.output()
    assert m.errors() == []
    for d in (1, 2, 3):
        assert res[d]["fails"] == [], res[d]["fails"]
        assert res[d]["result"][1] == 0 and res[d]["result"][0] > 0, res[d]
    assert "(d2) GUEST-TEST stage2_budget_stops_growth: PASS" in out
    # The attacker's tables: held to its budget at the peak, and given
    # back with its far mappings (what is left maps its grant window,
    # shared_info and the split RAM blocks it ballooned).
    (start, _), (end, peak) = tables(out, 2)
    budget = int(re.search(r"domain 2 \(domU2\): p2m tables \d+ \(peak "
                           r"\d+, budget (\d+)\)", out).group(1))
    assert budget - 2 <= peak <= budget, out  # a populate needs 2
    assert start <= end <= start + 8, out
    # The others never grew past what their own work needs.
    for d in (1, 3):
        assert max(p for _, p in tables(out, d)) <= 8, out
    assert "no domain left: powering off (status 0)" in out


def test_same_images_on_xen():
    missing = xenref.missing(xenref.XEN)
    if missing or dom0less.tools_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [dom0less.tools_missing()]))
    m, res = run("xen-attack-mem", xenref.XEN, dom0less.XEN_CMDLINE)
    for d in (1, 2, 3):
        assert res[d]["fails"] == [], res[d]["fails"]
        assert res[d]["result"][1] == 0, res[d]
