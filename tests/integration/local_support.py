"""Helpers for mailsuite-local integration tests: temporary homes, running
the built program for real, reading Maildirs and mboxes, and writing a
mailsuite queue file (queue/FORMAT.md) by hand."""
import os
import pathlib
import subprocess

from conftest import prog

LOCAL = prog("mailsuite-local")

MESSAGE = (b"Received: from client by mail.example.test\n"
           b"From: Alice <alice@example.org>\n"
           b"To: joe@example.test\n"
           b"Subject: hello\n"
           b"\n"
           b"From the start\n"
           b">From quoted\n"
           b"body line\n")


class Home:
    """A user's home directory with a Maildir, owned by the running user."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.path.mkdir(mode=0o755, parents=True, exist_ok=True)
        os.chmod(self.path, 0o755)
        self.maildir = self.path / "Maildir"
        make_maildir(self.maildir)

    def dot(self, name, text, mode=0o644):
        p = self.path / name
        p.write_text(text)
        os.chmod(p, mode)
        return p

    def new_messages(self, maildir=None):
        d = pathlib.Path(maildir or self.maildir) / "new"
        return sorted(d.iterdir())


def make_maildir(path):
    for sub in ("tmp", "new", "cur"):
        (pathlib.Path(path) / sub).mkdir(mode=0o700, parents=True, exist_ok=True)


def run_local(root, home, local="joe", dash="", ext="", domain="example.test",
              sender="alice@example.org", default="./Maildir/", message=MESSAGE,
              stdin=None, env=None, flags=(), preexec_fn=None, user="joe", timeout=30):
    """Runs mailsuite-local for real; message goes through a pipe unless
    stdin (an open file) is given.  Returns CompletedProcess."""
    argv = [LOCAL, *flags, user, str(home.path if isinstance(home, Home) else home),
            local, dash, ext, domain, sender, default]
    e = dict(root.env)
    if env:
        e.update(env)
    if stdin is not None:
        return subprocess.run(argv, stdin=stdin, capture_output=True, env=e, timeout=timeout,
                              preexec_fn=preexec_fn)
    return subprocess.run(argv, input=message, capture_output=True, env=e, timeout=timeout,
                          preexec_fn=preexec_fn)


def reason(cp):
    """The one line mailsuite-local printed."""
    out = cp.stdout.decode(errors="replace")
    assert out.endswith("\n") and out.count("\n") == 1, repr(out)
    return out[:-1]


def write_queue_file(path, message, sender, recipients, queued=1763830000):
    """A message file as mailsuite-queue writes it: 64-byte MSQ1 header,
    message, envelope."""
    envelope = b"F" + sender.encode() + b"\0"
    for r in recipients:
        envelope += b"T" + r.encode() + b"\0"
    envelope += b"\0"
    header = f"MSQ1 64 {len(message)} {64 + len(message)} {len(envelope)} {queued}"
    header = header.ljust(63).encode() + b"\n"
    assert len(header) == 64
    pathlib.Path(path).write_bytes(header + message + envelope)


def recording_queue(tmp_path, exit_code=0):
    """A QMAILQUEUE program that records message and envelope."""
    rec = pathlib.Path(tmp_path) / "qq"
    rec.mkdir(exist_ok=True)
    script = pathlib.Path(tmp_path) / "record-queue"
    script.write_text(
        "#!/bin/sh\n"
        f"cat > {rec}/message || exit 54\n"
        f"cat <&1 > {rec}/envelope || exit 54\n"
        f"exit {exit_code}\n")
    os.chmod(script, 0o755)
    return script, rec


def assert_deferred(root, home, text, **kw):
    """Runs a delivery that must fail temporarily, saying text, with
    nothing delivered to the Maildir."""
    cp = run_local(root, home, **kw)
    assert cp.returncode == 111, cp.stdout
    assert text in reason(cp)
    assert home.new_messages() == []
    return cp

