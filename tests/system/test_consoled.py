"""sable-consoled, the PV console daemon for domUs, in dom0 on Sable
(docs/console.md): started by dom0's init after xenstored and confined;
the guests image carries the domU kernel, initramfs and /etc/xen
configurations; sable.autostart= runs `xl create` and the boot goes on
whether it works or not; a created domU's console through `xl console`."""
import hashlib
import os
import re
import time

import pytest

import dom0less
import xenref
from qemu import Machine, build, cache
from scenarios import SABLE, guest, sable_machine
from test_bootdomains import (DOM0_INITRD_ADDR, DOM0_KERNEL_ADDR,
                              LINUX_INITRD_ADDR, LINUX_KERNEL_ADDR, dom0_dts,
                              linux_domu_dts)
from test_bootdomains import boot as boot_with_domains
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
    assert started, out
    rc, out = xenref.shell(m, "echo still-here")
    assert rc == 0 and "still-here" in out


def test_demo_domu_shell_through_xl_console(demo):
    """The demo domU's PV console: a pty in console/tty, a log that fills
    with its boot, and its shell on hvc0 through `xl console`, left with
    Ctrl-]."""
    m, started = demo
    assert started, "xl create did not start the demo domU:\n" + m.output()
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


def poll(m, cmd, done, timeout=60):
    """Run @cmd in dom0 every half second until done(output); return
    (held, output). Lines of the domU's UART ("(d1) ...") are dropped."""
    deadline = time.monotonic() + timeout
    while True:
        rc, out = xenref.shell(m, cmd)
        out = "\n".join(l for l in out.splitlines()
                        if not l.startswith("(d"))
        if done(out) or time.monotonic() > deadline:
            return done(out), out
        time.sleep(0.5)


CONSRING_LOG = "/var/log/xen/console/guest-consring.log"


