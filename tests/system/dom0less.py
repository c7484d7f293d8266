"""Boot-time domains without dom0 ("dom0less"), as Xen's arm device-tree
binding describes them (docs/misc/arm/device-tree/booting.txt).

The device tree is QEMU virt's own (dumped once with the same machine
options), plus one /chosen node per domain:

    domU1 {
        compatible = "xen,domain";
        #address-cells = <1>; #size-cells = <1>;
        memory = <0 KiB>; cpus = <1>; vpl011;
        module@ADDR {
            compatible = "multiboot,kernel", "multiboot,module";
            reg = <ADDR SIZE>; bootargs = "...";
        };
    };

Domains get domain ids 1, 2, ... in node order. The images are loaded raw
at their module addresses by QEMU's generic loader, and the same tree and
images boot on Sable and on Xen 4.17:

    doms = [Domain("ping", guest("pingpong"), "pingpong.role=server"), ...]
    m = boot("name", SABLE, "", doms)          # started Machine
    m = boot("name", xenref.XEN, XEN_CMDLINE, doms)

Also the ping-pong pair (guests/pingpong) that the interdomain system test
and the event-channel benchmark boot, and the parser of its output.
"""
import os
import re
import shutil
import subprocess

from qemu import BUILD, DEFAULT_CPU, Machine, build

MiB = 1 << 20
# Module images: clear of the hypervisor image at the start of RAM and of
# the device tree QEMU places at RAM + 128 MiB (0x48000000).
MODULE_BASE = 0x50000000
MODULE_STRIDE = 16 * MiB

# Xen 4.17: its console on QEMU's PL011, every log level, guest lines too.
# Debian's arm build defaults to the SILO XSM policy, which forbids event
# channels and grants between two unprivileged domains: the dummy (default
# Xen) policy allows them.
XEN_CMDLINE = ("console=dtuart dtuart=/pl011@9000000 loglvl=all "
               "guest_loglvl=all xsm=dummy")
SABLE_CMDLINE = ""


def tools_missing():
    """A reason string if QEMU or dtc is not installed, else None."""
    for tool, pkg in (("qemu-system-aarch64", "qemu-system-arm"),
                      ("dtc", "device-tree-compiler")):
        if shutil.which(tool) is None:
            return f"{tool} not installed ({pkg})"
    return None


class Domain:
    """One boot-time domain: a kernel image, its command line, RAM in KiB
    and vCPUs. vpl011 gives it an emulated PL011 for its console; props
    are more properties of its node, {name: dts value}, e.g.
    {"sable,on-reboot": '"restart"'}."""

    def __init__(self, name, kernel, bootargs="", mem_kib=16 * 1024, cpus=1,
                 vpl011=True, props=None):
        self.name, self.kernel, self.bootargs = name, kernel, bootargs
        self.mem_kib, self.cpus, self.vpl011 = mem_kib, cpus, vpl011
        self.props = dict(props or {})


def _dts_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chosen_dts(domains, addrs, cmdline=None, first=1):
    """The /chosen fragment (dts source) describing the domains, nodes
    domU<first>, domU<first + 1>... Xen reads its command line from
    xen,xen-bootargs when no dom0 is given, so the hypervisor's command
    line goes there as well as into bootargs."""
    out = ["/ {", "\tchosen {"]
    if cmdline is not None:
        out.append(f"\t\txen,xen-bootargs = {_dts_string(cmdline)};")
    for i, (d, addr) in enumerate(zip(domains, addrs)):
        size = os.path.getsize(d.kernel)
        out += [f"\t\tdomU{i + first} {{",
                '\t\t\tcompatible = "xen,domain";',
                "\t\t\t#address-cells = <1>;",
                "\t\t\t#size-cells = <1>;",
                f"\t\t\tmemory = <0 {d.mem_kib}>;",
                f"\t\t\tcpus = <{d.cpus}>;"]
        if d.vpl011:
            out.append("\t\t\tvpl011;")
        out += [f"\t\t\t{k} = {v};" for k, v in d.props.items()]
        out += [f"\t\t\tmodule@{addr:x} {{",
                '\t\t\t\tcompatible = "multiboot,kernel", '
                '"multiboot,module";',
                f"\t\t\t\treg = <0x{addr:x} 0x{size:x}>;",
                f"\t\t\t\tbootargs = {_dts_string(d.bootargs)};",
                "\t\t\t};",
                "\t\t};"]
    out += ["\t};", "};", ""]
    return "\n".join(out)


def machine_argv(smp, mem, cpu=None):
    """QEMU options shared by the dump and the boot (see qemu.Machine)."""
    return ["qemu-system-aarch64", "-machine",
            "virt,virtualization=on,gic-version=3",
            "-cpu", cpu or DEFAULT_CPU,
            "-smp", str(smp), "-m", str(mem), "-nographic", "-nic", "none"]


