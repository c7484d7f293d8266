"""PV networks through xl in Sable's dom0 (dom0-tools/rootfs/tests/pvnet.sh,
with the domUs running pvnet-guest.sh): broken vif lines refused naming
the device; two Linux domUs on a bridge xl makes, connected, pinging dom0
and each other, TCP both ways; hot attach and detach seen by the guest;
the monitor's restart and shutdown -w (create/destroy cycles with vifs
and disks are test_pvdisk.py's). Also hot attach and detach of a vif and
a disk to a boot-time domain."""
import re
import time

import xenref
from test_bootdomains import (TIMEOUT, boot_dom0_and_enhanced_linux,
                              dom0_shell, need, poll_dom0, wait_for_node)
from scenarios import SABLE
from test_xl import GUESTS_INITRD, run_script

DEVWATCH_RE = re.compile(r"DEVWATCH block=(\S*) net=(\S*)")


def test_pv_networks_attach_connect_detach_and_leave_nothing():
    """Refusals -> two domUs with vifs on xenbr0 (Connected, ping, TCP
    both ways) -> network-attach/-detach on a running domU -> reboot with
    on_reboot = "restart" and shutdown -w -> destroy, nothing left,
    memory back."""
    passed, lines, errors, out = run_script(
        "pvnet", timeout=200, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out


def devwatch(m, since):
    """The domU's last DEVWATCH line after @since characters of the log:
    (block devices, network interfaces) as sets, or None."""
    found = DEVWATCH_RE.findall(m.output()[since:])
    if not found:
        return None
    block, net = found[-1]
    return set(filter(None, block.split(","))), set(filter(None,
                                                         net.split(",")))


def wait_devwatch(m, since, done, timeout=60):
    """Wait until the domU's device lists satisfy done(block, net). The
    console is read (into the log) only while a command runs: dom0 sleeps
    in between."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = devwatch(m, since)
        if seen and done(*seen):
            return True, seen
        dom0_shell(m, "sleep 0.5")
    return False, devwatch(m, since)


def test_network_and_block_attach_to_a_boot_time_domain():
    """A stock Linux domU with xen,enhanced, introduced by xl
    init-dom0less, watching its devices (devwatch.sh): xl network-attach
    gives it a vif whose frontend connects and that the guest sees as
    eth0; network-list shows it; network-detach removes it from the guest
    and dom0. Then xl block-attach gives it xvdb from an image in dom0:
    the guest sees it, block-list shows it Connected; block-detach: the
    guest sees it go, the nodes and the loop device are gone."""
    need(SABLE, xenref.KERNEL, xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    m = boot_dom0_and_enhanced_linux("sable-pvnet-bootdom", SABLE,
                                     "dom0_mem=512M", xenref.DOM0_INITRD,
                                     domu_bootargs="sable.test=devwatch")
    try:
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        ok, out = wait_for_node(
            m, "/local/domain/1/control/feature-poweroff", "1")
        assert ok, out
        ok, seen = wait_devwatch(m, 0, lambda b, n: "lo" in n)
        assert ok, seen
        assert "eth0" not in seen[1] and "xvdb" not in seen[0], seen

        # network-attach and -detach
        since = len(m.output())
        rc, out = dom0_shell(m, "xl network-attach domU1 bridge=xenbr0",
                             timeout=60)
        assert rc == 0, out
        ok, out = wait_for_node(m, "/local/domain/1/device/vif/0/state",
                                "4", 60)
        assert ok, out
        ok, seen = wait_devwatch(m, since, lambda b, n: "eth0" in n)
        assert ok, seen
        rc, out = dom0_shell(m, "ls /sys/class/net/xenbr0/brif")
        assert rc == 0 and "vif1.0" in out, out
        rc, out = dom0_shell(m, "xl network-list domU1")
        assert rc == 0 and "/local/domain/0/backend/vif/1/0" in out, out
        since = len(m.output())
        rc, out = dom0_shell(m, "xl network-detach domU1 0", timeout=60)
        assert rc == 0, out
        ok, seen = wait_devwatch(m, since, lambda b, n: "eth0" not in n)
        assert ok, seen
        ok, out = poll_dom0(m, "ls /sys/class/net",
                            lambda o: "vif1.0" not in o, 30)
        assert ok, out
        for node in ["/local/domain/0/backend/vif/1",
                     "/local/domain/1/device/vif/0", "/libxl/1/device/vif/0"]:
            rc, out = dom0_shell(m, f"xenstore-exists {node}")
            assert rc != 0, node

        # block-attach and -detach of an image in dom0
        rc, out = dom0_shell(m, "dd if=/dev/zero of=/tmp/bt.img bs=1M "
                             "count=4 2>/dev/null")
        assert rc == 0, out
        since = len(m.output())
        rc, out = dom0_shell(m, "xl block-attach domU1 /tmp/bt.img,raw,"
                             "xvdb,rw", timeout=60)
        assert rc == 0, out
        ok, seen = wait_devwatch(m, since, lambda b, n: "xvdb" in b)
        assert ok, seen
        rc, out = dom0_shell(m, "xl block-list domU1")
        assert rc == 0 and re.search(r"^51728 +0 +1 +4 ", out, re.M), out
        rc, out = dom0_shell(m, "xenstore-read "
                             "/local/domain/1/device/vbd/51728/state")
        assert rc == 0 and out.strip() == "4", out
        since = len(m.output())
        rc, out = dom0_shell(m, "xl block-detach domU1 xvdb", timeout=60)
        assert rc == 0, out
        ok, seen = wait_devwatch(m, since, lambda b, n: "xvdb" not in b)
        assert ok, seen
        for node in ["/local/domain/0/backend/vbd/1",
                     "/local/domain/1/device/vbd/51728",
                     "/libxl/1/device/vbd/51728"]:
            rc, out = dom0_shell(m, f"xenstore-exists {node}")
            assert rc != 0, node
        ok, out = poll_dom0(m, "cat /sys/block/loop*/loop/backing_file",
                            lambda o: "bt.img" not in o, 10)
        assert ok, out
        m.sendline("poweroff")
        m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for bad in ["WARNING:", "BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
