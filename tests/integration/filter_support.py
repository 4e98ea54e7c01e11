"""Helpers for the mailsuite-filter tests: the real smtpd under tcpserver
with QMAILQUEUE=mailsuite-filter, the filter's FILTER_NEXT a recording
queue program (smtpd_support.Recorder), and the seed rules as
control/README shows them."""
import os
import pathlib
import re
import smtplib
import subprocess
import threading
import time

import pytest

from conftest import TOP, prog
from smtpd_support import Recorder, Smtpd


def seed_rules():
    """The rule lines between "seed rules begin/end" in control/README."""
    text = (TOP / "control/README").read_text()
    block = text.split("seed rules begin\n", 1)[1].split("  seed rules end", 1)[0]
    return [l.strip().replace("<TAB>", "\t") for l in block.splitlines() if l.strip()]


class Filtered:
    """smtpd -> mailsuite-filter -> recorder."""

    def __init__(self, root, name="filtered", wrapper_env=None, next_program=None):
        self.root = root
        self.recorder = Recorder(root.path / name)
        root.set("rcpthosts", "example.test")
        self.smtpd = Smtpd(root, self.recorder,
                           env_extra={"QMAILQUEUE": prog("mailsuite-filter"),
                                      "FILTER_NEXT": next_program or str(self.recorder.wrapper)},
                           wrapper_env=wrapper_env)

    def send(self, message, sender="alice@sender.test", rcpts=("bob@example.test",)):
        """(code, text) of the reply to the message's end of data."""
        if isinstance(message, str):
            message = message.encode()
        message = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with smtplib.SMTP("127.0.0.1", self.smtpd.port, timeout=60) as s:
            s.ehlo("client.test")
            s.mail(sender)
            for r in rcpts:
                code, _ = s.rcpt(r)
                assert code == 250
            code, text = s.data(message)
            return code, text.decode(errors="replace")

    def queued(self):
        return self.recorder.queued()

    def filter_log(self):
        return [l for l in self.smtpd.log().splitlines() if l.startswith("mailsuite-filter: message")]


def run_filter(root, message, envelope=b"Fa@sender.test\0Tb@example.test\0\0", fd6=True, env_extra=None,
               next_program="/bin/true", timeout=120, rss_file=None):
    """Runs mailsuite-filter directly (no smtpd): returns (exit, fd 6 text,
    stderr, seconds, peak RSS in KiB or None).  With rss_file, GNU time
    measures the peak (time and bash are small; a child forked from this
    large Python process would inherit its RSS)."""
    env = dict(root.env, FILTER_NEXT=next_program)
    env.update(env_extra or {})
    m_r, m_w = os.pipe()
    e_r, e_w = os.pipe()
    r6, w6 = os.pipe()
    # fd 6 set up by the shell, so this process's own fd 6 is untouched.
    redirect = f'6>&{w6} {w6}>&-' if fd6 else '6>&-'
    argv = ["/bin/bash", "-c", f'exec "$0" {redirect}', prog("mailsuite-filter")]
    if rss_file:
        argv = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] + argv
    p = subprocess.Popen(argv, stdin=m_r, stdout=e_r, stderr=subprocess.PIPE, env=env, pass_fds=(w6,))
    for fd in (m_r, e_r, w6):
        os.close(fd)

    def feed():
        try:
            with os.fdopen(m_w, "wb") as f:
                f.write(message)
            with os.fdopen(e_w, "wb") as f:
                f.write(envelope)
        except BrokenPipeError:
            pass

    start = time.monotonic()
    t = threading.Thread(target=feed)
    t.start()
    err = p.stderr.read()
    code = p.wait(timeout=timeout)
    elapsed = time.monotonic() - start
    t.join(timeout=timeout)
    custom = os.read(r6, 4096)
    os.close(r6)
    rss = int(pathlib.Path(rss_file).read_text().split()[-1]) if rss_file else None
    return code, custom.decode(errors="replace"), err.decode(errors="replace"), elapsed, rss


def eicar():
    """The EICAR test file, assembled at run time from pieces (the literal
    string is never in the repository, so no scanner flags the tree)."""
    pieces = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}", "$", "EICAR", "-STANDARD-ANTIVIRUS-", "TEST-FILE!", "$H+H*"]
    return "".join(pieces).encode()


def gtube():
    """SpamAssassin's GTUBE string, assembled from pieces likewise."""
    return ("XJS*C4JDBQADN1.NSBN3*2IDNEN*" + "GTUBE-STANDARD-" + "ANTI-UBE-TEST-EMAIL*C.34X").encode()
