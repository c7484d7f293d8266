"""Steal time (docs/scheduler.md, Accounting): stock Linux, as dom0 (2
vCPUs on 2 pCPUs) and as a boot-time domU (2 vCPUs, no dom0), shares both
pCPUs with two boot-time domains spinning with interrupts masked
(guests/spin). Linux keeps both its vCPUs busy for a few seconds: the
steal column of /proc/stat, which it reads from the runstate area Sable
writes, grows by a good part of that time.

dom0 boots with nokaslr: QEMU's device tree carries a KASLR seed, and
with KASLR on a CPU without E0PD Linux turns KPTI on, and then does not
register a runstate area at all (arch/arm/xen/enlighten.c,
xen_late_init), on Xen as on Sable."""
import os
import re

import pytest

import dom0less
import xenref
from qemu import Machine
from scenarios import SABLE, guest

DOM0_KERNEL_ADDR = 0x70000000
DOM0_INITRD_ADDR = 0x78000000
TIMEOUT = 300
BUSY_S = 6


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def dom0_dts(kernel, initrd, bootargs):
    """dom0's modules as direct children of /chosen."""
    return "\n".join([
        "/ {", "\tchosen {",
        f"\t\tmodule@{DOM0_KERNEL_ADDR:x} {{",
        '\t\t\tcompatible = "multiboot,kernel", "multiboot,module";',
        f"\t\t\treg = <0x0 0x{DOM0_KERNEL_ADDR:x} 0x0 "
        f"0x{os.path.getsize(kernel):x}>;",
        f'\t\t\tbootargs = "{bootargs}";', "\t\t};",
        f"\t\tmodule@{DOM0_INITRD_ADDR:x} {{",
        '\t\t\tcompatible = "multiboot,ramdisk", "multiboot,module";',
        f"\t\t\treg = <0x0 0x{DOM0_INITRD_ADDR:x} 0x0 "
        f"0x{os.path.getsize(initrd):x}>;", "\t\t};",
        "\t};", "};", ""])


def boot_with_dom0(name, domains, mem=2048):
    addrs = dom0less.module_addrs(domains)
    dts = dom0less.chosen_dts(domains, addrs)
    dts += dom0_dts(xenref.KERNEL, xenref.DOM0_INITRD,
                    xenref.DOM0_BOOTARGS + " nokaslr")
    extra = dom0less.loader_args(xenref.KERNEL, DOM0_KERNEL_ADDR)
    extra += dom0less.loader_args(xenref.DOM0_INITRD, DOM0_INITRD_ADDR)
    for d, addr in zip(domains, addrs):
        extra += dom0less.loader_args(d.kernel, addr)
    dtb = dom0less.compile_dtb(name, dts, mem=mem)
    return Machine(name, SABLE, mem=mem, append="dom0_mem=512M", dtb=dtb,
                   extra=extra).start()


def cpu_line(m):
    """/proc/stat's cpu line: (user+nice+system, idle, steal) in ticks."""
    rc, out = xenref.shell(m, "head -n 1 /proc/stat")
    assert rc == 0, out
    f = re.search(r"^cpu\s+(.*)$", out, re.M).group(1).split()
    v = [int(x) for x in f]
    return v[0] + v[1] + v[2], v[3], v[7]


def test_dom0_sees_steal_time_when_its_pcpus_are_shared():
    need(SABLE, guest("spin"), xenref.KERNEL, xenref.DOM0_INITRD)
    hogs = [dom0less.Domain(f"hog{i}", guest("spin"), "spin.ms=900000")
            for i in (1, 2)]
    m = boot_with_dom0("sable-steal", hogs)
    try:
        m.expect(r"\(d2\) spin: spinning", timeout=TIMEOUT)
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        busy0, _, steal0 = cpu_line(m)
        # Both dom0 vCPUs busy for BUSY_S seconds of dom0's clock.
        rc, out = xenref.shell(
            m, f"for i in 1 2; do timeout {BUSY_S} sh -c "
            "'while :; do :; done' & done; wait", timeout=120)
        busy1, _, steal1 = cpu_line(m)
        m.sendline("poweroff")
        m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == [], out
    steal, busy = steal1 - steal0, busy1 - busy0
    print(f"steal {steal} ticks, busy {busy} ticks over {BUSY_S} s x 2")
    # Each dom0 vCPU shares its pCPU with a hog at equal weight: about
    # half of its time is stolen. At least a fifth of the busy time.
    assert steal * 5 >= busy, (steal, busy)
    assert steal > 0


