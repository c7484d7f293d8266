"""PV disks through xl in Sable's dom0 (Debian's Linux 6.1 under QEMU):
dom0-tools/rootfs/tests/pvdisk.sh runs four parts in one boot, each check
tagged with its part, and each test here reads its part:
[cfg] disks from xl.cfg (an ext4 image the domU writes, one read-only),
[hot] block-attach/-list/-detach on a running domU, [restart] a restart
by the monitor, [cycles] 20 create and destroy cycles with two disks and
two vifs, [broken] broken disk lines refused."""
import os
import re

import pytest

import xenref
from qemu import build, cache
from scenarios import SABLE, sable_machine

KERNEL = cache("vmlinuz")
GUESTS_INITRD = build("dom0-guests-initrd.cpio.gz")
DOM0_ARGS = "console=hvc0 earlycon=xenboot rdinit=/init"
TIMEOUT = 420


@pytest.fixture(scope="module")
def run():
    missing = [p for p in (SABLE, KERNEL, GUESTS_INITRD)
               if not os.path.exists(p)]
    if missing:
        pytest.skip("not built: " + ", ".join(missing))
    m = sable_machine("sable-pvdisk", KERNEL, mem=2048,
                      cmdline="dom0_mem=512M dom0_max_vcpus=2",
                      bootargs=f"{DOM0_ARGS} sable.test=pvdisk",
                      initrd=GUESTS_INITRD)
    with m:
        passed, lines = xenref.wait_test(m, timeout=TIMEOUT)
        errors = m.errors()
        out = m.output()
    return passed, lines, errors, out


def part(run, tag):
    """The part's check lines: (all, failed)."""
    _, _, errors, out = run
    assert errors == []
    assert "Kernel panic" not in out
    checks = [l.rstrip("\r") for l in out.splitlines()
              if re.match(rf"check: (ok  |FAIL) \[{tag}\]", l)]
    assert checks, f"no [{tag}] checks ran"
    return checks, [l for l in checks if l.startswith("check: FAIL")]


def test_pvdisk_cfg(run):
    """xl create with disk = [ rw ext4 image, access=r image ]: libxl's
    nodes, frontends Connected; the domU writes a file on xvda that dom0
    then finds in the image, and xvdb refuses writes; after poweroff no
    loop device or node is left."""
    checks, failed = part(run, "cfg")
    assert failed == [], run[3][-3000:]


def test_pvdisk_hot_attach_and_detach(run):
    """block-attach on a running domU: the guest sees xvdc, block-list
    shows it Connected, block-detach removes it and the guest sees it go;
    a paused guest's disk does not detach (timeout) until -f."""
    checks, failed = part(run, "hot")
    assert failed == [], failed


def test_pvdisk_restart_by_the_monitor_moves_the_disks(run):
    """on_reboot = "restart" with two disks: xl reboot -w, the monitor
    destroys and creates the domain again; the old domain's backends and
    loop devices are gone, the new one has its own; destroy leaves
    nothing."""
    checks, failed = part(run, "restart")
    assert failed == [], failed


def test_pvdisk_create_destroy_cycles_leave_nothing(run):
    """20 create/destroy cycles of a domain with two disks and two vifs
    (running until all four backends are Connected, or paused, in turn),
    checked after each: no loop device, vif interface, bridge port,
    xen-backend device or node of the domain left (backends, frontends,
    /libxl), free memory exactly back."""
    checks, failed = part(run, "cycles")
    assert failed == [], failed


def test_pvdisk_broken_disk_lines_refused(run):
    """A missing image, a bad or duplicate vdev, a qcow2 image, a
    directory: xl create fails naming the disk, nothing is left."""
    checks, failed = part(run, "broken")
    assert failed == [], failed
    passed, lines, _, _ = run
    assert passed, lines
