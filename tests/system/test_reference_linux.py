"""Reference runs: Debian's kernel and Sable's initramfs on plain QEMU and as
dom0 of Debian's Xen 4.17. What passes here is what Sable must match."""
import subprocess

import pexpect
import pytest

import xenref
from qemu import ROOT

BOOT_TIMEOUT = 90


def _need(*paths):
    why = xenref.qemu_missing()
    if why:
        pytest.skip(why)
    gone = xenref.missing(*paths)
    if gone:
        pytest.skip("not available: " + ", ".join(gone) + " (run: make setup)")


@pytest.fixture(scope="module")
def initrds():
    """Both images, built here if `make build` has not done it yet."""
    _need(xenref.KERNEL, xenref.cache("busybox"), xenref.cache("modules"))
    if xenref.missing(xenref.DOM0_INITRD, xenref.DOMU_INITRD):
        subprocess.run(["make", "-s", "initrd"], cwd=ROOT, check=True,
                       timeout=300)
    return xenref.DOM0_INITRD, xenref.DOMU_INITRD


@pytest.fixture(scope="module")
def disk():
    return xenref.make_test_disk()


def _scripted_linux(name, initrd, test, extra=(), args=""):
    append = f"{xenref.LINUX_BOOTARGS} sable.test={test} {args}".strip()
    with xenref.boot_linux(name, initrd=initrd, append=append,
                           extra=extra) as m:
        xenref.wait_ready(m, BOOT_TIMEOUT)
        passed, lines = xenref.wait_test(m, BOOT_TIMEOUT)
        assert passed, "\n".join(lines) + f"\n(log: {m.logpath})"
        assert xenref.errors(m) == []


def test_linux_dom0_image_smoke_passes(initrds):
    _scripted_linux("ref-linux-smoke", initrds[0], "smoke")


def test_linux_domu_image_smoke_passes(initrds):
    _scripted_linux("ref-linux-domu-smoke", initrds[1], "smoke")


def test_linux_reads_pattern_disk(initrds, disk):
    _scripted_linux("ref-linux-disk", initrds[0], "disk",
                    extra=disk.args(readonly=True), args=disk.bootargs())


def test_linux_idle_cpu_baseline(initrds):
    """Host CPU of an idle plain-Linux QEMU: the baseline for idle dom0."""
    with xenref.boot_linux("ref-linux-idle", initrd=initrds[0]) as m:
        xenref.wait_ready(m, BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        frac = xenref.measure_idle(m, 10.0)
        xenref.record("idle-cpu", f"plain-linux smp=2 idle 10s: "
                      f"{frac * 100:.1f}% of one host CPU")
        print(f"plain Linux idle: {frac * 100:.1f}% of one host CPU")
        assert 0.0 <= frac < 0.5
        m.sendline("poweroff")
        assert m.wait_exit(timeout=60) == 0


def test_xen_dom0_idle_cpu_reference(initrds):
    """Host CPU of QEMU running Xen 4.17 with an idle dom0 (for comparison
    with Sable's idle dom0)."""
    _need(xenref.XEN)
    with xenref.boot_xen("ref-xen-idle", dom0_initrd=initrds[0]) as m:
        xenref.wait_ready(m, BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        frac = xenref.measure_idle(m, 10.0)
        xenref.record("idle-cpu", f"xen-4.17 dom0 smp=2 idle 10s: "
                      f"{frac * 100:.1f}% of one host CPU")
        print(f"Xen 4.17 idle dom0: {frac * 100:.1f}% of one host CPU")
        assert 0.0 <= frac < 0.5


def test_linux_console_shell_has_job_control(initrds):
    """The console shell owns its terminal: background jobs and Ctrl-C."""
    with xenref.boot_linux("ref-linux-shell", initrd=initrds[0]) as m:
        xenref.wait_ready(m, BOOT_TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = xenref.shell(m, "sleep 60 & jobs; kill %1; tty")
        assert rc == 0 and "Running" in out and "/dev/ttyAMA0" in out, out
        m.sendline("sleep 60")
        m.expect("sleep 60")
        # The shell hands the terminal to the job a moment after echoing
        # the line; a ^C before that is the shell's. Repeat until it lands.
        for _ in range(10):
            m.child.sendcontrol("c")
            try:
                xenref.wait_prompt(m, timeout=2)
                break
            except pexpect.TIMEOUT:
                continue
        else:
            pytest.fail("Ctrl-C did not stop the foreground job")
        rc, out = xenref.shell(m, "echo alive")
        assert (rc, out.strip()) == (0, "alive")
        m.sendline("poweroff")
        assert m.wait_exit(timeout=60) == 0


def test_xen_dom0_interactive(initrds, disk):
    """Xen 4.17 boots the kernel as dom0: Xen found, control_d, modules,
    disk pattern, and a shell `poweroff` ends QEMU."""
    _need(xenref.XEN)
    args = f"{xenref.DOM0_BOOTARGS} {disk.bootargs()}"
    with xenref.boot_xen("ref-xen-dom0", dom0_initrd=initrds[0],
                         dom0_bootargs=args,
                         extra=disk.args(readonly=True)) as m:
        t = xenref.wait_ready(m, BOOT_TIMEOUT)
        xenref.record("boot-time", f"xen-4.17 dom0 to init ready: {t:.2f}s")
        xenref.wait_prompt(m)
        rc, out = xenref.shell(m, "dmesg | grep 'Xen .* support found'",
                                console_messages=True)
        assert rc == 0, out
        rc, out = xenref.shell(m, "cat /proc/xen/capabilities")
        assert (rc, out.strip()) == (0, "control_d")
        rc, out = xenref.shell(m, "tty")
        assert (rc, out.strip()) == (0, "/dev/hvc0")
        for script in ("xen-dom0", "smoke", "disk"):
            rc, out = xenref.shell(m, f"sh /tests/{script}.sh", timeout=60)
            assert rc == 0, out
        m.sendline("poweroff")
        assert m.wait_exit(timeout=60) == 0
        assert "Hardware Dom0 halted" in m.output()
        assert xenref.errors(m) == []


def test_xen_dom0_scripted_smoke(initrds):
    """The sable.test= path under Xen: as Sable's system tests will use it."""
    _need(xenref.XEN)
    with xenref.boot_xen("ref-xen-smoke", dom0_initrd=initrds[0],
                         dom0_bootargs=xenref.DOM0_BOOTARGS +
                         " sable.test=xen-dom0") as m:
        xenref.wait_ready(m, BOOT_TIMEOUT)
        passed, lines = xenref.wait_test(m, BOOT_TIMEOUT)
        assert passed, "\n".join(lines) + f"\n(log: {m.logpath})"
        assert xenref.errors(m) == []