def test_consoled_serves_a_ring_granted_by_a_guest():
    """The real dom0 path, without a domain builder: a bare-metal
    boot-time guest grants its ring page at grant reference 0 and offers
    an unbound port to dom0, as a builder would make them; dom0 writes the
    console nodes a toolstack writes and restarts the daemon, which maps
    the page through gntdev, binds the port through evtchn and serves it:
    output before and after it came, input both ways through the pty and
    through the console client, a flood of 256 KiB with dom0 responsive
    meanwhile, and hostile indices refused with the daemon still
    serving."""
    need(guest("consring"), xenref.DOM0_INITRD)
    doms = [dom0less.Domain("consring", guest("consring"))]
    m = boot_with_domains("sable-consoled-ring", doms,
                          dom0=(KERNEL, xenref.DOM0_INITRD))
    try:
        g = m.expect(r"CONSRING gfn=0x([0-9a-f]+) port=(\d+)",
                     timeout=BOOT_TIMEOUT)
        gfn, port = int(g.group(1), 16), int(g.group(2))
        xenref.wait_ready(m, timeout=BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = xenref.shell(
            m, "xenstore-write /local/domain/1/name consring "
               f"/local/domain/1/console/ring-ref {gfn} "
               f"/local/domain/1/console/port {port}")
        assert rc == 0, out
        rc, out = xenref.shell(
            m, "kill $(pidof sable-consoled); sleep 1; (sable-consoled "
               "</dev/null >>/var/log/xen/consoled.log 2>&1 &)")
        assert rc == 0, out
        ok, out = poll(m, "cat /var/log/xen/consoled.log",
                       lambda o: "domain 1 (consring): console on" in o)
        assert ok, out
        rc, tty = xenref.shell(m, "xenstore-read "
                                  "/local/domain/1/console/tty")
        tty = tty.strip().splitlines()[-1]
        assert rc == 0 and tty.startswith("/dev/pts/"), tty
        ok, out = poll(m, f"cat {CONSRING_LOG}",
                       lambda o: "hello over the PV console" in o)
        assert ok, out
        rc, out = xenref.shell(m, f"printf 'ping\\r' >{tty}")
        assert rc == 0, out
        ok, out = poll(m, f"cat {CONSRING_LOG}", lambda o: "pong 1" in o)
        assert ok, out
        # The client (what `xl console` runs) through a pipe: what was
        # typed before Ctrl-] reaches the guest, its answer comes back,
        # Ctrl-] ends it with status 0.
        rc, out = xenref.shell(
            m, "(printf 'ping\\r'; sleep 2; printf '\\035') | "
               "sable-console 1 >/tmp/console.out")
        assert rc == 0, out
        rc, out = xenref.shell(m, "cat /tmp/console.out")
        assert "hello over the PV console" in out and "pong 2" in out, out
        # Idle, the daemon sleeps in epoll_wait.
        rc, out = xenref.shell(
            m, "p=$(pidof sable-consoled); t() { cut -d' ' -f14,15 "
               "/proc/$p/stat | tr ' ' +; }; a=$(($(t))); sleep 3; "
               "echo ticks=$(($(t) - a))")
        assert rc == 0 and re.search(r"ticks=[0-9]\b", out), out
        rc, out = xenref.shell(m, "sable-console 9; echo status=$?")
        assert "domain 9 has no console" in out and "status=1" in out, out
        # A flood: dom0's shell answers meanwhile, every byte is logged.
        rc, out = xenref.shell(m, f"printf 'flood\\r' >{tty}")
        rc, out = xenref.shell(m, "echo dom0-alive")
        assert rc == 0 and "dom0-alive" in out
        ok, out = poll(m, f"tail -c 64 {CONSRING_LOG}",
                       lambda o: "flood done: 262144 bytes" in o, timeout=120)
        assert ok, out
        rc, out = xenref.shell(m, f"wc -c <{CONSRING_LOG}")
        assert int(out.strip().splitlines()[-1]) >= 256 * 1024, out
        # Nobody read the pty: the overflow was dropped and counted.
        rc, out = xenref.shell(m, "cat /var/log/xen/consoled.log")
        assert re.search(r"domain 1: \d+ bytes of output not shown on "
                         r"/dev/pts/\d+ \(nobody reading", out), out
        assert out.count("bytes of output not shown") == 1, out
        rc, out = xenref.shell(m, f"printf 'bad\\r' >{tty}")
        ok, out = poll(m, "cat /var/log/xen/consoled.log",
                       lambda o: "domain 1: bad output indices" in o)
        assert ok, out
        rc, out = xenref.shell(m, "pidof sable-consoled")
        assert rc == 0, out
        m.sendline("poweroff")
        m.wait_exit(timeout=BOOT_TIMEOUT)
    finally:
        m.close()
    assert m.errors() == []
    no_kernel_trouble(m.output())


def test_boot_time_enhanced_domu_gets_a_console():
    """Debian's kernel as a boot-time domU with xen,enhanced and
    console=hvc0: the hypervisor gives it a PV console page (0x39000,
    grant 0) and port (2: the xenstore port is 1). `xl init-dom0less`
    writes its console nodes with its xenstore nodes at boot, so the
    daemon serves it with no step by hand: its boot fills the log (hvc_xen
    waits for room, so it boots only once the daemon reads), `xl console`
    finds its pty, and its shell answers through sable-console."""
    need(xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    name = "sable-consoled-enhanced"
    dts = linux_domu_dts(KERNEL, xenref.DOMU_INITRD, "console=hvc0",
                         vcpus=1, enhanced=True)
    dts += dom0_dts(KERNEL, xenref.DOM0_INITRD, xenref.DOM0_BOOTARGS)
    extra = (dom0less.loader_args(KERNEL, LINUX_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOMU_INITRD, LINUX_INITRD_ADDR) +
             dom0less.loader_args(KERNEL, DOM0_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOM0_INITRD, DOM0_INITRD_ADDR))
    dtb = dom0less.compile_dtb(name, dts, mem=2048)
    m = Machine(name, SABLE, mem=2048, append="dom0_mem=512M", dtb=dtb,
                extra=extra).start()
    try:
        xenref.wait_ready(m, timeout=BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = xenref.shell(
            m, "xenstore-read /local/domain/1/console/ring-ref "
               "/local/domain/1/console/port")
        assert rc == 0 and out.split() == ["233472", "2"], out
        ok, out = poll(m, "cat /var/log/xen/consoled.log",
                       lambda o: "domain 1 (domU1): console on" in o)
        assert ok, out
        ok, out = poll(m, "cat /var/log/xen/console/guest-domU1.log",
                       lambda o: "SABLE-INIT-READY" in o,
                       timeout=BOOT_TIMEOUT)
        assert ok, out
        rc, out = xenref.shell(
            m, "(sleep 1; printf 'echo hi-$((6*7))\\r'; sleep 3; "
               "printf '\\035') | sable-console 1", timeout=60)
        assert rc == 0 and "hi-42" in out, out
        m.sendline("poweroff")
        m.wait_exit(timeout=BOOT_TIMEOUT)
    finally:
        m.close()
    assert m.errors() == []
    no_kernel_trouble(m.output())


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
