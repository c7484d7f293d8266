"""Boot-time domains the hypervisor itself restarts or destroys when they
shut down (sable,on-poweroff, -reboot, -crash), and the console input
switch (Ctrl-a three times) among boot-time domains with an emulated UART
and the hypervisor (docs/boot-domains.md). No dom0: bare-metal guests
(guests/lifecycle) only."""
import re
import time

import pytest

import dom0less
import test_bootdomains
import xenref
from qemu import Machine
from scenarios import SABLE, guest

TIMEOUT = 60
# QEMU's -nographic console takes Ctrl-a as its own escape: Ctrl-a Ctrl-a
# sends one Ctrl-a to the machine.
CTRL_A = "\x01\x01"
SWITCH = CTRL_A * 3


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def life(name, mode, delay_ms=0, **props):
    """A guests/lifecycle domain; props: sable,on-* values by event."""
    return dom0less.Domain(
        name, guest("lifecycle"), f"life.mode={mode} life.delay_ms={delay_ms}",
        props={f"sable,on-{k}": f'"{v}"' for k, v in props.items()})


def boot(name, domains):
    addrs = dom0less.module_addrs(domains)
    dtb = dom0less.compile_dtb(name, dom0less.chosen_dts(domains, addrs))
    extra = []
    for d, addr in zip(domains, addrs):
        extra += dom0less.loader_args(d.kernel, addr)
    return Machine(name, SABLE, mem=1024, append="", dtb=dtb,
                   extra=extra).start()


def test_reboot_restarts_poweroff_destroys_crash_loop_is_limited():
    """domU1 reboots every 2.5 s and comes back each time with the same id
    and fresh RAM; domU2 powers off and is destroyed, its memory given
    back; domU3 crashes at once on every start and is left shut down
    after 5 restarts; domU1 runs on throughout. The console input,
    domU1's at first, ends with the hypervisor, whose 'q' key shows
    the domains and the free memory."""
    need(SABLE, guest("lifecycle"))
    doms = [life("rebooter", "reboot", 2500, reboot="restart"),
            life("stopper", "poweroff", 0, poweroff="destroy"),
            life("crasher", "crash", 0, crash="restart")]
    m = boot("sable-bootrestart", doms)
    try:
        m.expect(r"domain 3 \(domU3\): restarted 5 times within 10 s: left "
                 r"shut down", timeout=TIMEOUT)
        # domU1's next reboot hands the input on: domU2 is gone, domU3
        # shut down, so the hypervisor has it from then on, whatever
        # domU1 does. Its keys: 'q' lists the domains and free memory.
        m.expect(r"domain 1 \(domU1\) shut down: reboot", timeout=TIMEOUT)
        for _ in range(2):
            m.expect(r"domain 1 \(domU1\) restarted", timeout=TIMEOUT)
        m.send("q")
        m.expect(r"free memory: (\d+) of (\d+) pages", timeout=TIMEOUT)
        free, total = map(int, m.child.match.groups())
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    # domU1: restarted twice or more, as d1, on fresh RAM. (Its lines are
    # counted only after it lost the input: the domain with the input
    # writes a byte at a time, and other lines may cut its own.)
    assert out.count("domain 1 (domU1) restarted") >= 2, out
    assert len(re.findall(r"\(d1\) life: up, mode reboot, RAM fresh",
                          out)) >= 2, out
    assert "NOT fresh" not in out
    assert "domain 1 (domU1): restarting" in out
    # domU2: destroyed, its RAM handed back, never started again.
    assert "domain 2 (domU2): destroying" in out
    assert "domain 2 (domU2) destroyed: gone" in out
    assert re.search(r"domain 2 \(domU2\): p2m tables 0 .*RAM pages 0 of",
                     out), out
    assert out.count("(d2) life: up") == 1
    assert "d2 (domU2):" not in out  # not listed by 'q'
    switches = re.findall(r"console input to (.*) \(Ctrl-a", out)
    assert switches[-1] == "the hypervisor", switches
    # domU3: started 1 + 5 times, then left shut down (still listed).
    assert out.count("domain 3 (domU3) shut down: crash") == 6, out
    assert out.count("domain 3 (domU3) restarted") == 5
    assert re.search(r"d3 \(domU3\): shut down", out), out
    # In use: domU1's and domU3's 16 MiB (4096 pages each) and the
    # hypervisor's own, well under a third domain's: domU2's RAM is back.
    assert total - free < 3 * 4096, (free, total)
    assert "no domain left" not in out


