"""Reference runs: plain Linux and Debian's Xen 4.17 under Sable's QEMU.

Boots the same Debian arm64 kernel and Sable initramfs (dom0-tools/rootfs)
that Sable runs, either directly on QEMU or as dom0 of the reference Xen,
so that every system test has a known-good counterpart. Also: the test disk
with a known pattern, the virtio disk and NIC arguments, a console shell
helper and the host CPU time of a QEMU process.

    m = boot_xen("xen-dom0", dom0_bootargs=DOM0_BOOTARGS + " sable.test=smoke")
    wait_test(m)      # -> (passed, failed check lines)
"""
import hashlib
import itertools
import os
import re
import shutil
import time

from qemu import BUILD, Machine, Module, build, cache

XEN = cache("xen")
KERNEL = cache("vmlinuz")
DOM0_INITRD = build("dom0-initrd.cpio.gz")
DOMU_INITRD = build("domu-initrd.cpio.gz")

RAM_BASE = 0x40000000
MiB = 1 << 20

# dtuart names QEMU virt's PL011. The defaults are enough under TCG: Xen
# hands over to dom0 about 0.4 s after QEMU starts.
XEN_BOOTARGS = ("dom0_mem=512M console=dtuart dtuart=/pl011@9000000 "
                "loglvl=all guest_loglvl=all")
DOM0_BOOTARGS = "console=hvc0 earlycon=xenboot"
LINUX_BOOTARGS = "console=ttyAMA0"

READY = "SABLE-INIT-READY"
PROMPT = r"(dom0|domu):[^\r\n]*# "
RESULT_RE = r"SABLE-TEST-RESULT: (PASS|FAIL)[^\r\n]*"

# Xen prints this banner on QEMU (no firmware SMCCC workaround): not an error.
XEN_FIRMWARE_WARNING = re.compile(
    r"\(XEN\) \*\*\*\* (No support for ARM_SMCCC_ARCH_WORKAROUND|Please update"
    r"|Guests without CPU erratum|Only trusted guests)")


def missing(*paths):
    """The paths (files) among those given that do not exist."""
    return [p for p in paths if not os.path.exists(p)]


def qemu_missing():
    """A reason string if qemu-system-aarch64 is not installed, else None."""
    if shutil.which("qemu-system-aarch64") is None:
        return "qemu-system-aarch64 not installed"
    return None


def _align_up(x, a):
    return (x + a - 1) & ~(a - 1)


