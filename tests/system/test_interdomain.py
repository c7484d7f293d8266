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
TIMEOUT = 240
RESULT = r"GUEST-RESULT: (\d+) passed, (\d+) failed"
# Checks each role makes (guests/pingpong): the counts must not shrink.
CLIENT_CHECKS = 11
SERVER_CHECKS = 7


def domains(rounds=ROUNDS, upcalls=UPCALLS, extra=""):
    """The ping-pong pair: server domain 1, client domain 2."""
    image = guest("pingpong")
    common = f"pingpong.rounds={rounds} pingpong.upcalls={upcalls} {extra}"
    return [dom0less.Domain("server", image,
                            f"pingpong.role=server pingpong.peer=2 {common}"),
            dom0less.Domain("client", image,
                            f"pingpong.role=client pingpong.peer=1 {common}")]


def parse(out):
    """Per-domain results from a console log, Xen's ("(XEN) DOMn: ") or
    Sable's ("(dn) ") line prefix: {domid: {"result": (passed, failed),
    "pingpong": {...}, "upcall": {...}, "fails": [lines]}}."""
    doms = {}
    for line in out.splitlines():
        m = re.match(r"(?:\(XEN\) DOM(\d+): |\(d(\d+)\) )(.*)", line.strip())
        if not m:
            continue
        domid = int(m.group(1) or m.group(2))
        text = m.group(3)
        d = doms.setdefault(domid, {"fails": []})
        r = re.match(RESULT, text)
        if r:
            d["result"] = (int(r.group(1)), int(r.group(2)))
        for key, tag in (("pingpong", "PINGPONG"), ("upcall", "UPCALL")):
            if text.startswith(tag + " "):
                d[key] = dict(kv.split("=", 1) for kv in text.split()[1:])
        if ": FAIL" in text:
            d["fails"].append(text)
    return doms


def check_results(out):
    doms = parse(out)
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
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or [xenref.qemu_missing()]))
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
    check_results(out)


def _sable_runs_dom0less(out):
    return re.search(r"sable: domain 1 \(\S+\): .*vpl011", out) is not None


def test_pingpong_on_sable():
    missing = xenref.missing(SABLE, guest("pingpong"))
    if missing:
        pytest.skip("not built: " + ", ".join(missing))
    m = dom0less.boot("sable-interdomain", SABLE, dom0less.SABLE_CMDLINE,
                      domains())
    try:
        for _ in range(2):
            m.expect(RESULT, timeout=TIMEOUT)
        status = m.wait_exit(timeout=60)
    except Exception:
        if not _sable_runs_dom0less(m.output()):
            pytest.xfail("dom0less not yet supported by Sable")
        raise
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    check_results(out)
    assert "no domain left: powering off" in out
    assert status == 0
