"""A raw XenStore wire-protocol client for tests (Unix socket).

Messages are a 16-byte header (type, req_id, tx_id, len; little-endian
u32) and len bytes of payload. Watch events arrive unsolicited and are
kept in `events` while waiting for a reply.
"""
import socket
import struct
import time

XS = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
          TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
          GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
          WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
          SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22,
          GET_FEATURE=23, SET_FEATURE=24, GET_QUOTA=25, SET_QUOTA=26)
HDR = struct.Struct("<IIII")


class XsError(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


class XsClient:
    def __init__(self, path, timeout=3.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.events = []
        self.next_id = 1

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, mtype, payload=b"", tx_id=0, req_id=None, length=None):
        if req_id is None:
            req_id = self.next_id
            self.next_id += 1
        if length is None:
            length = len(payload)
        self.send_raw(HDR.pack(mtype, req_id, tx_id, length) + payload)
        return req_id

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def recv(self):
        """Next message as (type, req_id, tx_id, payload)."""
        self._fill(HDR.size)
        mtype, req_id, tx_id, length = HDR.unpack(self.buf[:HDR.size])
        assert length <= 4096, "oversize reply"
        self._fill(HDR.size + length)
        payload = self.buf[HDR.size:HDR.size + length]
        self.buf = self.buf[HDR.size + length:]
        return mtype, req_id, tx_id, payload

    def reply(self, req_id):
        while True:
            mtype, rid, tx, payload = self.recv()
            if mtype == XS["WATCH_EVENT"] and rid == 0:
                self.events.append(payload)
                continue
            assert rid == req_id, (rid, req_id)
            if mtype == XS["ERROR"]:
                raise XsError(payload.rstrip(b"\0").decode())
            return payload

    def request(self, name, *args, tx_id=0, raw=None):
        payload = raw if raw is not None else b"".join(
            a.encode() + b"\0" for a in args)
        return self.reply(self.send(XS[name], payload, tx_id=tx_id))

    def read(self, path, tx_id=0):
        return self.request("READ", path, tx_id=tx_id)

    def write(self, path, value, tx_id=0):
        return self.request("WRITE", raw=path.encode() + b"\0" + value,
                            tx_id=tx_id)

    def directory(self, path):
        data = self.request("DIRECTORY", path)
        return [x.decode() for x in data.split(b"\0")[:-1]]

    def start(self):
        return int(self.request("TRANSACTION_START", "").rstrip(b"\0"))

    def end(self, tx_id, commit=True):
        return self.request("TRANSACTION_END", "T" if commit else "F",
                            tx_id=tx_id)

    def wait_event(self, timeout=3.0):
        end = time.time() + timeout
        while not self.events and time.time() < end:
            mtype, rid, tx, payload = self.recv()
            if mtype == XS["WATCH_EVENT"]:
                self.events.append(payload)
        return self.events.pop(0) if self.events else None

    def is_closed(self, timeout=2.0):
        """True if the daemon closes this connection (EOF or reset)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
