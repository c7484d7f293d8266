"""Boot-time domains (docs/boot-domains.md) beside dom0: dom0 Linux and a
domU built from the same device tree, the toolstack seeing the domU, and
bad descriptions reported clearly while everything else keeps running."""
import os
import re
import time

import pytest

import dom0less
import xenref
from qemu import Machine, build
from scenarios import SABLE, guest

DOM0_KERNEL_ADDR = 0x70000000
DOM0_INITRD_ADDR = 0x78000000
TIMEOUT = 120


def need(*paths):
    missing = xenref.missing(*paths)
    if missing or xenref.qemu_missing():
        pytest.skip("missing: " + ", ".join(missing or
                                            [xenref.qemu_missing()]))


def dom0_dts(kernel, initrd, bootargs):
    """dom0's modules as direct children of /chosen (QEMU's guest-loader
    adds none to a tree given with -dtb)."""
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


def boot(name, domains, dom0=None, cmdline="dom0_mem=512M", mem=2048):
    """Sable with the boot-time @domains and, if given, dom0 (kernel,
    initrd); returns the started Machine."""
    addrs = dom0less.module_addrs(domains)
    dts = dom0less.chosen_dts(domains, addrs)
    extra = []
    if dom0:
        dts += dom0_dts(dom0[0], dom0[1], xenref.DOM0_BOOTARGS)
        extra += dom0less.loader_args(dom0[0], DOM0_KERNEL_ADDR)
        extra += dom0less.loader_args(dom0[1], DOM0_INITRD_ADDR)
    for d, addr in zip(domains, addrs):
        extra += dom0less.loader_args(d.kernel, addr)
    dtb = dom0less.compile_dtb(name, dts, mem=mem)
    return Machine(name, SABLE, mem=mem, append=cmdline, dtb=dtb,
                   extra=extra).start()


def test_dom0_and_a_boot_time_domain_with_xl_list_and_privcmd():
    need(SABLE, guest("hello"), xenref.KERNEL, xenref.DOM0_INITRD)
    doms = [dom0less.Domain("hello", guest("hello"), "boot-time")]
    m = boot("sable-dom0-and-domu", doms,
             dom0=(xenref.KERNEL, xenref.DOM0_INITRD))
    try:
        m.expect(r"\(d1\) GUEST-RESULT", timeout=TIMEOUT)
        m.expect(r"domain 1 \(domU1\) shut down: poweroff", timeout=TIMEOUT)
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = xenref.shell(m, "xl list")
        assert rc == 0, out
        # Time(s) is the domain's CPU time: any number of seconds.
        rows = [l.split()[:5] for l in out.splitlines()[1:] if l.strip()]
        assert all(float(l.split()[5]) >= 0
                   for l in out.splitlines()[1:] if l.strip()), out
        assert ["Domain-0", "0", "512", "2", "r-----"] in rows or \
            ["Domain-0", "0", "512", "2", "-b----"] in rows, out
        assert ["domU1", "1", "16", "1", "---s--"] in rows, out
        rc, out = xenref.shell(m, "xl domid domU1")
        assert (rc, out.strip()) == (0, "1")
        rc, out = xenref.shell(m, "xl list nosuch")
        assert rc == 1 and "no domain nosuch" in out
        # privcmd: dom0 maps the domU's first page (its kernel Image)
        # and its grant table frame, and gives them back.
        rc, out = xenref.shell(m, "privcmd-test 1 0x40000")
        assert rc == 0 and "privcmd-test: PASS" in out, out
        m.sendline("poweroff")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    assert re.search(r"domain 1 \(domU1\): 1 vCPUs, 16 MiB at 0x40000000",
                     out)
    assert status == 0


def test_malformed_description_stops_with_a_clear_error():
    need(SABLE, guest("hello"))
    doms = [dom0less.Domain("hello", guest("hello"), cpus=0)]
    m = boot("sable-bootdom-bad-cpus", doms, cmdline="")
    try:
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert "boot-time domain domU1: missing or out-of-range cpus" in out
    assert status == 2


