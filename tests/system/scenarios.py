"""Ways to boot Sable under QEMU, shared by the system tests, the benchmarks
and `make run`."""
import os

from qemu import Machine, Module, build, cache

SABLE = build("sable.bin")
KERNEL_ADDR = 0x50000000  # clear of QEMU's DTB at RAM base + 128 MiB
INITRD_ADDR = 0x60000000


def guest(name):
    return build("guests", f"{name}.bin")


def sable_machine(name, kernel, smp=2, mem=1024, cmdline="dom0_mem=64M",
                  bootargs=None, initrd=None, extra=()):
    mods = [Module(KERNEL_ADDR, kernel, "kernel", bootargs)]
    if initrd:
        mods.append(Module(INITRD_ADDR, initrd, "initrd"))
    return Machine(name, SABLE, smp=smp, mem=mem, append=cmdline,
                   modules=mods, extra=extra)


RUN_HINT = """\
run: Sable, dom0 and the demo domU (/etc/xen/demo.cfg, started by dom0's
run: init with `xl create`). At dom0's prompt:
run:   xl list             the domains
run:   xl console demo     the demo domU's shell (Ctrl-] comes back)
run: `poweroff` in dom0 ends the run; Ctrl-a x quits QEMU at any time."""


def run_argv():
    """`make run`: Sable with dom0 Linux and the initramfs when they exist
    (with the guests overlay and the demo domU started at boot when it is
    built), else Sable with the first bare-metal guest."""
    kernel = cache("vmlinuz")
    initrd = build("dom0-initrd.cpio.gz")
    guests = build("dom0-guests-initrd.cpio.gz")
    if os.environ.get("SABLE_RUN") == "guest" or not os.path.exists(initrd):
        m = sable_machine("run", guest("hello"))
    else:
        bootargs = "console=hvc0 earlycon=xenboot rdinit=/init"
        if os.path.exists(guests):
            initrd = guests
            bootargs += " sable.autostart=demo"
        m = sable_machine("run", kernel, mem=2048,
                          cmdline="dom0_mem=512M dom0_max_vcpus=2",
                          bootargs=bootargs, initrd=initrd)
    return m.argv()
