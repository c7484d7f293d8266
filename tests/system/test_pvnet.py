"""PV networks through xl in Sable's dom0 (dom0-tools/rootfs/tests/pvnet.sh,
with the domUs running pvnet-guest.sh): broken vif lines refused naming
the device; two Linux domUs on a bridge xl makes, connected, pinging dom0
and each other, TCP both ways; hot attach and detach seen by the guest;
create/destroy cycles with two vifs that leave nothing behind."""
from test_xl import GUESTS_INITRD, run_script


def test_pv_networks_attach_connect_detach_and_leave_nothing():
    """Refusals -> two domUs with vifs on xenbr0 (Connected, ping, TCP
    both ways) -> network-attach/-detach on a running domU -> destroy ->
    10 create/destroy cycles with two vifs, nothing left, memory back."""
    passed, lines, errors, out = run_script(
        "pvnet", timeout=200, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out