def test_a_domain_that_cannot_be_built_is_skipped():
    """domU1's kernel is not an arm64 Image: reported, skipped; domU2
    still runs and the machine ends when it is done."""
    need(SABLE, guest("hello"), xenref.DOM0_INITRD)
    doms = [dom0less.Domain("bad", xenref.DOM0_INITRD),
            dom0less.Domain("hello", guest("hello"))]
    m = boot("sable-bootdom-skip", doms, cmdline="")
    try:
        m.expect(r"\(d2\) GUEST-RESULT", timeout=TIMEOUT)
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert "domain domU1: kernel at 0x50000000 is not an arm64 Image" in out
    assert "domain domU1 (1) not built" in out
    assert "(d1)" not in out
    assert "no domain left: powering off (status 0)" in out
    assert status == 0


LINUX_KERNEL_ADDR = 0x50000000
LINUX_INITRD_ADDR = 0x58000000


def linux_domu_dts(kernel, initrd, bootargs, vcpus=2, mem_mib=256,
                   enhanced=False):
    return "\n".join([
        "/ {", "\tchosen {", "\t\tdomU1 {",
        '\t\t\tcompatible = "xen,domain";',
        "\t\t\t#address-cells = <1>;", "\t\t\t#size-cells = <1>;",
        f"\t\t\tmemory = <0 {mem_mib * 1024}>;", f"\t\t\tcpus = <{vcpus}>;",
        "\t\t\tvpl011;"] + (
        ['\t\t\txen,enhanced = "enabled";'] if enhanced else []) + [
        f"\t\t\tmodule@{LINUX_KERNEL_ADDR:x} {{",
        '\t\t\t\tcompatible = "multiboot,kernel", "multiboot,module";',
        f"\t\t\t\treg = <0x{LINUX_KERNEL_ADDR:x} "
        f"0x{os.path.getsize(kernel):x}>;",
        f'\t\t\t\tbootargs = "{bootargs}";', "\t\t\t};",
        f"\t\t\tmodule@{LINUX_INITRD_ADDR:x} {{",
        '\t\t\t\tcompatible = "multiboot,ramdisk", "multiboot,module";',
        f"\t\t\t\treg = <0x{LINUX_INITRD_ADDR:x} "
        f"0x{os.path.getsize(initrd):x}>;", "\t\t\t};",
        "\t\t};", "\t};", "};", ""])


