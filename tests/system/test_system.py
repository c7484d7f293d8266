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
import test_bootdomains
import xenref
from qemu import BUILD, ROOT, Machine, build
from scenarios import SABLE, guest

TOOL = build("host", "sable-system")
DATA = os.path.join(ROOT, "tests", "system", "data")
EXAMPLE = os.path.join(DATA, "system-two-domus")
GOLDEN_BAD = os.path.join(ROOT, "tests", "unit", "sysgen", "golden", "bad")
TIMEOUT = 150
# QEMU's -nographic console takes Ctrl-a as its own escape: Ctrl-a Ctrl-a
# sends one Ctrl-a to the machine; three of them switch the input.
SWITCH = "\x01\x01" * 3


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
    sees them by name, Ctrl-a three times moves the console's input from
    dom0's shell to each domU's shell in turn (a command typed runs
    there), through the hypervisor and back to dom0, whose shell still
    answers; dom0's poweroff ends the machine."""
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
        # The input switch: dom0 -> db -> web -> hypervisor -> dom0, a
        # command run in each domU's shell on its emulated UART.
        for dom, name, n in [(1, "db", 42), (2, "web", 43)]:
            m.send(SWITCH)
            m.expect(rf"console input to d{dom} \({name}\)", timeout=TIMEOUT)
            m.send("\n")
            m.expect(rf"\(d{dom}\) [^\n]*# ", timeout=TIMEOUT)
            m.send(f"echo {name}-$((40+{n - 40}))\n")
            m.expect(rf"\(d{dom}\) {name}-{n}", timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to the hypervisor", timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to d0 ", timeout=TIMEOUT)
        m.sendline("")
        xenref.wait_prompt(m)
        rc, out = xenref.shell(m, "echo dom0-$((40+4))")
        assert rc == 0 and "dom0-44" in out, out
        m.sendline("poweroff")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    # Each domU ran what was typed for it, and only that.
    assert "(d1) web-43" not in out and "(d2) db-42" not in out
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


def domu_run(m, dom, cmd, want, timeout=TIMEOUT):
    """Type @cmd into domain @dom's shell on its emulated UART (it has the
    input) and wait for @want (a regex) in its output."""
    type_slowly(m, cmd + "\n")
    m.expect(rf"\(d{dom}\) [^\n]*{want}", timeout=timeout)


def type_slowly(m, text):
    """Type @text in pieces the emulated UART's 64-byte receive FIFO
    takes: what finds it full is dropped, as on a PL011."""
    for i in range(0, len(text), 16):
        m.send(text[i:i + 16])
        time.sleep(0.1)


def free_mib(m):
    rc, out = test_bootdomains.dom0_shell(m, "xl info | grep free_memory")
    assert rc == 0, out
    return int(out.split(":")[1])


