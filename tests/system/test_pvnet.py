"""PV networks through xl in Sable's dom0 (dom0-tools/rootfs/tests/pvnet.sh,
with the domUs running pvnet-guest.sh): broken vif lines refused naming
the device; two Linux domUs on a bridge xl makes, connected, pinging dom0
and each other, TCP both ways; hot attach and detach seen by the guest;
the monitor's restart and shutdown -w; create/destroy cycles with two vifs
that leave nothing behind. Also hot attach to a boot-time domain."""
import xenref
from test_bootdomains import (TIMEOUT, boot_dom0_and_enhanced_linux,
                              dom0_shell, need, poll_dom0, wait_for_node)
from scenarios import SABLE
from test_xl import GUESTS_INITRD, run_script


def test_pv_networks_attach_connect_detach_and_leave_nothing():
    """Refusals -> two domUs with vifs on xenbr0 (Connected, ping, TCP
    both ways) -> network-attach/-detach on a running domU -> reboot with
    on_reboot = "restart" and shutdown -w -> destroy -> 10 create/destroy
    cycles with two vifs, nothing left, memory back."""
    passed, lines, errors, out = run_script(
        "pvnet", timeout=200, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out


def test_network_attach_to_a_boot_time_domain():
    """A stock Linux domU with xen,enhanced, introduced by xl
    init-dom0less: xl network-attach gives it a vif whose frontend
    connects; network-list shows it; network-detach removes it."""
    need(SABLE, xenref.KERNEL, xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    m = boot_dom0_and_enhanced_linux("sable-pvnet-bootdom", SABLE,
                                     "dom0_mem=512M", xenref.DOM0_INITRD)
    try:
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        ok, out = wait_for_node(
            m, "/local/domain/1/control/feature-poweroff", "1")
        assert ok, out
        rc, out = dom0_shell(m, "xl network-attach domU1 bridge=xenbr0",
                             timeout=60)
        assert rc == 0, out
        ok, out = wait_for_node(m, "/local/domain/1/device/vif/0/state",
                                "4", 60)
        assert ok, out
        rc, out = dom0_shell(m, "ls /sys/class/net/xenbr0/brif")
        assert rc == 0 and "vif1.0" in out, out
        rc, out = dom0_shell(m, "xl network-list domU1")
        assert rc == 0 and "/local/domain/0/backend/vif/1/0" in out, out
        rc, out = dom0_shell(m, "xl network-detach domU1 0", timeout=60)
        assert rc == 0, out
        ok, out = poll_dom0(m, "ls /sys/class/net",
                            lambda o: "vif1.0" not in o, 30)
        assert ok, out
        for node in ["/local/domain/0/backend/vif/1",
                     "/local/domain/1/device/vif/0", "/libxl/1/device/vif/0"]:
            rc, out = dom0_shell(m, f"xenstore-exists {node}")
            assert rc != 0, node
        m.sendline("poweroff")
        m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for bad in ["WARNING:", "BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
