"""Two bare-metal boot-time domains (no dom0) ping-pong 10,000 times over an
interdomain event channel and share a granted page (map, copy, unmap and
the errors around them), on Sable and, with the same guests and the same
device tree, on Xen 4.17."""
import re

import pytest

import dom0less
import xenref
from qemu import cache
from scenarios import SABLE, guest

ROUNDS = 10000
UPCALLS = 10000
TIMEOUT = 400  # Xen blocks in SCHEDOP_poll: slow on a busy host
RESULT = dom0less.RESULT
# Checks each role makes (guests/pingpong): the counts must not shrink.
CLIENT_CHECKS = 11
SERVER_CHECKS = 7


def domains():
    return dom0less.pingpong_domains(ROUNDS, UPCALLS)


def check_results(out):
    doms = dom0less.parse_pingpong(out)
    assert set(doms) >= {1, 2}, out
    server, client = doms[1], doms[2]
    assert server["fails"] == [] and client["fails"] == [], out
    assert server.get("result") == (SERVER_CHECKS, 0), out
    assert client.get("result") == (CLIENT_CHECKS, 0), out
    assert int(client["pingpong"]["rounds"]) == ROUNDS
    assert int(server["upcall"]["sends"]) == UPCALLS
    return server, client


def test_pingpong_on_xen():
    missing = xenref.missing(guest("pingpong"), cache("xen"))
    reason = dom0less.tools_missing()
    if missing or reason:
        pytest.skip("missing: " + ", ".join(missing or [reason]))
    m = dom0less.boot("xen-interdomain", cache("xen"), dom0less.XEN_CMDLINE,
                      domains())
    try:
        # Without dom0, Xen keeps running when both domains have ended.
        for _ in range(2):
            m.expect(RESULT, timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert xenref.errors(m) == []
    _, client = check_results(out)
    # Xen blocks the waiting side in SCHEDOP_poll.
    assert client["pingpong"]["wait"] == "poll", out


def _sable_runs_dom0less(out):
    return re.search(r"sable: domain 1 \(\S+\): .*vpl011", out) is not None


def test_pingpong_on_sable():
    missing = xenref.missing(SABLE, guest("pingpong"))
    reason = dom0less.tools_missing()
    if missing or reason:
        pytest.skip("missing: " + ", ".join(missing or [reason]))
    m = dom0less.boot("sable-interdomain", SABLE, dom0less.SABLE_CMDLINE,
                      domains())
    try:
        for _ in range(2):
            m.expect(RESULT, timeout=TIMEOUT)
        status = m.wait_exit(timeout=60)
    except Exception:
        out = m.output()
        assert _sable_runs_dom0less(out), (
            "Sable did not build boot-time domain 1 (no 'sable: domain 1 "
            "(...): ... vpl011' line); output tail:\n" + out[-3000:])
        raise
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    _, client = check_results(out)
    # Sable blocks the waiting side in SCHEDOP_poll, as Xen does.
    assert client["pingpong"]["wait"] == "poll", out
    assert "no domain left: powering off" in out
    assert status == 0