def test_two_linux_domus_without_dom0_reboot_and_poweroff_as_configured():
    """The example's two Linux domUs without dom0, from their xl.cfg
    files with one command: db (on_reboot = "restart") rebooted from its
    shell comes back under its name and id and reaches its init again;
    web (on_poweroff = "destroy") powered off from its shell is destroyed
    and stays off, while db runs on and still answers its shell."""
    need(TOOL, SABLE, xenref.KERNEL, xenref.DOMU_INITRD)
    src = build("system", "test-nodom0-lifecycle-src")
    out_dir = build("system", "test-nodom0-lifecycle")
    for d in (src, out_dir):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(src)
    for name, extra in (("db.cfg", 'on_reboot = "restart"\n'),
                        ("web.cfg", 'on_poweroff = "destroy"\n')):
        with open(os.path.join(EXAMPLE, name)) as f:
            lines = [l for l in f if not l.startswith("on_")]
        with open(os.path.join(src, name), "w") as f:
            f.writelines(lines + [extra])
    with open(os.path.join(src, "system.cfg"), "w") as f:
        f.write("cpus = 2\nmemory = 2048\ncmdline = \"\"\n")
    r = run_tool(["--hypervisor", SABLE, "-o", out_dir, src])
    assert r.returncode == 0, r.stderr
    m = machine_from(out_dir, "sable-system-nodom0-lifecycle").start()
    try:
        waiting = [r"\(d1\) SABLE-INIT-READY", r"\(d2\) SABLE-INIT-READY"]
        while waiting:
            del waiting[m.child.expect(waiting, timeout=TIMEOUT)]

        def shell_of(dom, name):
            """Move the input round to @dom and wait for its prompt."""
            for _ in range(4):
                m.send(SWITCH)
                i = m.child.expect([rf"console input to d{dom} \({name}\)",
                                    r"console input to [^\n]*\(Ctrl-a"],
                                   timeout=TIMEOUT)
                if i == 0:
                    break
            m.send("\n")
            m.expect(rf"\(d{dom}\) [^\n]*# ", timeout=TIMEOUT)

        shell_of(1, "db")
        type_slowly(m, "reboot -f\n")
        m.expect(r"domain 1 \(db\) restarted", timeout=TIMEOUT)
        m.expect(r"\(d1\) SABLE-INIT-READY", timeout=TIMEOUT)
        shell_of(2, "web")
        type_slowly(m, "poweroff -f\n")
        m.expect(r"domain 2 \(web\) destroyed: gone", timeout=TIMEOUT)
        shell_of(1, "db")
        domu_run(m, 1, "echo db-$((40+2))", "db-42")
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    assert out.count("(d1) SABLE-INIT-READY") == 2, out
    assert out.count("(d2) SABLE-INIT-READY") == 1, out
    assert "domain 2 (web) restarted" not in out
    for bad in ["BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad


def test_boot_time_domain_rebooted_by_xl_keeps_its_devices():
    """The example system's db (an enhanced boot-time domain, on_reboot
    restart): xl list names it; xl network-attach gives it a vif and it
    pings dom0 across xenbr0; xl block-attach gives it a disk; xl reboot
    has dom0's monitor restart it from its boot modules: it reaches its
    init again, is listed under its name, its PV console is served by the
    console daemon (its log and `xl console`), its vif and disk come back
    Connected and it pings dom0 again; xl destroy removes it and gives its
    memory back."""
    need(TOOL, SABLE, xenref.KERNEL, xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    bd = test_bootdomains
    out_dir = build("system", "test-two-domus-reboot")
    shutil.rmtree(out_dir, ignore_errors=True)
    r = run_tool(["--hypervisor", SABLE, "-o", out_dir, EXAMPLE])
    assert r.returncode == 0, r.stderr
    m = machine_from(out_dir, "sable-system-bootdom-reboot").start()
    try:
        waiting = [r"\(d1\) SABLE-INIT-READY", r"\(d2\) SABLE-INIT-READY",
                   r"\nSABLE-INIT-READY"]
        while waiting:
            del waiting[m.child.expect(waiting, timeout=TIMEOUT)]
        xenref.wait_prompt(m)
        ok, out = bd.wait_for_node(
            m, "/local/domain/1/control/feature-reboot", "1")
        assert ok, out
        ok, out = bd.poll_dom0(m, "xl list db", lambda o: "db " in o, 30)
        assert ok, out
        # Its monitor, left by xl init-dom0less.
        rc, out = bd.dom0_shell(m, "cat /var/run/xen/xl-monitor-1.pid")
        assert rc == 0 and out.strip().isdigit(), out
        rc, out = bd.dom0_shell(m, "xl network-attach db bridge=xenbr0",
                                timeout=60)
        assert rc == 0, out
        ok, out = bd.wait_for_node(m, "/local/domain/1/device/vif/0/state",
                                   "4", 60)
        assert ok, out
        rc, out = bd.dom0_shell(m, "dd if=/dev/zero of=/tmp/bd.img bs=1M "
                                "count=4 2>/dev/null && xl block-attach "
                                "db /tmp/bd.img,raw,xvdc,rw", timeout=60)
        assert rc == 0, out
        ok, out = bd.wait_for_node(
            m, "/local/domain/1/device/vbd/51744/state", "4", 60)
        assert ok, out
        rc, out = bd.dom0_shell(m, "ip addr add 10.9.0.1/24 dev xenbr0 && "
                                "ip link set xenbr0 up")
        assert rc == 0, out

        def ping_from_db(tag):
            m.send(SWITCH)
            m.expect(r"console input to d1 \(db\)", timeout=TIMEOUT)
            m.send("\n")
            m.expect(r"\(d1\) [^\n]*# ", timeout=TIMEOUT)
            domu_run(m, 1, "ip addr add 10.9.0.2/24 dev eth0; "
                     "ip link set eth0 up; echo up-$((1+1))", "up-2")
            domu_run(m, 1, "ping -c 2 -W 2 10.9.0.1 >/dev/null 2>&1 || "
                     "ping -c 3 -W 2 10.9.0.1 >/dev/null; "
                     f"echo {tag}-rc=$?", rf"{tag}-rc=(\d+)")
            rc = int(m.child.match.group(1))
            # back to dom0: web, the hypervisor, dom0
            m.send(SWITCH * 3)
            m.expect(r"console input to d0 ", timeout=TIMEOUT)
            m.sendline("")
            xenref.wait_prompt(m)
            return rc

        assert ping_from_db("ping1") == 0
        before = free_mib(m)
        rc, out = bd.dom0_shell(m, "xl reboot db")
        assert rc == 0, out
        m.expect(r"domain 1 \(db\) restarted", timeout=TIMEOUT)
        m.expect(r"\(d1\) SABLE-INIT-READY", timeout=TIMEOUT)
        ok, out = bd.wait_for_node(m, "/local/domain/1/device/vif/0/state",
                                   "4", 60)
        assert ok, out
        ok, out = bd.wait_for_node(
            m, "/local/domain/1/device/vbd/51744/state", "4", 60)
        assert ok, out
        rc, out = bd.dom0_shell(m, "xl list db")
        assert rc == 0 and "db " in out, out
        # Its new PV console is served: what it writes to hvc0 reaches
        # the console daemon's log and `xl console` attached to it.
        ok, out = bd.wait_for_node(m, "/local/domain/1/control/"
                                   "feature-reboot", "1")
        assert ok, out
        ok, out = bd.poll_dom0(m, "xenstore-read /local/domain/1/console/tty",
                               lambda o: "/dev/pts/" in o, 30)
        # The daemon's view, in the machine's log should anything fail.
        bd.dom0_shell(m, "cat /var/log/xen/consoled.log")
        assert ok, out
        rc, out = bd.dom0_shell(m, "((sleep 15; printf '\\035') | "
                                "xl console db >/tmp/xc.out 2>&1 &)")
        assert rc == 0, out
        m.send(SWITCH)
        m.expect(r"console input to d1 \(db\)", timeout=TIMEOUT)
        m.send("\n")
        m.expect(r"\(d1\) [^\n]*# ", timeout=TIMEOUT)
        domu_run(m, 1, "echo hvc-$((6*7)) > /dev/hvc0; echo sent-$((2+2))",
                 "sent-4")
        m.send(SWITCH * 3)
        m.expect(r"console input to d0 ", timeout=TIMEOUT)
        m.sendline("")
        xenref.wait_prompt(m)
        ok, out = bd.poll_dom0(
            m, "cat /var/log/xen/console/guest-db.log",
            lambda o: "hvc-42" in o, 30)
        assert ok, out
        ok, out = bd.poll_dom0(m, "cat /tmp/xc.out",
                               lambda o: "hvc-42" in o, 30)
        assert ok, out
        assert ping_from_db("ping2") == 0
        rc, out = bd.dom0_shell(m, "xl destroy db")
        assert rc == 0, out
        ok, out = bd.poll_dom0(m, "xl list", lambda o: "db " not in o, 30)
        assert ok, out
        after = free_mib(m)
        assert after >= before + 250, (before, after)
        m.sendline("poweroff")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for bad in ["BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
    assert status == 0
