"""Helpers for mailsuite-send's integration tests: a queue instance,
injection through the real mailsuite-queue, Maildir checks, log parsing.
"""
import os
import pathlib
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time

from conftest import BIN, Root, prog, wait_for, run


def have(name):
    return os.access(prog(name), os.X_OK)


def make_queue(path):
    """The queue layout of queue/FORMAT.md (what mailsuite-setup --queue
    makes), for instances where mailsuite-setup is not built."""
    path = pathlib.Path(path)
    for d, mode in (("", 0o750), ("tmp", 0o700), ("mess", 0o750), ("state", 0o750),
                    ("bad", 0o700), ("lock", 0o700)):
        (path / d).mkdir(parents=True, exist_ok=True)
        os.chmod(path / d, mode)
    if not (path / "trigger").exists():
        os.mkfifo(path / "trigger", 0o622)
    (path / "lock" / "sendmutex").touch()


def queue_file(message: bytes, sender: str, recipients, queued=None):
    """A complete queue file (FORMAT.md), for the tests that need a
    crafted one (bad header, old queueing time)."""
    env = b"F" + sender.encode() + b"\0" + b"".join(b"T" + r.encode() + b"\0" for r in recipients) + b"\0"
    queued = int(time.time()) if queued is None else queued
    off = 64
    head = f"MSQ1 {off} {len(message)} {off + len(message)} {len(env)} {queued}".encode()
    head = head.ljust(63) + b"\n"
    return head + message + env


class SendInstance:
    """A private queue + control + users database, run by `user` (a
    non-root account: everything runs as it), with mailsuite-send started
    on demand."""

    def __init__(self, base, user="nobody"):
        import pwd
        self.base = pathlib.Path(base)
        # As root, everything runs as `user` through setpriv (a non-root
        # instance: no spawner switches); otherwise as ourselves.
        self.switch = os.geteuid() == 0
        pw = pwd.getpwnam(user) if self.switch else pwd.getpwuid(os.geteuid())
        self.user = pw.pw_name
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        os.chmod(self.base, 0o755)
        self.root = Root(self.base / "root")
        os.chmod(self.root.path, 0o755)
        make_queue(self.root.queue)
        self.root.set("locals", "mail.example.test", "example.test")
        self.homes = self.base / "homes"
        self.homes.mkdir()
        self.users = []
        self.chown_all()
        self.send = None

    def chown_all(self):
        if not self.switch:
            return
        for dirpath, dirnames, filenames in os.walk(self.base):
            for name in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
                os.lchown(name, self.uid, self.gid)

    def add_user(self, address, quota=""):
        """A virtual mailbox in the users database, owned by self.user;
        quota in control/USERS.md's form ("1000S,10C"), "" for none."""
        local = address.split("@")[0]
        home = self.homes / local
        home.mkdir(mode=0o700)
        for d in ("Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"):
            (home / d).mkdir(mode=0o700)
        if self.switch:
            for d in ("", "Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"):
                os.chown(home / d, self.uid, self.gid)
        self.users.append(f"{address}:{self.uid}:{self.gid}:{home}:!:{quota}")
        self.root.users.write_text("".join(u + "\n" for u in self.users))
        return home

    def as_user(self):
        if not self.switch:
            return []
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--"]

    def inject(self, message: bytes, sender, recipients):
        """Queues through the real mailsuite-queue (run as the instance user)."""
        env = b"F" + sender.encode() + b"\0" + b"".join(b"T" + r.encode() + b"\0" for r in recipients) + b"\0"
        r, w = os.pipe()
        os.write(w, env)
        os.close(w)
        try:
            p = subprocess.run(self.as_user() + [prog("mailsuite-queue")], input=message,
                               stdout=r, env=self.root.env, capture_output=False,
                               stderr=subprocess.PIPE, timeout=30)
        finally:
            os.close(r)
        assert p.returncode == 0, (p.returncode, p.stderr)

    def put_queue_file(self, name, data):
        """Places a crafted file in mess/ as a writer would (tmp, rename)."""
        tmp = self.root.queue / "tmp" / name
        tmp.write_bytes(data)
        if self.switch:
            os.chown(tmp, self.uid, self.gid)
        os.rename(tmp, self.root.queue / "mess" / name)

    def start(self):
        self.send = self.root.start(self.as_user() + [prog("mailsuite-send")], log_name="send.log")
        wait_for(lambda: "start" in self.log() or not self.send.alive(), timeout=10,
                 what="mailsuite-send start")
        assert self.send.alive(), self.log()
        return self.send

    def log(self):
        p = self.root.path / "send.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def events(self, event):
        """Parsed log lines of one event: list of dicts."""
        out = []
        for line in self.log().splitlines():
            # the local spawner (mailsuite-send-lspawn) logs the users
            # database alerts and refusals: it reads the database, not the scheduler
            m = re.match(r"mailsuite-send(?:-lspawn)?: (\S+)(.*)$", line)
            if not m or m.group(1) != event:
                continue
            fields = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', m.group(2)))
            out.append({k: v[1:-1] if v.startswith('"') else v for k, v in fields.items()})
        return out

    def signal(self, sig):
        os.kill(self.send.pid, sig)

    def queue_empty(self):
        """No message and no state file left (send unlinks mess/ID, then
        state/ID)."""
        return not any((self.root.queue / "mess").iterdir()) and \
            not any((self.root.queue / "state").iterdir())

    def close(self):
        self.root.stop_all()


def maildir_messages(home):
    new = pathlib.Path(home) / "Maildir" / "new"
    if not new.is_dir():
        return []
    return [p.read_bytes() for p in sorted(new.iterdir())]


def make_message(subject, body=b"hello\n", extra=b""):
    return (b"From: sender@example.org\nTo: someone@example.test\nSubject: " + subject.encode() +
            b"\n" + extra + b"\n" + body)


def write_owned(path, text, inst, mode=0o600):
    """A file owned by the instance user (dot files must be)."""
    path = pathlib.Path(path)
    path.write_text(text)
    os.chmod(path, mode)
    if inst.switch:
        os.chown(path, inst.uid, inst.gid)


def message_subjects(home):
    out = []
    for m in maildir_messages(home):
        for line in m.split(b"\n"):
            if line.startswith(b"Subject: "):
                out.append(line[9:].decode())
                break
    return out


import pytest


@pytest.fixture
def inst():
    base = tempfile.mkdtemp(dir="/tmp", prefix="mssend-")
    s = SendInstance(base)
    yield s
    s.close()
    shutil.rmtree(base, ignore_errors=True)
