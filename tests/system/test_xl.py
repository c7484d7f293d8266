"""xl in Sable's dom0 (Debian's Linux 6.1 under QEMU): the config checks
(dom0-tools/rootfs/tests/xl-config.sh) and a domU's life through xl
(xl-life.sh: create, boot to init on hvc0, list, pause, shutdown -w,
destroy, reboot with on_reboot = "restart", 50 create/destroy cycles
that give their memory back), on_crash actions and RAM left behind
(xl-crash.sh), and dom0's autostart failures."""
import os
import re

import pytest

import xenref
from qemu import build, cache
from scenarios import SABLE, sable_machine

KERNEL = cache("vmlinuz")
DOM0_INITRD = xenref.DOM0_INITRD
# The dom0 image with the domU kernel and initramfs and /etc/xen.
GUESTS_INITRD = build("dom0-guests-initrd.cpio.gz")
DOM0_ARGS = "console=hvc0 earlycon=xenboot rdinit=/init"
TIMEOUT = 120

def need():
    missing = [p for p in (SABLE, KERNEL, DOM0_INITRD)
               if not os.path.exists(p)]
    if missing:
        pytest.skip("not built: " + ", ".join(missing))


def run_script(name, timeout=TIMEOUT, mem=2048, initrd=DOM0_INITRD):
    need()
    if not os.path.exists(initrd):
        pytest.skip("not built: " + initrd)
    m = sable_machine(f"sable-{name}", KERNEL, mem=mem,
                      cmdline="dom0_mem=512M dom0_max_vcpus=2",
                      bootargs=f"{DOM0_ARGS} sable.test={name}",
                      initrd=initrd)
    with m:
        passed, lines = xenref.wait_test(m, timeout=timeout)
        errors = m.errors()
        out = m.output()
    return passed, lines, errors, out


def test_xl_refuses_malformed_configs_and_creates_nothing():
    """Malformed xl.cfg files, an HVM type, passthrough keys, too many
    vCPUs, a bad disk spec, a missing or gzip-compressed kernel: each
    refused with one line naming file, line and key; overrides and
    warnings as xl prints them; /etc/xen looked in for a bare name."""
    passed, lines, errors, _ = run_script("xl-config")
    assert errors == []
    assert passed, lines


def test_xl_creates_a_domu_that_boots_to_init():
    """xl create with overrides -> the Linux domU reaches its init on hvc0
    and its xenbus connects -> libxl's nodes and permissions, xl list,
    list -l, vcpu-list, uptime -> xl console attaches and detaches ->
    xl shutdown -w returns once it powered off."""
    passed, lines, errors, out = run_script(
        "xl-boot", timeout=300, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out


def test_xl_domain_lifecycle_and_create_destroy_cycles():
    """xl create -> the domU boots to its init on hvc0 -> xl list shows it
    -> pause/unpause -> xl shutdown -w -> gone with its nodes; xl destroy;
    xl reboot -w restarts it (on_reboot = "restart"); 50 create/destroy
    cycles and free memory is what it was."""
    passed, lines, errors, out = run_script(
        "xl-life", timeout=900, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out
    # Every domain's end: free pages plus those held for dom0 exactly
    # the same (booted Linux domUs, the restart, the 50 cycles).
    gone = [int(f) + int(h) for f, h in re.findall(
        r"destroyed: gone, (\d+) pages free, (\d+) held for dom0", out)]
    assert len(gone) >= 53 and len(set(gone)) == 1, gone


def test_xl_crash_actions_and_ram_left_behind():
    """A domain reporting a crash is restarted (on_crash = "restart"),
    kept and shown crashed ("preserve") or destroyed ("destroy"); rounds
    of a domain writing a marker over its whole RAM, then a new domain
    scanning all of its RAM: no marker and nothing but zeros; the free
    page count the same after every domain's end (dom0-tools/rootfs/
    tests/xl-crash.sh, with guests/ramscan)."""
    passed, lines, errors, out = run_script(
        "xl-crash", timeout=240, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    gone = [int(f) + int(h) for f, h in re.findall(
        r"destroyed: gone, (\d+) pages free, (\d+) held for dom0", out)]
    assert len(gone) >= 13, out
    # Every domain gives back all: the free pages and those held for
    # dom0 add up to the same after each.
    assert len(set(gone)) == 1, gone
    # Each scanning domain was given the frames the filler had.
    at = re.findall(r"domain \d+ \((fill|scan)\): .* \(machine (0x[0-9a-f]+)\)",
                    out)
    assert len(at) >= 10 and len(set(a for _, a in at)) == 1, at


def test_autostart_failures_are_reported_and_dom0_comes_up():
    """sable.autostart= naming a missing config, a bad name and a domain
    twice (the second create refused: the name is taken): /init says so
    for each, the first demo domU starts, and dom0 comes up all the same
    (its test script runs and passes)."""
    need()
    if not os.path.exists(GUESTS_INITRD):
        pytest.skip("not built: " + GUESTS_INITRD)
    m = sable_machine("sable-autostart-fail", KERNEL, mem=2048,
                      cmdline="dom0_mem=512M dom0_max_vcpus=2",
                      bootargs=f"{DOM0_ARGS} sable.test=smoke "
                      # QEMU's option syntax doubles a ','.
                      "sable.autostart=nosuch,,bad/name,,demo,,demo",
                      initrd=GUESTS_INITRD)
    with m:
        passed, lines = xenref.wait_test(m, timeout=TIMEOUT)
        errors = m.errors()
        out = m.output()
    assert errors == []
    assert passed, lines
    assert "sable-init: autostart: no /etc/xen/nosuch.cfg" in out
    assert "sable-init: autostart: bad name 'bad/name'" in out
    assert out.count("sable-init: domain demo started") == 1, out
    assert re.search(r"sable-init:   .*name: a domain called \"demo\" "
                     r"exists", out), out
    assert "sable-init: xl create /etc/xen/demo.cfg failed (exit status 1)" \
        in out


def test_xl_domu_vcpus_spread_and_vcpu_pin_moves_a_running_one():
    """A 4-vCPU Linux domU on 2 pCPUs, every vCPU busy, dom0 idle: xl
    vcpu-list shows its vCPUs on both pCPUs, each gaining CPU time; xl
    vcpu-pin moves a busy vCPU to the other pCPU, after which `sleep 2`
    in the domU takes 2 s by its clock and the vCPU's timer interrupts and
    its network interrupts (the domU's vif bound to it, dom0 pinging) keep
    counting (dom0-tools/rootfs/tests/xl-place.sh)."""
    passed, lines, errors, out = run_script(
        "xl-place", timeout=240, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out


def test_xl_mem_set_balloons_a_domu_down_and_up():
    """xl mem-set 160 on a 192 MiB Linux domU: its balloon
    driver gives 32 MiB back (xl list, xl info), mem-set 192 takes them
    again; above its maximum and mem-max below the target are refused; xl
    vcpu-set 2 brings its second vCPU online (PSCI CPU_ON from the guest's
    Xen CPU-hotplug driver), vcpu-set 1 takes it off; destroy gives all
    back (dom0-tools/rootfs/tests/xl-mem.sh)."""
    passed, lines, errors, out = run_script(
        "xl-mem", timeout=240, initrd=GUESTS_INITRD)
    assert errors == []
    assert passed, lines
    assert "Kernel panic" not in out
