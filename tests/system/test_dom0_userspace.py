"""dom0 userspace on Sable: Debian's xenstore-utils against Sable's
xenstored (socket and kernel xenbus), and /dev/xen/evtchn driven from a
program (a loopback channel notified, read and unmasked many times)."""
import xenref
from test_dom0 import BOOT_TIMEOUT, dom0, need, no_kernel_trouble


def run_dom0_test(name):
    need()
    m = dom0(f"sable-dom0-{name}", bootargs=f"sable.test={name}", net=False)
    with m:
        passed, lines = xenref.wait_test(m, timeout=BOOT_TIMEOUT)
        out = m.output()
        errors = m.errors()
    assert errors == []
    assert passed, lines
    no_kernel_trouble(out)
    return out


def test_xenstore_utils_against_sable_xenstored():
    out = run_dom0_test("xenstore")
    assert "check: ok   xenstore-read /test/a is hello" in out
    assert "check: ok   socket write, kernel read" in out
    assert "check: ok   xenstored confined: seccomp, no new privileges" in out
    assert "check: ok   xenstored's root is its socket's directory" in out
    assert "check: ok   xenstored still serving, refused no" in out
    assert "check: ok   xenstored waits in its restricted io_uring" in out
    assert "check: ok   a second xenstored serves as user 65534" in out



def test_evtchn_loopback_from_userspace():
    out = run_dom0_test("evtchn")
    assert "check: ok   evtchn-test: 1000 rounds" in out
    assert "evtchn-test: PASS 100 notifications delivered" in out
