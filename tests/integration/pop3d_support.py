"""Helpers for the mailsuite-pop3d integration tests: Maildirs with
messages, users with homes, a checkpassword, and mailsuite-pop3d under a
real tcpserver."""
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile
import socket
import time

import pytest

from conftest import prog, wait_for

TOP = pathlib.Path(__file__).resolve().parents[2]


def make_maildir(path):
    path = pathlib.Path(path)
    for d in ("new", "cur", "tmp"):
        (path / d).mkdir(parents=True, exist_ok=True)
    return path


_seq = [0]


def deliver(maildir, content, folder="new", when=None, size_field=True):
    """Writes a message as a Maildir delivery would; returns its name."""
    _seq[0] += 1
    when = int(when or time.time())
    data = content if isinstance(content, bytes) else content.encode()
    name = f"{when}.M{_seq[0]}P{os.getpid()}.test"
    if size_field:
        name += f",S={len(data)}"
    if folder == "cur":
        name += ":2,S"
    (pathlib.Path(maildir) / "tmp" / name).write_bytes(data)
    os.rename(pathlib.Path(maildir) / "tmp" / name, pathlib.Path(maildir) / folder / name)
    return name


def mailbox_owner():
    """The uid/gid test mailboxes belong to: ours when not root; else
    nobody's, since the checker refuses uid 0 and switches to the user."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


class Pop3Server:
    """mailsuite-pop3d under tcpserver with the real mailsuite-checkpassword,
    for the given users {address: password} of a users database written by
    mailsuite-users.  Homes live in a directory of their own (the pytest
    tmp_path is not reachable for the mailbox owner); stop() removes it."""

    def __init__(self, root, users, fail_delay_ms=50, timeout=None):
        self.root = root
        self.homes = {}
        uid, gid = mailbox_owner()
        self.home_base = pathlib.Path(tempfile.mkdtemp(prefix="pop3d-homes-"))
        os.chmod(self.home_base, 0o711)
        for address, password in users.items():
            home = self.home_base / address
            make_maildir(home / "Maildir")
            for d in (home, home / "Maildir", *(home / "Maildir" / x for x in ("new", "cur", "tmp"))):
                os.chown(d, uid, gid)
            self.homes[address] = home
            r = subprocess.run([prog("mailsuite-users"), "add", "-s", "sha512", address,
                                str(uid), str(gid), str(home)], env=root.env,
                               input=(password + "\n").encode(), capture_output=True, timeout=30)
            assert r.returncode == 0, r.stderr
        root.set("pop3faildelay", str(fail_delay_ms))
        if timeout is not None:
            root.set("timeoutpop3d", str(timeout))
        self.tcp = root.tcpserver([prog("mailsuite-pop3d"), prog("mailsuite-checkpassword")],
                                  log_name="pop3d.log")
        self.port = self.tcp.port

    def stop(self):
        self.tcp.stop()
        shutil.rmtree(self.home_base, ignore_errors=True)

    def maildir(self, user):
        return self.homes[user] / "Maildir"

    def log(self):
        return self.tcp.log()

    def session_lines(self):
        return [l for l in self.log().splitlines() if "mailsuite-pop3d: session" in l]

    def user_sessions(self, user):
        return [l for l in self.session_lines() if f" user={user} " in l]

    def wait_sessions(self, user, n=1):
        """The session log lines of user, once there are at least n."""
        return wait_for(lambda: len(self.user_sessions(user)) >= n and self.user_sessions(user),
                        timeout=10, what=f"{n} session log lines of {user}")

    def connect(self):
        return RawClient(self.port)

    def session_pids(self):
        """pids of post-login processes (mailsuite-pop3d -d) under our tcpserver."""
        found = []
        for pid in _descendants(self.tcp.pid):
            try:
                argv = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if len(argv) > 1 and argv[0].endswith(b"mailsuite-pop3d") and argv[1] == b"-d":
                found.append(pid)
        return found


def _descendants(root_pid):
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = pathlib.Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, stack = [], [root_pid]
    while stack:
        p = stack.pop()
        for c in children.get(p, ()):
            out.append(c)
            stack.append(c)
    return out


class RawClient:
    """A line-level POP3 client on a plain socket, for what poplib hides:
    pipelining, malformed input, exact replies, timeouts."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")
        self.greeting = self.line()

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        return self.file.readline(100000)

    def lines(self, n):
        return [self.line() for _ in range(n)]

    def multiline(self):
        """The body of a multi-line response (after its +OK line) up to '.'."""
        body = []
        while True:
            l = self.line()
            if l in (b".\r\n", b""):
                return body
            body.append(l)

    def bulk_body(self):
        """A multi-line body read in big blocks; returns it with the final
        '.CRLF' removed."""
        data = bytearray()
        while not data.endswith(b"\r\n.\r\n") and data != b".\r\n":
            chunk = self.file.read1(1 << 20)
            if not chunk:
                raise EOFError("closed inside a response")
            data += chunk
        return bytes(data[:-3])

    def closed(self):
        return self.file.read(1) == b""

    def close(self):
        self.file.close()
        self.sock.close()

    def login(self, user, password):
        self.send(f"USER {user}\r\nPASS {password}\r\n")
        assert self.line().startswith(b"+OK")
        return self.line()


def pop3_unstuff(body):
    """CRLF lines with dot-stuffing -> the original octets (LF lines)."""
    out = []
    for line in body.split(b"\r\n"):
        out.append(line[1:] if line.startswith(b".") else line)
    return b"\n".join(out)




@pytest.fixture
def pop3(root):
    """Factory: pop3(users, **options) -> a started Pop3Server."""
    servers = []

    def start(users, **options):
        server = Pop3Server(root, users, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
