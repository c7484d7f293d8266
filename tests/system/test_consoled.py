"""sable-consoled, the PV console daemon for domUs, in dom0 on Sable
(docs/console.md): started by dom0's init after xenstored and confined;
the guests image carries the domU kernel, initramfs and /etc/xen
configurations; sable.autostart= runs `xl create` and the boot goes on
whether it works or not; a created domU's console through `xl console`."""
import os
import re

import pytest

import xenref
from qemu import build, cache
from scenarios import SABLE, sable_machine
from test_dom0 import BOOT_TIMEOUT, DOM0_ARGS, no_kernel_trouble

KERNEL = cache("vmlinuz")
GUESTS_INITRD = build("dom0-guests-initrd.cpio.gz")


def need(*paths):
    missing = xenref.missing(SABLE, KERNEL, *paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def boot(name, initrd, bootargs=""):
    return sable_machine(name, KERNEL, mem=2048,
                         cmdline="dom0_mem=512M dom0_max_vcpus=2",
                         bootargs=f"{DOM0_ARGS} {bootargs}".strip(),
                         initrd=initrd).start()


@pytest.fixture(scope="module")
def demo():
    """dom0 from the guests image with sable.autostart=demo, at its
    prompt; (machine, result of the autostart line)."""
    need(GUESTS_INITRD)
    m = boot("sable-consoled-demo", GUESTS_INITRD, "sable.autostart=demo")
    try:
        m.expect(r"sable-init: (domain demo started|xl create "
                 r"/etc/xen/demo.cfg failed[^\r\n]*)", timeout=BOOT_TIMEOUT)
        started = m.child.match.group(1).startswith("domain demo started")
        xenref.wait_ready(m, timeout=BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        yield m, started
        m.sendline("poweroff")
        m.wait_exit(timeout=BOOT_TIMEOUT)
    finally:
        m.close()
    assert m.errors() == []
    no_kernel_trouble(m.output())


def dom0_status(m, field, pid):
    rc, out = xenref.shell(m, f"sed -n 's/^{field}:[[:space:]]*//p' "
                              f"/proc/{pid}/status")
    assert rc == 0, out
    return out.strip()


def test_consoled_starts_after_xenstored_confined(demo):
    m, _ = demo
    out = m.output()
    assert out.index("sable-init: starting xenstored") < \
        out.index("sable-init: starting sable-consoled") < \
        out.index("sable-init: xl create /etc/xen/demo.cfg")
    rc, pid = xenref.shell(m, "pidof sable-consoled")
    assert rc == 0, pid
    pid = pid.split()[0]
    rc, log = xenref.shell(m, "cat /var/log/xen/consoled.log")
    assert "sable-consoled: serving (logs in /var/log/xen/console" in log, log
    assert dom0_status(m, "NoNewPrivs", pid) == "1"
    assert dom0_status(m, "CapEff", pid) == "0000000000000000"
    assert dom0_status(m, "CapBnd", pid) == "0000000000000000"
    rc, out = xenref.shell(m, "test -d /var/log/xen/console")
    assert rc == 0
    # Its two xenstored connections are up, watching domains.
    rc, out = xenref.shell(m, "ls -l /proc/%s/fd | grep -c socket" % pid)
    assert rc == 0 and int(out.strip()) == 2, out


def test_guests_image_carries_the_domu_and_its_configs(demo):
    m, _ = demo
    rc, out = xenref.shell(m, "wc -c </var/lib/xen/images/vmlinuz")
    assert rc == 0 and int(out.strip()) == os.path.getsize(KERNEL), out
    rc, out = xenref.shell(
        m, "md5sum /var/lib/xen/images/domu-initrd.cpio.gz")
    with open(xenref.DOMU_INITRD, "rb") as f:
        import hashlib
        assert hashlib.md5(f.read()).hexdigest() in out, out
    rc, out = xenref.shell(m, "grep -v '^#' /etc/xen/demo.cfg")
    assert rc == 0
    for want in ['name = "demo"', "memory = 256", "vcpus = 2",
                 'kernel = "/var/lib/xen/images/vmlinuz"',
                 'ramdisk = "/var/lib/xen/images/domu-initrd.cpio.gz"',
                 "console=hvc0"]:
        assert want in out, want
    rc, out = xenref.shell(m, "ls /etc/xen")
    assert "xlexample.linux" in out


def test_autostart_reports_and_the_boot_goes_on(demo):
    """Whether `xl create` worked or not, dom0's shell is up and the
    result was said on the console."""
    m, started = demo
    out = m.output()
    assert "sable-init: xl create /etc/xen/demo.cfg" in out
    if not started:
        assert re.search(r"xl create /etc/xen/demo.cfg failed \(exit "
                         r"status \d+\)", out)
    rc, out = xenref.shell(m, "echo still-here")
    assert rc == 0 and "still-here" in out


def test_demo_domu_shell_through_xl_console(demo):
    """The demo domU's PV console: a pty in console/tty, a log that fills
    with its boot, and its shell on hvc0 through `xl console`, left with
    Ctrl-]."""
    m, started = demo
    if not started:
        pytest.skip("xl create did not start the demo domU (the toolstack "
                    "and the hypervisor's domain building are not in this "
                    "build)")
    rc, domid = xenref.shell(m, "xl domid demo")
    assert rc == 0, domid
    domid = domid.strip()
    rc, tty = xenref.shell(m, f"xenstore-read /local/domain/{domid}/"
                              "console/tty")
    assert rc == 0 and tty.strip().startswith("/dev/pts/"), tty
    deadline = BOOT_TIMEOUT
    ok, out = False, ""
    while deadline > 0 and not ok:
        rc, out = xenref.shell(m, "grep -c SABLE-INIT-READY "
                                  "/var/log/xen/console/guest-demo.log")
        ok = rc == 0
        if not ok:
            xenref.shell(m, "sleep 2")
            deadline -= 3
    assert ok, out
    m.sendline("xl console demo")
    m.sendline("")
    m.expect(r"domu:[^\r\n]*# ", timeout=60)
    m.sendline("echo hello-from-$(hostname)")
    m.expect("hello-from-domu", timeout=30)
    m.send("\x1d")
    m.sendline("")
    xenref.wait_prompt(m)
    rc, out = xenref.shell(m, "hostname")
    assert out.strip() == "dom0", out


def test_boot_time_enhanced_domu_gets_a_console():
    pytest.skip("boot-time domUs are given no PV console page by the "
                "hypervisor yet; their console is the emulated UART")


def test_consoled_off_with_sable_consoled_0():
    need(xenref.DOM0_INITRD)
    m = boot("sable-consoled-off", xenref.DOM0_INITRD, "sable.consoled=0")
    try:
        xenref.wait_ready(m, timeout=BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = xenref.shell(m, "pidof sable-consoled")
        assert rc != 0, out
        rc, out = xenref.shell(m, "pidof xenstored")
        assert rc == 0, out
        m.sendline("poweroff")
        status = m.wait_exit(timeout=BOOT_TIMEOUT)
    finally:
        m.close()
    assert "starting sable-consoled" not in m.output()
    assert m.errors() == []
    assert status == 0
