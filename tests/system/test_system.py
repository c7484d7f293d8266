"""From a directory of xl.cfg files to a running system in one command
(sable-system, docs/boot-domains.md): dom0 and two Linux domUs booted
from tests/system/data/system-two-domus; a device tree written by hand
from Xen's dom0less binding; bad system descriptions refused before
anything boots."""
import os
import re
import shutil
import subprocess
import time

import pytest

import dom0less
import xenref
from qemu import BUILD, ROOT, Machine, build
from scenarios import SABLE, guest

TOOL = build("host", "sable-system")
DATA = os.path.join(ROOT, "tests", "system", "data")
EXAMPLE = os.path.join(DATA, "system-two-domus")
GOLDEN_BAD = os.path.join(ROOT, "tests", "unit", "sysgen", "golden", "bad")
TIMEOUT = 150


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def tool_env(**extra):
    env = dict(os.environ, SABLE_BUILD=BUILD,
               SABLE_CACHE=os.path.dirname(xenref.KERNEL))
    env.update(extra)
    return env


def run_tool(args, env=None):
    return subprocess.run([TOOL] + args, capture_output=True, text=True,
                          env=env or tool_env(), timeout=60)


def machine_from(out_dir, name):
    """A Machine running the QEMU command line sable-system wrote."""
    with open(os.path.join(out_dir, "qemu.args")) as f:
        argv = f.read().splitlines()
    m = Machine(name, SABLE)
    m.argv = lambda: argv
    return m


def test_dom0_and_two_linux_domus_from_a_directory():
    """One command turns the example directory into a device tree and
    QEMU's command line; Sable builds dom0 and both domUs from it, each
    domU's Linux reaches its init on its emulated UART, dom0's toolstack
    sees them by name, and dom0's poweroff ends the machine."""
    need(TOOL, SABLE, xenref.KERNEL, xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    out_dir = build("system", "test-two-domus")
    shutil.rmtree(out_dir, ignore_errors=True)
    r = run_tool(["--hypervisor", SABLE, "-o", out_dir, EXAMPLE])
    assert r.returncode == 0, r.stderr
    assert "domain 1 db" in r.stdout and "domain 2 web" in r.stdout
    m = machine_from(out_dir, "sable-system-two-domus").start()
    try:
        # dom0 and both domUs, in whatever order they get there.
        waiting = [r"\(d1\) SABLE-INIT-READY", r"\(d2\) SABLE-INIT-READY",
                   r"\nSABLE-INIT-READY"]
        while waiting:
            del waiting[m.child.expect(waiting, timeout=TIMEOUT)]
        ready = time.monotonic() - m.started
        xenref.wait_prompt(m)
        ok = False
        for _ in range(30):
            rc, out = xenref.shell(m, "xl list")
            rows = [l.split()[:4] for l in out.splitlines()[1:]
                    if l.strip() and not l.startswith("(d")]
            ok = ["db", "1", "256", "1"] in rows and \
                ["web", "2", "256", "1"] in rows
            if ok:
                break
        assert ok, out
        m.sendline("poweroff")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    assert "sable: command line: dom0_mem=512M dom0_max_vcpus=2" in out
    assert re.search(r"domain 1 \(db\): 1 vCPUs, 256 MiB .*vpl011", out)
    assert re.search(r"domain 2 \(web\): 1 vCPUs, 256 MiB .*vpl011", out)
    for bad in ["BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
    assert status == 0
    print(f"dom0 and both domUs at init {ready:.1f} s after QEMU started")


def test_a_device_tree_written_by_hand_from_xens_binding():
    """tests/system/data/dom0less-by-hand.dtsi (Xen's properties only, both
    cell sizes, a ramdisk, 2 vCPUs, a stage-2 budget) boots both domains
    without dom0; the machine ends when they are done."""
    need(SABLE, guest("hello"), guest("pingpong"))
    with open(os.path.join(DATA, "dom0less-by-hand.dtsi")) as f:
        dts = f.read()
    dtb = dom0less.compile_dtb("sable-dom0less-by-hand", dts)
    extra = (dom0less.loader_args(guest("hello"), 0x50000000) +
             dom0less.loader_args(guest("hello"), 0x51000000) +
             dom0less.loader_args(guest("pingpong"), 0x52000000))
    m = Machine("sable-dom0less-by-hand", SABLE, mem=1024, append="",
                dtb=dtb, extra=extra).start()
    try:
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for dom in (1, 2):
        assert re.search(rf"\(d{dom}\) GUEST-RESULT: \d+ passed, 0 failed",
                         out), out
    assert re.search(r"domain 1 \(domU1\): 1 vCPUs, 16 MiB", out), out
    assert re.search(r"domain 2 \(domU2\): 2 vCPUs, 32 MiB", out), out
    assert "no domain left: powering off (status 0)" in out
    assert status == 0


def bad_cases():
    if not os.path.isdir(GOLDEN_BAD):
        return []
    return sorted(d for d in os.listdir(GOLDEN_BAD)
                  if os.path.isdir(os.path.join(GOLDEN_BAD, d)))


@pytest.mark.parametrize("case", bad_cases())
def test_bad_system_is_refused_before_boot(case, tmp_path):
    """The command refuses each bad description of the host tests' golden
    set with its one-line message, exit status 1, and writes nothing."""
    need(TOOL)
    images = tmp_path / "images"
    images.mkdir()
    hdr = bytearray(3 << 20)
    hdr[16:24] = (4 << 20).to_bytes(8, "little")
    hdr[56:60] = b"ARM\x64"
    (images / "Image").write_bytes(bytes(hdr))
    (images / "initrd").write_bytes(bytes(1 << 20))
    (images / "notimage").write_bytes(bytes(4096))
    (images / "empty").write_bytes(b"")
    out_dir = tmp_path / "out"
    r = subprocess.run([TOOL, "--hypervisor", SABLE, "-o", str(out_dir),
                        case], capture_output=True, text=True,
                       cwd=GOLDEN_BAD, timeout=60,
                       env=tool_env(SYSGEN_IMAGES=str(images)))
    with open(os.path.join(GOLDEN_BAD, case + ".err")) as f:
        want = f.read().strip().replace("$IMAGES", str(images))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == "sable-system: " + want
    assert not out_dir.exists()
