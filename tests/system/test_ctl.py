"""The control interface from dom0 (docs/toolstack.md): dom0-tools/ctl-test
creates, loads, builds and starts a domain at run time through libsable and
privcmd, checks error answers, a 3 MiB load that continues in pieces and
the hypervisor's console history."""
import re

import xenref
from test_dom0 import BOOT_TIMEOUT, dom0, need, no_kernel_trouble


def test_domain_built_at_run_time_from_dom0():
    need()
    m = dom0("sable-dom0-ctl", bootargs="sable.test=ctl", net=False)
    with m:
        passed, lines = xenref.wait_test(m, timeout=BOOT_TIMEOUT)
        out = m.output()
        errors = m.errors()
    assert errors == []
    assert passed, lines
    no_kernel_trouble(out)
    assert "ctl-test: PASS (0 failed)" in out
    for what in ("create: empty name", "create: name in use",
                 "create: above free", "load: ramdisk before the kernel",
                 "build", "unpause starts it", "guest ran and powered off",
                 "console history has the guest's output",
                 "load a 3 MiB ramdisk", "build rt-big"):
        assert f"ctl-test: ok   {what}" in out, what
    # Built by the one builder: its log line, then the guest's own output.
    m1 = re.search(r"sable: domain (\d+) \(rt-hello\): 1 vCPUs, 32 MiB at "
                   r"0x40000000 .*PV console, xenstore", out)
    assert m1, out[-3000:]
    assert f"(d{m1.group(1)}) hello: bare-metal guest up" in out
    assert re.search(rf"domain {m1.group(1)} \(rt-hello\) shut down: "
                     r"poweroff", out)