def test_console_input_switches_between_two_domains_and_the_hypervisor():
    """Two echo domains: the input starts with domU1; Ctrl-a three times
    moves it to domU2, then the hypervisor, then back to domU1. Each
    answers only what was typed for it; fewer than three Ctrl-a pass
    through; 'off' powers each off and the machine ends."""
    need(SABLE, guest("lifecycle"))
    doms = [life("one", "echo"), life("two", "echo")]
    m = boot("sable-console-switch", doms)
    try:
        m.expect(r"console input to d1 \(domU1\)", timeout=TIMEOUT)
        # domU1 has the input, so its bytes go out one at a time and
        # domU2's lines may cut its own: wait for domU2's, then a moment.
        m.expect(r"\(d2\) life: echo ready", timeout=TIMEOUT)
        time.sleep(1)
        m.send("alpha\n")
        m.expect(r"\(d1\) life: got 'alpha' \(5 bytes, first 0x61\)",
                 timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to d2 \(domU2\)", timeout=TIMEOUT)
        m.send("beta\n")
        m.expect(r"\(d2\) life: got 'beta' \(4 bytes", timeout=TIMEOUT)
        # Two Ctrl-a and a letter: all three reach the domain.
        m.send(CTRL_A * 2 + "z\n")
        m.expect(r"\(d2\) life: got '\.\.z' \(3 bytes, first 0x01\)",
                 timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to the hypervisor", timeout=TIMEOUT)
        m.send("h")
        m.expect(r"keys: 'h' this list, 'q' domains and memory",
                 timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to d1 \(domU1\)", timeout=TIMEOUT)
        m.send("gamma\n")
        m.expect(r"\(d1\) life: got 'gamma'", timeout=TIMEOUT)
        # domU1 goes: the input moves on to domU2 by itself.
        m.send("off\n")
        m.expect(r"console input to d2 \(domU2\)", timeout=TIMEOUT)
        m.send("off\n")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for word in ["alpha", "gamma"]:
        assert f"(d2) life: got '{word}'" not in out
    assert "(d1) life: got 'beta'" not in out
    assert "no domain left: powering off (status 0)" in out
    assert status == 0


ECHO_ADDR = 0x70000000


def test_console_input_reaches_a_linux_shell_on_its_emulated_uart():
    """Debian's kernel as domU1 with its shell on ttyAMA0 beside an echo
    domain: a command typed for domU1 runs in its shell (the prompt shows
    although it ends no line), Ctrl-a three times gives domU2 the input,
    and domU1's poweroff hands it back to domU2."""
    need(SABLE, guest("lifecycle"), xenref.KERNEL, xenref.DOMU_INITRD)
    bd = test_bootdomains
    name = "sable-console-switch-linux"
    echo = life("two", "echo")
    dts = (bd.linux_domu_dts(xenref.KERNEL, xenref.DOMU_INITRD,
                             "console=ttyAMA0 quiet", vcpus=1) +
           dom0less.chosen_dts([echo], [ECHO_ADDR], first=2))
    dtb = dom0less.compile_dtb(name, dts, mem=2048)
    extra = (dom0less.loader_args(xenref.KERNEL, bd.LINUX_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOMU_INITRD, bd.LINUX_INITRD_ADDR) +
             dom0less.loader_args(echo.kernel, ECHO_ADDR))
    m = Machine(name, SABLE, mem=2048, append="", dtb=dtb,
                extra=extra).start()
    try:
        m.expect(r"console input to d1 \(domU1\)", timeout=TIMEOUT)
        m.expect(r"\(d1\) [^\n]*SABLE-INIT-READY", timeout=2 * TIMEOUT)
        # Output goes out a byte at a time once something is typed.
        m.send("\n")
        m.expect(r"\(d1\) domu:[^\r\n]*# ", timeout=TIMEOUT)
        m.send("echo hi-$((40+2))\n")
        m.expect(r"\(d1\) hi-42", timeout=TIMEOUT)
        m.send(SWITCH)
        m.expect(r"console input to d2 \(domU2\)", timeout=TIMEOUT)
        m.send("ping\n")
        m.expect(r"\(d2\) life: got 'ping'", timeout=TIMEOUT)
        m.send(SWITCH + SWITCH)
        m.expect(r"console input to d1 \(domU1\)", timeout=TIMEOUT)
        m.send("poweroff\n")
        m.expect(r"domain 1 \(domU1\) shut down: poweroff", timeout=TIMEOUT)
        m.expect(r"console input to d2 \(domU2\)", timeout=TIMEOUT)
        m.send("off\n")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for bad in ["WARNING:", "BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
    assert "life: got 'echo" not in out
    assert status == 0