def module_addresses(mem, *paths):
    """Load addresses for guest-loader modules, one per path, in order.

    QEMU puts its DTB at RAM + min(mem/2, 128 MiB) when -kernel has no
    -initrd; modules start 16 MiB above it, each 2 MiB aligned with a 2 MiB
    gap, so any arm64 Image and initrd fit while RAM lasts.
    """
    dtb = RAM_BASE + min(mem * MiB // 2, 128 * MiB)
    addr = dtb + 16 * MiB
    out = []
    for p in paths:
        out.append(addr)
        addr = _align_up(addr + os.path.getsize(p), 2 * MiB) + 2 * MiB
    if addr > RAM_BASE + mem * MiB:
        raise ValueError(f"modules do not fit in {mem} MiB of RAM")
    return out


def _qemu_opt(value):
    """Escape a value for QEMU's -device option syntax (',' -> ',,')."""
    return value.replace(",", ",,")


def net_args(netdev_id="n0"):
    """A virtio-mmio NIC on QEMU user networking (slirp)."""
    return ["-netdev", f"user,id={netdev_id}",
            "-device", f"virtio-net-device,netdev={netdev_id}"]


def disk_args(path, drive_id="d0", readonly=False):
    """A raw image as a virtio-mmio block device (/dev/vda for the first)."""
    ro = ",readonly=on" if readonly else ""
    return ["-drive", f"if=none,file={path},format=raw,id={drive_id}{ro}",
            "-device", f"virtio-blk-device,drive={drive_id}"]


def _devices(extra, net):
    # Without any -netdev/-nic QEMU adds a PCI NIC whose option ROM is not
    # installed here; give it ours or none.
    return (net_args() if net else ["-nic", "none"]) + list(extra)


class TestDisk:
    """A raw disk image whose sector i holds 'sable-disk sector %08d\\n'
    repeated and cut at 512 bytes (what /tests/disk.sh checks)."""

    __test__ = False  # not a pytest class

    def __init__(self, path, size, md5):
        self.path, self.size, self.md5 = path, size, md5

    def bootargs(self, dev=None):
        """Command line words telling /tests/disk.sh what to expect."""
        s = f"sable.disk_md5={self.md5} sable.disk_size={self.size}"
        return s + (f" sable.disk_dev={dev}" if dev else "")

    def args(self, drive_id="d0", readonly=False):
        return disk_args(self.path, drive_id, readonly)


def sector_pattern(i):
    line = b"sable-disk sector %08d\n" % i
    return (line * (512 // len(line) + 1))[:512]


def make_test_disk(path=None, size=16 * MiB):
    """(Re)write the pattern disk; return a TestDisk with its md5. The
    default path is shared: attach it read-only, or pass a path of your own
    for a disk the guest may write."""
    if size % 512:
        raise ValueError("disk size must be a multiple of 512")
    path = path or build("disks", "pattern.img")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    md5 = hashlib.md5()
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        for first in range(0, size // 512, 2048):
            chunk = b"".join(sector_pattern(i) for i in
                             range(first, min(first + 2048, size // 512)))
            md5.update(chunk)
            f.write(chunk)
    os.replace(tmp, path)
    return TestDisk(path, size, md5.hexdigest())


def boot_linux(name, kernel=KERNEL, initrd=DOM0_INITRD,
               append=LINUX_BOOTARGS, smp=2, mem=2048, extra=(), net=True):
    """Boot a kernel directly on QEMU (no hypervisor); return the started
    Machine. The console is the PL011 (ttyAMA0)."""
    a = ["-initrd", initrd] if initrd else []
    m = Machine(name, kernel, smp=smp, mem=mem, append=append,
                extra=a + _devices(extra, net))
    return m.start()


def boot_xen(name, dom0_kernel=KERNEL, dom0_initrd=DOM0_INITRD,
             dom0_bootargs=DOM0_BOOTARGS, xen_bootargs=XEN_BOOTARGS,
             smp=2, mem=2048, extra=(), net=True, xen=XEN):
    """Boot Debian's Xen 4.17 with any arm64 Image as dom0 (plus an optional
    initrd) given as guest-loader modules; return the started Machine.
    Xen's and dom0's consoles both come out on the PL011."""
    paths = [dom0_kernel] + ([dom0_initrd] if dom0_initrd else [])
    addrs = module_addresses(mem, *paths)
    mods = [Module(addrs[0], dom0_kernel, "kernel",
                   _qemu_opt(dom0_bootargs))]
    if dom0_initrd:
        mods.append(Module(addrs[1], dom0_initrd, "initrd"))
    m = Machine(name, xen, smp=smp, mem=mem, append=xen_bootargs,
                modules=mods, extra=_devices(extra, net))
    return m.start()


def wait_ready(m, timeout=90):
    """Wait for the initramfs to finish /init; return seconds since start."""
    m.expect(READY, timeout=timeout)
    return time.monotonic() - m.started


def wait_prompt(m, timeout=30):
    m.expect(PROMPT, timeout=timeout)


def wait_test(m, timeout=90):
    """Wait for the result of a sable.test= run and for QEMU to exit.
    Returns (passed, lines) where lines are the 'check: FAIL' lines and the
    result line."""
    m.expect(RESULT_RE, timeout=timeout)
    passed = m.child.match.group(1) == "PASS"
    m.wait_exit(timeout=30)
    out = m.output()
    lines = [l.rstrip("\r") for l in out.splitlines()
             if l.startswith(("check: FAIL", "SABLE-TEST-RESULT:"))]
    return passed, lines


_tags = itertools.count(1)


def _echo_end(text, echo):
    """Index just past the last @echo in @text, where the line editor may
    have broken the echo with newlines; 0 if it is not there."""
    idx = [i for i, c in enumerate(text) if c != "\n"]
    flat = "".join(text[i] for i in idx)
    at = flat.rfind(echo)
    return idx[at + len(echo) - 1] + 1 if at >= 0 else 0


# A kernel or hypervisor message, or a domU's console line passed on by the
# hypervisor, that the console printed in the middle of a command's output
# (it may start mid-line: the kernel does not know where the cursor is).
CONSOLE_MESSAGE = re.compile(
    r"(\[ *\d+\.\d+\] |\(XEN\) |sable: |\(d\d+\) )[^\n]*\n")


def shell(m, cmd, timeout=30, console_messages=False):
    """Run one command line on the console shell (its prompt must be up);
    return (exit status, output). The output excludes the echoed command
    and, unless console_messages, kernel and hypervisor messages that came
    in between (pass True for commands that print such lines: dmesg)."""
    tag = next(_tags)
    m.sendline(f"{cmd}; printf '%s=%d\\n' SABLE-RC-{tag} $?")
    m.expect(rf"SABLE-RC-{tag}=(\d+)\s", timeout=timeout)
    rc = int(m.child.match.group(1))
    # The echoed command line may be wrapped by the shell's line editor:
    # the output starts after the end of its echo.
    before = m.child.before.replace("\r", "")
    out = before[_echo_end(before, f"SABLE-RC-{tag} $?"):]
    out = out[1:] if out.startswith("\n") else out
    if not console_messages:
        out = CONSOLE_MESSAGE.sub("", out)
    m.expect(PROMPT, timeout=timeout)
    return rc, out


def errors(m):
    """Machine.errors() without Xen's firmware banner seen on QEMU."""
    return [l for l in m.errors() if not XEN_FIRMWARE_WARNING.search(l)]


def _sched_runtime(pid):
    """Sum of se.sum_exec_runtime (ms, microsecond precision) over the
    process's threads, in seconds; None where /proc/PID/task/*/sched is
    not available."""
    total = 0.0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
        for tid in tids:
            with open(f"/proc/{pid}/task/{tid}/sched") as f:
                for line in f:
                    if line.startswith("se.sum_exec_runtime"):
                        total += float(line.split(":")[1])
                        break
    except (OSError, ValueError, IndexError):
        return None
    return total / 1000.0


def cpu_seconds(pid):
    """CPU time consumed so far by a process, in seconds: the scheduler's
    precise per-thread run time where the kernel exposes it, else user plus
    system time in clock ticks (10 ms steps)."""
    precise = _sched_runtime(pid)
    if precise:
        return precise
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    # After "pid (comm) ": state is field 0, utime 11, stime 12 (proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_idle(m, seconds=10.0):
    """Host CPU used by the QEMU process of a running Machine over an idle
    period, as a fraction of one host CPU (0.25 = a quarter of a core)."""
    pid = m.child.pid
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu_seconds(pid), time.monotonic()
    return (c1 - c0) / (t1 - t0)


def record(name, text):
    """Append a measurement line to build/logs/<name>.txt."""
    os.makedirs(os.path.join(BUILD, "logs"), exist_ok=True)
    with open(os.path.join(BUILD, "logs", f"{name}.txt"), "a") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + text + "\n")