LINUX_KERNEL_ADDR = 0x50000000
LINUX_INITRD_ADDR = 0x58000000
HOG_ADDRS = (0x5c000000, 0x5d000000)


def linux_domu_and_hogs_dts(bootargs):
    """domU1: Linux with 2 vCPUs and the domU initramfs; domU2 and domU3:
    the spinning hogs."""
    out = ["/ {", "\tchosen {", "\t\tdomU1 {",
           '\t\t\tcompatible = "xen,domain";',
           "\t\t\t#address-cells = <1>;", "\t\t\t#size-cells = <1>;",
           f"\t\t\tmemory = <0 {256 * 1024}>;", "\t\t\tcpus = <2>;",
           "\t\t\tvpl011;",
           f"\t\t\tmodule@{LINUX_KERNEL_ADDR:x} {{",
           '\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";',
           f"\t\t\t\treg = <0x{LINUX_KERNEL_ADDR:x} "
           f"0x{os.path.getsize(xenref.KERNEL):x}>;",
           f'\t\t\t\tbootargs = "{bootargs}";', "\t\t\t};",
           f"\t\t\tmodule@{LINUX_INITRD_ADDR:x} {{",
           '\t\t\t\tcompatible = "multiboot,ramdisk", "multiboot,module";',
           f"\t\t\t\treg = <0x{LINUX_INITRD_ADDR:x} "
           f"0x{os.path.getsize(xenref.DOMU_INITRD):x}>;", "\t\t\t};",
           "\t\t};"]
    for i, addr in enumerate(HOG_ADDRS):
        out += [f"\t\tdomU{i + 2} {{",
                '\t\t\tcompatible = "xen,domain";',
                "\t\t\t#address-cells = <1>;", "\t\t\t#size-cells = <1>;",
                "\t\t\tmemory = <0 16384>;", "\t\t\tcpus = <1>;",
                "\t\t\tvpl011;",
                f"\t\t\tmodule@{addr:x} {{",
                '\t\t\t\tcompatible = "multiboot,kernel", '
                '"multiboot,module";',
                f"\t\t\t\treg = <0x{addr:x} "
                f"0x{os.path.getsize(guest('spin')):x}>;",
                '\t\t\t\tbootargs = "spin.ms=900000";', "\t\t\t};",
                "\t\t};"]
    return "\n".join(out + ["\t};", "};", ""])


def test_linux_domu_sees_steal_time_when_its_pcpus_are_shared():
    need(SABLE, guest("spin"), xenref.KERNEL, xenref.DOMU_INITRD)
    name = "sable-steal-domu"
    dtb = dom0less.compile_dtb(
        name, linux_domu_and_hogs_dts(
            f"console=ttyAMA0 sable.test=steal sable.busy={BUSY_S}"),
        mem=2048)
    extra = (dom0less.loader_args(xenref.KERNEL, LINUX_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOMU_INITRD, LINUX_INITRD_ADDR))
    for addr in HOG_ADDRS:
        extra += dom0less.loader_args(guest("spin"), addr)
    m = Machine(name, SABLE, mem=2048, append="", dtb=dtb,
                extra=extra).start()
    try:
        m.expect(xenref.RESULT_RE, timeout=TIMEOUT)
        result = m.child.match.group(0)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == [], out
    steal = re.search(r"STEAL steal=(\d+) busy=(\d+)", out)
    assert steal, out
    print(f"domU: steal {steal.group(1)} ticks, busy {steal.group(2)} "
          f"ticks over {BUSY_S} s x 2")
    assert "PASS" in result, out
