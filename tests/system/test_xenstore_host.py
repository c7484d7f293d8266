"""Sable's xenstored on the host: Debian's xenstore tools and a raw client.

The daemon (build/host/xenstored) listens on a socket in a temporary
directory; libxenstore finds it through XENSTORED_PATH. Each test gets a
fresh daemon, which is always killed at the end.
"""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from xs_client import XS, XsClient, XsError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DAEMON = os.path.join(ROOT, "build", "host", "xenstored")
BENCH = os.path.join(ROOT, "build", "host", "xs-bench")

pytestmark = [
    pytest.mark.skipif(not os.path.exists("/usr/bin/xenstore-read"),
                       reason="xenstore-utils not installed"),
    pytest.mark.skipif(not os.path.exists(DAEMON),
                       reason="build/host/xenstored not built (make build)"),
]


class Daemon:
    def __init__(self, tmp, args=()):
        self.path = str(tmp / "xenstored.sock")
        self.env = dict(os.environ, XENSTORED_PATH=self.path)
        self.proc = subprocess.Popen([DAEMON, "--no-dom0-ring", *args],
                                     env=self.env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        end = time.time() + 5
        while not os.path.exists(self.path):
            assert self.proc.poll() is None, "daemon exited"
            assert time.time() < end, "daemon did not start"
            time.sleep(0.02)

    def tool(self, name, *args, check=True, timeout=5):
        proc = subprocess.run(["/usr/bin/" + name, *args], env=self.env,
                              capture_output=True, text=True,
                              timeout=timeout)
        if check:
            assert proc.returncode == 0, (name, args, proc.stderr)
        return proc

    def client(self):
        return XsClient(self.path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read().decode(errors="replace")
        assert "AddressSanitizer" not in err, err
        assert "runtime error" not in err, err
        assert "refused system call" not in err, err
        return err


@pytest.fixture
def xsd(tmp_path):
    d = Daemon(tmp_path)
    yield d
    d.stop()


def test_tools_write_read_list_exists_rm(xsd):
    xsd.tool("xenstore-write", "/vm/a", "one", "/vm/b/c", "two")
    assert xsd.tool("xenstore-read", "/vm/a").stdout == "one\n"
    assert xsd.tool("xenstore-read", "/vm/b/c").stdout == "two\n"
    assert xsd.tool("xenstore-list", "/vm").stdout.split() == ["a", "b"]
    ls = xsd.tool("xenstore-ls", "/vm").stdout
    assert 'a = "one"' in ls and 'c = "two"' in ls
    assert xsd.tool("xenstore-exists", "/vm/a").returncode == 0
    assert xsd.tool("xenstore-exists", "/vm/zz", check=False).returncode != 0
    xsd.tool("xenstore-rm", "/vm/b")
    assert xsd.tool("xenstore-list", "/vm").stdout.split() == ["a"]
    miss = xsd.tool("xenstore-read", "/vm/b/c", check=False)
    assert miss.returncode != 0


def test_initial_tree(xsd):
    top = xsd.tool("xenstore-list", "/").stdout.split()
    assert "tool" in top and "local" in top
    assert "0" in xsd.tool("xenstore-list", "/local/domain").stdout.split()


def test_tools_chmod_sets_permissions(xsd):
    xsd.tool("xenstore-write", "/perm/x", "v")
    xsd.tool("xenstore-chmod", "/perm/x", "n5", "r6", "b7")
    c = xsd.client()
    assert c.request("GET_PERMS", "/perm/x") == b"n5\0r6\0b7\0"
    ls = xsd.tool("xenstore-ls", "-p", "/perm").stdout
    assert "(n5,r6,b7)" in ls
    bad = xsd.tool("xenstore-chmod", "/perm/x", "z9", check=False)
    assert bad.returncode != 0


def test_tools_watch_sees_changes(xsd):
    xsd.tool("xenstore-write", "/w/x", "0")
    watch = subprocess.Popen(["/usr/bin/xenstore-watch", "-n", "3", "/w"],
                             env=xsd.env, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        xsd.tool("xenstore-write", "/w/x", "1")
        xsd.tool("xenstore-rm", "/w/x")
        out, _ = watch.communicate(timeout=5)
    finally:
        watch.kill()
    lines = out.split()
    assert lines[0] == "/w"  # fires once on registration
    assert lines[1:] == ["/w/x", "/w/x"]


def test_tools_large_directory(xsd):
    c = xsd.client()
    for i in range(400):
        c.write("/many/entry-with-a-long-name-%04d" % i, b"")
    with pytest.raises(XsError) as e:
        c.directory("/many")
    assert e.value.name == "E2BIG"
    names = xsd.tool("xenstore-list", "/many").stdout.split()
    assert len(names) == 400
    assert names[0] == "entry-with-a-long-name-0000"


def test_raw_overlapping_transactions_conflict(xsd):
    a, b = xsd.client(), xsd.client()
    a.write("/tx/k", b"0")
    ta, tb = a.start(), b.start()
    assert a.read("/tx/k", ta) == b"0"
    assert b.read("/tx/k", tb) == b"0"
    a.write("/tx/k", b"a", ta)
    b.write("/tx/k", b"b", tb)
    assert b.read("/tx/k") == b"0"  # isolated until commit
    assert a.end(ta) == b"OK\0"
    with pytest.raises(XsError) as e:
        b.end(tb)
    assert e.value.name == "EAGAIN"
    assert xsd.tool("xenstore-read", "/tx/k").stdout == "a\n"


def test_raw_watch_and_relative_path(xsd):
    c, w = xsd.client(), xsd.client()
    assert w.request("WATCH", "/rel", "tok") == b"OK\0"
    assert w.wait_event() == b"/rel\0tok\0"
    c.write("rel-node", b"x")  # socket clients are dom0
    assert c.read("/local/domain/0/rel-node") == b"x"
    c.write("/rel/a", b"1")
    assert w.wait_event() == b"/rel/a\0tok\0"
    assert c.request("GET_DOMAIN_PATH", "3") == b"/local/domain/3\0"
    assert c.request("IS_DOMAIN_INTRODUCED", "0") == b"T\0"


def test_quota_requests_and_command_line(tmp_path):
    d = Daemon(tmp_path, ["--quota", "watches=7", "-E", "50"])
    try:
        c = d.client()
        assert c.request("GET_QUOTA", "watches") == b"7\0"
        assert c.request("GET_QUOTA", "nodes") == b"50\0"
        assert c.request("SET_QUOTA", "nodes", "60") == b"OK\0"
        assert c.request("GET_QUOTA", "nodes") == b"60\0"
    finally:
        d.stop()


def _served(client):
    return client.read("/tool") == b""


MALFORMED = {
    "oversize_length": ("close", struct.pack("<IIII", 2, 1, 0, 5000)),
    "unknown_type": ("ENOSYS", struct.pack("<IIII", 77, 1, 0, 2) + b"/\0"),
    "removed_restrict": ("ENOSYS", struct.pack("<IIII", 20, 1, 0, 2) + b"/\0"),
    "missing_nul": ("EINVAL", struct.pack("<IIII", 2, 1, 0, 5) + b"/tool"),
    "bad_chars": ("EINVAL", struct.pack("<IIII", 2, 1, 0, 6) + b"/a b\0\0"),
    "double_slash": ("EINVAL", struct.pack("<IIII", 11, 1, 0, 6) + b"//a\0xy"),
    "write_no_value_nul": ("EINVAL",
                           struct.pack("<IIII", 11, 1, 0, 4) + b"/abc"),
    "bad_txn_id": ("ENOENT", struct.pack("<IIII", 2, 1, 99, 6) + b"/tool\0"),
    "txn_end_garbage": ("ENOENT", struct.pack("<IIII", 7, 1, 5, 2) + b"Q\0"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_message(xsd, case):
    expect, data = MALFORMED[case]
    other = xsd.client()
    bad = xsd.client()
    bad.send_raw(data)
    if expect == "close":
        assert bad.is_closed()
    else:
        mtype, rid, tx, payload = bad.recv()
        assert mtype == XS["ERROR"] and rid == 1
        assert payload == expect.encode() + b"\0"
        assert _served(bad)
    assert _served(other)


def test_disconnect_mid_message(xsd):
    other = xsd.client()
    for cut in (3, 16, 20):
        bad = xsd.client()
        msg = struct.pack("<IIII", 11, 1, 0, 10) + b"/cut\0hello"
        bad.send_raw(msg[:cut])
        bad.close()
    assert _served(other)
    assert xsd.tool("xenstore-exists", "/cut", check=False).returncode != 0


def test_slow_reader_is_dropped(xsd):
    other = xsd.client()
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(xsd.path)
    token = b"t" * 2000
    slow.sendall(struct.pack("<IIII", 4, 1, 0, 8 + len(token)) +
                 b"/flood\0" + token + b"\0")
    value = b"v"
    for i in range(1500):
        other.write("/flood/%d" % (i % 10), value)
    # The daemon stayed responsive for the other client throughout.
    assert _served(other)
    slow.settimeout(2)
    closed = False
    try:
        while True:
            if not slow.recv(1 << 20):
                closed = True
                break
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    assert closed
    slow.close()


def test_bench_smoke(xsd):
    if not os.path.exists(BENCH):
        pytest.skip("build/host/xs-bench not built")
    out = subprocess.run([BENCH, "--socket", xsd.path, "--seconds", "1"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ops/s") >= 4


def proc_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f)


def confined_status(d):
    """The daemon's /proc status once it has entered its sandbox (it
    listens just before)."""
    end = time.time() + 5
    while True:
        st = proc_status(d.proc.pid)
        if st["Seccomp"] == "2" or time.time() > end:
            return st
        time.sleep(0.02)


NO_CAPS = "0000000000000000"


def test_daemon_is_confined_to_its_socket_directory(tmp_path):
    d = Daemon(tmp_path)
    try:
        st = confined_status(d)
        assert st["Seccomp"] == "2" and st["NoNewPrivs"] == "1", st
        for caps in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
            assert st[caps] == NO_CAPS, st
        if os.geteuid() == 0:
            assert st["CapBnd"] == NO_CAPS, st
            assert os.readlink(f"/proc/{d.proc.pid}/root") == str(tmp_path)
        d.tool("xenstore-write", "/box/a", "one")
        assert d.tool("xenstore-read", "/box/a").stdout == "one\n"
    finally:
        err = d.stop()
    assert "xenstored: sandboxed" in err, err
    if os.geteuid() == 0:
        # Removed from inside its own root on SIGTERM.
        assert not os.path.exists(d.path)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to change user")
def test_daemon_serves_as_another_user(tmp_path):
    d = Daemon(tmp_path, ["--user", "65534:65534"])
    try:
        st = confined_status(d)
        assert st["Uid"].split() == ["65534"] * 4, st
        assert st["Gid"].split() == ["65534"] * 4, st
        assert st["Groups"].strip() == "", st
        d.tool("xenstore-write", "/box/a", "one")
        c = d.client()
        assert c.read("/box/a") == b"one"
        c.close()
    finally:
        d.stop()


def test_user_needs_the_sandbox(tmp_path):
    out = subprocess.run([DAEMON, "--no-sandbox", "--user", "1",
                          "--socket", str(tmp_path / "s")],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2
    assert "--user needs the sandbox" in out.stderr


def test_no_sandbox_keeps_the_process_as_started(tmp_path):
    d = Daemon(tmp_path, ["--no-sandbox"])
    try:
        d.tool("xenstore-write", "/box/a", "one")
        assert proc_status(d.proc.pid)["Seccomp"] == "0"
    finally:
        err = d.stop()
    assert "sandboxed" not in err, err
    assert not os.path.exists(d.path)


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/usr/bin/setpriv"),
                    reason="needs root and setpriv to start as another user")
def test_daemon_that_cannot_confine_itself_serves_nothing():
    # Started as nobody and asked to become root: setresuid fails, so the
    # daemon exits before its first request instead of serving unconfined.
    d = tempfile.mkdtemp(prefix="xsd-nobody-")
    os.chmod(d, 0o777)
    sock = os.path.join(d, "s")
    try:
        out = subprocess.run(["/usr/bin/setpriv", "--reuid", "65534",
                              "--regid", "65534", "--clear-groups", DAEMON,
                              "--no-dom0-ring", "--socket", sock,
                              "--user", "0"],
                             capture_output=True, text=True, timeout=10)
    finally:
        shutil.rmtree(d)
    assert out.returncode == 1, out.stderr
    assert "sandbox: user and groups: Operation not permitted" in out.stderr
    assert "sandboxed" not in out.stderr
