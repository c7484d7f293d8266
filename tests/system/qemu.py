#!/usr/bin/env python3
"""QEMU launcher shared by the system tests, the benchmarks and `make run`.

A Machine boots qemu-system-aarch64 (virt, virtualization=on, GICv3) with
the console on stdio, keeps the whole console log in build/logs/<name>.log,
and fails on any hypervisor error line.
"""
import os
import re
import shutil
import subprocess
import sys
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
CACHE = os.environ.get("SABLE_CACHE", os.path.expanduser("~/.cache/sable"))
LOGDIR = os.path.join(BUILD, "logs")
# QEMU's CPU model unless a test names one; SABLE_CPU=max runs a suite on
# the model with every feature QEMU has (PAuth, SVE, SME, MTE, RAS...).
DEFAULT_CPU = os.environ.get("SABLE_CPU", "cortex-a57")

# Any of these in a console log fails the test that produced it.
ERROR_RE = re.compile(
    r"(sable: (ERROR|PANIC|UNEXPECTED EXCEPTION))"
    r"|(\(XEN\) (Panic on CPU|\*\*\*\* |Xen BUG|Assertion))"
)


def cache(*parts):
    return os.path.join(CACHE, *parts)


def build(*parts):
    return os.path.join(BUILD, *parts)


class Module:
    """A guest-loader module: a kernel (with bootargs) or an initrd."""

    def __init__(self, addr, path, kind="kernel", bootargs=None):
        self.addr, self.path, self.kind, self.bootargs = addr, path, kind, bootargs

    def args(self):
        opt = f"guest-loader,addr=0x{self.addr:x},{self.kind}={self.path}"
        if self.bootargs is not None:
            opt += f",bootargs={self.bootargs}"
        return ["-device", opt]


class Machine:
    def __init__(self, name, kernel, smp=2, mem=2048, append=None,
                 modules=(), extra=(), dtb=None, semihosting=True,
                 no_reboot=True, cpu=None):
        self.name = name
        self.cpu = cpu or DEFAULT_CPU
        self.kernel = kernel
        self.smp = smp
        self.mem = mem
        self.append = append
        self.modules = list(modules)
        self.extra = list(extra)
        self.dtb = dtb
        self.semihosting = semihosting
        self.no_reboot = no_reboot
        self.child = None
        os.makedirs(LOGDIR, exist_ok=True)
        self.logpath = os.path.join(LOGDIR, f"{name}.log")

    def argv(self):
        a = ["qemu-system-aarch64",
             "-machine", "virt,virtualization=on,gic-version=3",
             "-cpu", self.cpu, "-smp", str(self.smp), "-m", str(self.mem),
             "-nographic", "-nic", "none", "-kernel", self.kernel]
        if self.no_reboot:
            a.append("-no-reboot")
        if self.append is not None:
            a += ["-append", self.append]
        if self.dtb:
            a += ["-dtb", self.dtb]
        if self.semihosting:
            a += ["-semihosting-config", "enable=on,target=native"]
        for m in self.modules:
            a += m.args()
        return a + self.extra

    def start(self):
        argv = self.argv()
        self.log = open(self.logpath, "w", encoding="utf-8", errors="replace")
        self.log.write("# " + " ".join(argv) + "\n")
        self.log.flush()
        self.started = time.monotonic()
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=60,
                                   maxread=65536)
        self.child.logfile_read = self.log
        return self

    def expect(self, pattern, timeout=60):
        """Wait for a regex; return the match. Raises on timeout or exit."""
        self.child.expect(pattern, timeout=timeout)
        return self.child.match

    def sendline(self, s):
        self.child.sendline(s)

    def send(self, s):
        """Send bytes without a newline (e.g. Ctrl-] to leave xl console)."""
        self.child.send(s)

    def wait_exit(self, timeout=60):
        """Wait for QEMU to exit; return its exit status."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None \
            else 128 + (self.child.signalstatus or 0)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.logpath, encoding="utf-8", errors="replace") as f:
            return f.read()

    def errors(self):
        return [l for l in self.output().splitlines() if ERROR_RE.search(l)]

    def close(self):
        if self.child is not None and self.child.isalive():
            self.child.terminate(force=True)
        if self.child is not None:
            self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def run_interactive():
    """`make run`: Sable, dom0 and the demo domain, console on this terminal."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import scenarios
    argv = scenarios.run_argv()
    print("run: " + " ".join(argv), flush=True)
    if "sable.autostart=demo" in " ".join(argv):
        print(scenarios.RUN_HINT, flush=True)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        run_interactive()
    else:
        print("usage: qemu.py run", file=sys.stderr)
        sys.exit(2)
