"""A guest that tries to hold the hypervisor and flood its console
(guests/attack_time) beside a well-behaved one (guests/hello): its long
hypercalls are split into pieces (its timer is taken in the middle of
them), its console output carries no terminal control and cannot forge a
hypervisor line, the log lines it causes are bounded, and the bystander
runs to its end (docs/bounded-time.md)."""
import re

import dom0less
from qemu import Machine
from scenarios import SABLE, guest, sable_machine

TIMEOUT = 150
MAX_ATTACKER_LOG_LINES = 50
# 64 KiB burst + 16 KiB/s: far less than the 1 MiB written.
MAX_ATTACKER_CONSOLE_BYTES = 256 * 1024


def run_attack():
    doms = [dom0less.Domain("attack", guest("attack_time")),
            dom0less.Domain("hello", guest("hello"))]
    addrs = dom0less.module_addrs(doms)
    dtb = dom0less.compile_dtb("sable-attack-time",
                               dom0less.chosen_dts(doms, addrs), mem=1024)
    extra = []
    for d, addr in zip(doms, addrs):
        extra += dom0less.loader_args(d.kernel, addr)
    m = Machine("sable-attack-time", SABLE, mem=1024, append="", dtb=dtb,
                extra=extra).start()
    try:
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    return m, status


def test_attacker_is_bounded_in_time_and_output():
    m, status = run_attack()
    out = m.output()
    lines = [l.rstrip("\r") for l in out.splitlines()]
    d1 = [l for l in lines if l.startswith("(d1) ")]

    # Both domains ran to their end, the machine stopped cleanly.
    assert re.search(r"\(d1\) GUEST-RESULT: \d+ passed, 0 failed", out), out
    assert "(d1) GUEST-TEST gnttab_copy_is_split: PASS" in out
    assert "(d1) GUEST-TEST console_write_1mib_is_split: PASS" in out
    assert "(d1) GUEST-TEST gnttab_copy_huge_count_ends_cleanly: PASS" in out
    assert re.search(r"\(d2\) GUEST-RESULT: \d+ passed, 0 failed", out), out
    assert "no domain left: powering off (status 0)" in out
    assert status == 0
    assert m.errors() == []

    # No terminal control from the attacker reaches the console.
    for l in d1:
        bad = [c for c in l if (ord(c) < 0x20 and c != "\t") or
               0x7f <= ord(c) <= 0x9f or c == "\ufffd"]
        assert not bad, repr(l)
    assert "\x1b" not in out and "\x9b" not in out
    # Forged hypervisor lines stay behind the domain's prefix.
    assert "(d1) attack: ctl sable: warning: forged by the guest" in out
    assert "(d1) attack: sable: forged at column 1" in out
    assert "(d1) attack: cr-onlysable: forged after cr" in out
    assert not [l for l in lines if l.startswith("sable:") and
                "forged" in l]

    # Output and log lines the attacker caused are bounded.
    assert "(d1) ... output suppressed" in out
    assert sum(len(l) + 1 for l in d1) < MAX_ATTACKER_CONSOLE_BYTES
    d1_log = [l for l in lines if re.match(r"sable: guest: (\w+: )?d1\b", l)]
    assert len(d1_log) < MAX_ATTACKER_LOG_LINES, "\n".join(d1_log)
    assert re.search(r"sable: guest: d1: \d+ messages suppressed", out)


def test_attacker_as_dom0_reservations_are_split():
    """The same guest as dom0: reservations of 4096 extents (dom0 only)
    and the huge grant copy come back as one call each, split into
    pieces; its log lines are bounded too."""
    m = sable_machine("sable-attack-time-dom0", guest("attack_time"))
    try:
        m.start()
        m.expect(r"GUEST-RESULT: \d+ passed, \d+ failed", timeout=TIMEOUT)
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    lines = [l.rstrip("\r") for l in out.splitlines()]
    assert re.search(r"GUEST-RESULT: \d+ passed, 0 failed", out), out
    for name in ["reservation_decrease_is_split",
                 "reservation_populate_is_split", "reservation_page_back",
                 "gnttab_copy_is_split"]:
        assert f"GUEST-TEST {name}: PASS" in out, name
    d0_log = [l for l in lines if re.match(r"sable: guest: (\w+: )?d0\b", l)]
    assert len(d0_log) < MAX_ATTACKER_LOG_LINES, "\n".join(d0_log)
    assert re.search(r"sable: guest: d0: \d+ messages suppressed", out)
    assert m.errors() == []
    assert status == 0