def compile_dtb(name, extra_dts, smp=2, mem=1024, cpu=None):
    """Write build/dom0less/<name>.dtb: QEMU virt's own tree for these
    machine options plus @extra_dts (dts source merged by dtc); return its
    path."""
    out_dir = os.path.join(BUILD, "dom0less")
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, name)
    argv = machine_argv(smp, mem, cpu)
    argv[2] += f",dumpdtb={base}.qemu.dtb"
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts",
                          f"{base}.qemu.dtb"], check=True,
                         capture_output=True, text=True).stdout
    with open(f"{base}.dts", "w") as f:
        f.write(dts + "\n" + extra_dts)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    f"{base}.dtb", f"{base}.dts"], check=True,
                   capture_output=True, timeout=60)
    return f"{base}.dtb"


def module_addrs(domains):
    """Where each domain's kernel is loaded (one 16 MiB slot each)."""
    for d in domains:
        if os.path.getsize(d.kernel) > MODULE_STRIDE:
            raise ValueError(f"{d.kernel} is larger than a module slot")
    return [MODULE_BASE + i * MODULE_STRIDE for i in range(len(domains))]


def loader_args(path, addr):
    """QEMU options loading @path raw at @addr."""
    return ["-device", f"loader,file={path},addr=0x{addr:x},force-raw=on"]


def make_dtb(name, domains, smp=2, mem=1024, cmdline=None,
             cpu=None):
    """Write build/dom0less/<name>.dtb (QEMU virt's tree plus the domain
    nodes); return (dtb path, module addresses)."""
    addrs = module_addrs(domains)
    return compile_dtb(name, chosen_dts(domains, addrs, cmdline), smp,
                       mem, cpu), addrs


def boot(name, hypervisor, cmdline, domains, smp=2, mem=1024,
         cpu=None):
    """Boot a hypervisor image (Xen or Sable) with the domains as
    boot-time domains on QEMU's @cpu model; return the started
    Machine."""
    dtb, addrs = make_dtb(name, domains, smp, mem, cmdline, cpu)
    extra = []
    for d, addr in zip(domains, addrs):
        extra += loader_args(d.kernel, addr)
    m = Machine(name, hypervisor, smp=smp, mem=mem, append=cmdline,
                dtb=dtb, extra=extra, cpu=cpu)
    return m.start()


# ---- the ping-pong pair (guests/pingpong) ----------------------------------

PINGPONG = build("guests", "pingpong.bin")
RESULT = r"GUEST-RESULT: (\d+) passed, (\d+) failed"


def pingpong_domains(rounds=10000, upcalls=10000, wait="poll"):
    """Server domain 1 and client domain 2. wait: "poll" (SCHEDOP_poll,
    spinning with yield if the hypervisor refuses it) or "yield"."""
    common = (f"pingpong.rounds={rounds} pingpong.upcalls={upcalls} "
              f"pingpong.wait={wait}")
    return [Domain("server", PINGPONG,
                   f"pingpong.role=server pingpong.peer=2 {common}"),
            Domain("client", PINGPONG,
                   f"pingpong.role=client pingpong.peer=1 {common}")]


def parse_pingpong(out):
    """Per-domain results from a console log, with Xen's ("(XEN) DOMn: ")
    or Sable's ("(dn) ") line prefix: {domid: {"result": (passed,
    failed), "pingpong": {key: value}, "upcall": {key: value},
    "fails": [lines]}}."""
    doms = {}
    for line in out.splitlines():
        m = re.match(r"(?:\(XEN\) DOM(\d+): |\(d(\d+)\) )(.*)", line.strip())
        if not m:
            continue
        d = doms.setdefault(int(m.group(1) or m.group(2)), {"fails": []})
        text = m.group(3)
        r = re.match(RESULT, text)
        if r:
            d["result"] = (int(r.group(1)), int(r.group(2)))
        for key, tag in (("pingpong", "PINGPONG "), ("upcall", "UPCALL ")):
            if text.startswith(tag):
                d[key] = dict(kv.split("=", 1) for kv in text.split()[1:]
                              if "=" in kv)
        if ": FAIL" in text:
            d["fails"].append(text)
    return doms


def run_pingpong(name, hypervisor, cmdline, domains, timeout=240):
    """Boot the pair, wait for both result lines, stop QEMU (Xen without
    dom0 keeps running once its domains are gone). Returns (Machine,
    parsed results); raises pexpect's TIMEOUT or EOF."""
    m = boot(name, hypervisor, cmdline, domains)
    try:
        for _ in domains:
            m.expect(RESULT, timeout=timeout)
    finally:
        m.close()
    return m, parse_pingpong(m.output())