def test_stock_linux_as_a_boot_time_domu():
    """Debian's kernel as domU1 (2 vCPUs, 256 MiB, console on the emulated
    UART, no dom0): Xen found, FIFO events, both CPUs, the scripted smoke
    checks pass, and its poweroff ends the machine."""
    need(SABLE, xenref.KERNEL, xenref.DOMU_INITRD)
    name = "sable-linux-domu"
    dtb = dom0less.compile_dtb(
        name, linux_domu_dts(xenref.KERNEL, xenref.DOMU_INITRD,
                             "console=ttyAMA0 sable.test=smoke"), mem=2048)
    extra = (dom0less.loader_args(xenref.KERNEL, LINUX_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOMU_INITRD, LINUX_INITRD_ADDR))
    m = Machine(name, SABLE, mem=2048, append="", dtb=dtb,
                extra=extra).start()
    try:
        m.expect(xenref.RESULT_RE, timeout=TIMEOUT)
        result = m.child.match.group(0)
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    assert "PASS" in result, out
    for want in ["(d1) [", "Xen 4.17 support found",
                 "xen:events: Using FIFO-based ABI",
                 "Grant tables using version 1 layout",
                 "smp: Brought up 1 node, 2 CPUs",
                 "ttyAMA0 at MMIO 0x22000000"]:
        assert want in out, want
    for bad in ["WARNING:", "BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
    assert "domain 1 (domU1) shut down: poweroff" in out
    assert status == 0


def test_hostile_guest_as_a_boot_time_domu():
    """The hostile guest as domU1 beside a well-behaved domU2: every bad
    call gets its error (the control hypercall is refused to a domU), and
    domU2 runs to its end untouched."""
    need(SABLE, guest("hostile"), guest("hello"))
    doms = [dom0less.Domain("hostile", guest("hostile")),
            dom0less.Domain("hello", guest("hello"))]
    m = boot("sable-bootdom-hostile", doms, cmdline="")
    try:
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    assert re.search(r"\(d1\) GUEST-RESULT: \d+ passed, 0 failed", out), out
    assert "(d1) GUEST-TEST sable_ctl_refused_to_domu: PASS" in out
    assert "(d1) hostile: still alive" in out
    assert re.search(r"\(d2\) GUEST-RESULT: \d+ passed, 0 failed", out), out
    assert "no domain left: powering off (status 0)" in out
    assert status == 0


def dom0_shell(m, cmd, timeout=30):
    """xenref.shell without the domU's console lines ("(d1) ..." on Sable,
    "(XEN) DOM1: ..." on Xen) that may land in the middle of dom0's
    output. Keep @cmd short: Xen's console input ring for dom0 holds 128
    characters and drops the rest while a domU's output keeps it busy."""
    rc, out = xenref.shell(m, cmd, timeout=timeout)
    keep = [l for l in out.splitlines()
            if not l.startswith("(d") and "DOM1:" not in l]
    return rc, "\n".join(keep)


def poll_dom0(m, cmd, done, timeout=TIMEOUT):
    """Run @cmd in dom0 every second until done(output) holds; return
    (held, last output)."""
    deadline = time.monotonic() + timeout
    while True:
        rc, out = dom0_shell(m, cmd)
        if done(out) or time.monotonic() > deadline:
            return done(out), out
        time.sleep(1)


def wait_for_node(m, path, want, timeout=TIMEOUT):
    """Poll xenstore-read in dom0 until @path reads @want."""
    return poll_dom0(m, f"xenstore-read {path}",
                     lambda out: want in [l.strip() for l in out.splitlines()],
                     timeout)


XEN_TOOLS_INITRD = build("dom0-xsbench-initrd.cpio.gz")
XEN_INIT_DOM0LESS = "/usr/lib/xen-4.17/bin/init-dom0less"


def boot_dom0_and_enhanced_linux(name, hypervisor, cmdline, dom0_initrd,
                                 domu_bootargs=""):
    """dom0 and Debian's kernel as domU1 with xen,enhanced (1 vCPU,
    256 MiB, console on the emulated UART, @domu_bootargs added to its
    command line); returns the started Machine."""
    dts = linux_domu_dts(xenref.KERNEL, xenref.DOMU_INITRD,
                         f"console=ttyAMA0 quiet {domu_bootargs}".strip(),
                         vcpus=1, enhanced=True)
    dts = dts.replace("\tchosen {", "\tchosen {\n\t\txen,xen-bootargs = "
                      f'"{cmdline}";', 1)
    dts += dom0_dts(xenref.KERNEL, dom0_initrd, xenref.DOM0_BOOTARGS)
    extra = (dom0less.loader_args(xenref.KERNEL, LINUX_KERNEL_ADDR) +
             dom0less.loader_args(xenref.DOMU_INITRD, LINUX_INITRD_ADDR) +
             dom0less.loader_args(xenref.KERNEL, DOM0_KERNEL_ADDR) +
             dom0less.loader_args(dom0_initrd, DOM0_INITRD_ADDR))
    dtb = dom0less.compile_dtb(name, dts, mem=2048)
    return Machine(name, hypervisor, mem=2048, append=cmdline, dtb=dtb,
                   extra=extra).start()


def check_domu_store_and_shutdown(m, release, name="domU1"):
    """In dom0: the domU's xenbus has written its control features through
    its ring; a shutdown request written to xenstore powers it off; with
    @release, @releaseDomain fires and xl lists the domain shut down."""
    ok, out = wait_for_node(m, "/local/domain/1/control/feature-poweroff",
                            "1")
    assert ok, out
    ok, out = wait_for_node(m, "/local/domain/1/name", name, 10)
    assert ok, out
    if release:
        rc, out = dom0_shell(m, "(xenstore-watch -n 2 @releaseDomain "
                             ">/tmp/release 2>&1 &)")
        assert rc == 0, out
    rc, out = dom0_shell(m, "xenstore-write /local/domain/1/control/shutdown"
                         " poweroff")
    assert rc == 0, out
    m.expect(r"(\(d1\)|DOM1:) [^\n]*reboot: Power down", timeout=TIMEOUT)
    # The daemon served the domU's ring from inside its sandbox.
    rc, out = dom0_shell(m, "cat /var/log/xen/xenstored.log")
    assert "xenstored: sandboxed" in out, out
    assert "refused system call" not in out, out
    if not release:
        return
    ok, out = poll_dom0(m, "cat /tmp/release",
                        lambda out: out.count("@releaseDomain") >= 2, 30)
    assert ok, out
    rc, out = dom0_shell(m, "sleep 1; cat /tmp/release")
    assert "must be installed" not in out, out  # xenstore-watch exits clean
    rc, out = dom0_shell(m, "xl list domU1")
    assert rc == 0 and "---s--" in out, out


def test_linux_domu_connects_to_dom0_xenstore_and_release_fires():
    """A stock Linux domU with xen,enhanced beside dom0 on Sable: dom0's
    init introduces it to xenstored (xl init-dom0less), the domU's xenbus
    connects over its ring and writes its control features; a shutdown
    request through xenstore powers it off, and @releaseDomain fires in
    dom0."""
    need(SABLE, xenref.KERNEL, xenref.DOM0_INITRD, xenref.DOMU_INITRD)
    m = boot_dom0_and_enhanced_linux("sable-dom0-linux-domu-xenstore", SABLE,
                                     "dom0_mem=512M", xenref.DOM0_INITRD)
    try:
        m.expect(r"domain 1 \(domU1\): xenstore page 0x39001, port \d+",
                 timeout=TIMEOUT)
        m.expect(r"domain 1 \(domU1\): xenstore introduced", timeout=TIMEOUT)
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        # Running the toolstack again changes nothing.
        rc, out = dom0_shell(m, "xl init-dom0less")
        assert rc == 0 and "already introduced" in out, out
        check_domu_store_and_shutdown(m, release=True)
        m.sendline("poweroff")
        status = m.wait_exit(timeout=TIMEOUT)
    finally:
        m.close()
    out = m.output()
    assert m.errors() == []
    for bad in ["WARNING:", "BUG:", "Oops", "Kernel panic"]:
        assert bad not in out, bad
    assert "domain 1 (domU1) shut down: poweroff" in out
    assert status == 0


def test_same_domu_on_xen_introduced_by_xens_init_dom0less():
    """The same machine on Debian's Xen 4.17, with Sable's xenstored in dom0
    and the domU introduced by Xen's own init-dom0less (xen-utils-4.17):
    the domU connects over its ring and obeys control/shutdown. Sable's
    xenstored learns that a domain died from Sable's control interface
    only, so @releaseDomain is not checked here."""
    need(xenref.XEN, xenref.KERNEL, XEN_TOOLS_INITRD, xenref.DOMU_INITRD)
    m = boot_dom0_and_enhanced_linux(
        "xen-dom0-linux-domu-xenstore", xenref.XEN,
        xenref.XEN_BOOTARGS + " xsm=dummy", XEN_TOOLS_INITRD)
    try:
        xenref.wait_ready(m, timeout=TIMEOUT)
        xenref.wait_prompt(m)
        rc, out = dom0_shell(m, XEN_INIT_DOM0LESS, timeout=60)
        assert rc == 0, out
        # Xen's helper names the domain itself.
        check_domu_store_and_shutdown(m, release=False, name="dom0less-1")
    finally:
        m.close()
    assert xenref.errors(m) == [], xenref.errors(m)
