"""Helpers for the mailsuite-smtpd integration tests: a recording
QMAILQUEUE program, a cdb writer for morercpthosts.cdb, an smtpd under the
real tcpserver, and a raw-socket SMTP dialogue for what smtplib will not
send (smuggling forms, bare LF, over-long lines)."""
import os
import pathlib
import socket
import struct
import time

import pytest

from conftest import prog, wait_for

RECORDER = r'''#!/usr/bin/python3
# Records what a queue program gets (message fd 0, envelope fd 1) and exits
# with the code in DIR/exitcode; writes DIR/custom to fd 6 when present.
# Like qmail-queue it queues nothing when the envelope is missing.
import os, sys
d = sys.argv[1]
msg = b""
while True:
    b = os.read(0, 65536)
    if not b:
        break
    msg += b
env = b""
while True:
    b = os.read(1, 65536)
    if not b:
        break
    env += b
n = "%d.%d" % (os.getpid(), len(os.listdir(d)))
if not (env.startswith(b"F") and env.endswith(b"\0\0")):
    open(os.path.join(d, "aborted." + n), "wb").write(msg)
    sys.exit(54)
try:
    code = int(open(os.path.join(d, "exitcode")).read())
except FileNotFoundError:
    code = 0
try:
    os.write(6, open(os.path.join(d, "custom"), "rb").read())
except FileNotFoundError:
    pass
if code == 0:
    open(os.path.join(d, "tmp." + n), "wb").write(msg + b"\n--envelope--\n" + env)
    os.rename(os.path.join(d, "tmp." + n), os.path.join(d, "queued." + n))
sys.exit(code)
'''


class Recorder:
    """A directory of queued.* / aborted.* files written by the recorder."""

    def __init__(self, path):
        self.dir = pathlib.Path(path)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.script = self.dir.parent / "record-queue"
        self.script.write_text(RECORDER)
        self.script.chmod(0o755)
        self.wrapper = self.dir.parent / "qq"
        self.wrapper.write_text(f"#!/bin/sh\nexec {self.script} {self.dir}\n")
        self.wrapper.chmod(0o755)

    def exit_with(self, code, custom=None):
        (self.dir / "exitcode").write_text(str(code))
        if custom is not None:
            (self.dir / "custom").write_bytes(custom)

    def queued(self):
        """[(message bytes, sender, [recipients])] in arrival order."""
        out = []
        files = sorted(self.dir.glob("queued.*"), key=lambda p: p.stat().st_mtime_ns)
        for f in files:
            data = f.read_bytes()
            msg, env = data.split(b"\n--envelope--\n", 1)
            fields = env.rstrip(b"\0").split(b"\0")
            out.append((msg, fields[0][1:].decode(), [x[1:].decode() for x in fields[1:]]))
        return out

    def aborted(self):
        return sorted(self.dir.glob("aborted.*"))


def write_cdb(path, keys):
    """A constant database (D. J. Bernstein's cdb format) of key -> ''."""
    records = [(k.encode(), b"") for k in keys]

    def h(key):
        v = 5381
        for c in key:
            v = ((v << 5) + v) & 0xFFFFFFFF ^ c
        return v

    body = b""
    pos = 2048
    tables = [[] for _ in range(256)]
    for k, v in records:
        hv = h(k)
        tables[hv & 255].append((hv, pos))
        rec = struct.pack("<II", len(k), len(v)) + k + v
        body += rec
        pos += len(rec)
    header = b""
    tail = b""
    for t in tables:
        n = len(t) * 2
        slots = [(0, 0)] * n
        for hv, p in t:
            i = (hv >> 8) % n
            while slots[i][1] != 0:
                i = (i + 1) % n
            slots[i] = (hv, p)
        header += struct.pack("<II", pos + len(tail), n)
        tail += b"".join(struct.pack("<II", a, b) for a, b in slots)
    pathlib.Path(path).write_bytes(header + body + tail)


class Smtpd:
    """mailsuite-smtpd under tcpserver with a recording queue program."""

    def __init__(self, root, recorder, env_extra=None, wrapper_env=None, rules_cdb=None):
        self.root = root
        self.recorder = recorder
        env = dict(root.env)
        env["QMAILQUEUE"] = str(recorder.wrapper)
        env.update(env_extra or {})
        argv = [prog("mailsuite-smtpd")]
        if wrapper_env:
            argv = ["env"] + [f"{k}={v}" for k, v in wrapper_env.items()] + argv
        self.server = root.tcpserver(argv, env=env, rules_cdb=rules_cdb, log_name="smtpd.log")
        self.port = self.server.port

    def log(self):
        return self.server.log()

    def wait_log(self, text, timeout=5):
        return wait_for(lambda: text in self.log(), timeout=timeout, what=f"log {text!r}")

    def raw(self):
        return RawClient(self.port)


class RawClient:
    """A line-level SMTP client over a plain socket."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.greeting = self.reply()

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("latin-1")

    def reply(self):
        """The full (possibly multi-line) reply as one string."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return "\n".join(lines)

    def cmd(self, text):
        self.send(text.encode("latin-1") + b"\r\n")
        return self.reply()

    def closed(self, timeout=5):
        """True when the server closes the connection (within timeout)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


@pytest.fixture
def recorder(root):
    return Recorder(root.path / "recorded")


@pytest.fixture
def smtpd(root, recorder):
    root.set("rcpthosts", "example.test", ".sub.example.test")
    return Smtpd(root, recorder)
