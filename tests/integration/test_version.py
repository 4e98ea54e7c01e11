"""The version (issue 23): one string set at build time (mk/version into
build/version.h), printed by every program's -V, by mailsuite-check, and
in smtpd's Received line only when control/smtpgreeting names the
software."""
import os
import re
import shutil
import smtplib
import tempfile

import pytest

from conftest import BIN, TOP, port_open, prog, run
from smtpd_support import Smtpd, recorder  # noqa: F401 (fixture)


def built_version():
    text = (TOP / "build" / "version.h").read_text()
    return re.search(r'#define MAILSUITE_VERSION "([^"]+)"', text).group(1)


def test_version_string_comes_from_git_or_version_file():
    v = built_version()
    assert re.fullmatch(r"[A-Za-z0-9._+-]+", v), v
    base = (TOP / "VERSION").read_text().split("\n")[0]
    # No tag in this tree: VERSION's number, then git describe's commit.
    assert v == base or v.startswith(base + "-g") or v.startswith("v"), v


def test_every_program_prints_its_version_with_dash_v():
    programs = sorted(p.name for p in BIN.iterdir() if p.is_file())
    assert "mailsuite-smtpd" in programs and "sendmail" in programs
    v = built_version()
    for name in programs:
        r = run([prog(name), "-V"])
        assert r.returncode == 0, (name, r.stderr)
        assert r.stdout.decode() == f"{name} {v}\n", name


def test_dash_v_counts_only_as_the_sole_argument():
    # mailsuite-check: -V with other options is a usage error, not a version.
    assert run([prog("mailsuite-check"), "-V", "--root", "/nonexistent"]).returncode == 2
    # mailsuite-newmrh takes no arguments: "-V x" stays a usage error.
    assert run([prog("mailsuite-newmrh"), "-V", "x"]).returncode == 2


def test_mailsuite_check_shows_the_version(tmp_path):
    r = run([prog("mailsuite-check"), "--root", str(tmp_path), "--smtp", "127.0.0.1:1"])
    assert r.returncode == 1  # nothing runs there
    assert r.stdout.decode().split("\n")[0] == f"mailsuite {built_version()}"


def send_one(port):
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", timeout=10) as s:
        assert s.sendmail("a@example.net", ["u@example.test"], b"Subject: v\r\n\r\nx\r\n") == {}


def test_received_hides_the_version_by_default(root, recorder):
    root.set("rcpthosts", "example.test")
    s = Smtpd(root, recorder)
    send_one(s.port)
    [(msg, _, _)] = recorder.queued()
    received = msg.split(b";", 1)[0]
    assert b"\tby " in received and b"mailsuite" not in received.lower(), received
    assert built_version().encode() not in msg


def test_received_hides_the_version_under_a_greeting_without_the_word(root, recorder):
    root.set("rcpthosts", "example.test")
    root.set("smtpgreeting", "mx.example.test ESMTP ready")
    s = Smtpd(root, recorder)
    send_one(s.port)
    [(msg, _, _)] = recorder.queued()
    assert built_version().encode() not in msg


def test_received_names_the_version_when_the_greeting_names_mailsuite(root, recorder):
    root.set("rcpthosts", "example.test")
    root.set("me", "mx.example.test")
    root.set("smtpgreeting", "mx.example.test mailsuite")
    s = Smtpd(root, recorder)
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="client.example", timeout=10) as c:
        assert c.docmd("NOOP")[0] == 250
    send_one(s.port)
    [(msg, _, _)] = recorder.queued()
    lines = msg.split(b"\n")
    assert lines[1].startswith(b"\tby mx.example.test (mailsuite " + built_version().encode()
                               + b") with ESMTP; "), lines[:2]


def test_make_run_shows_the_version():
    """service/make-run (make run) for real, in a directory of its own."""
    if any(port_open("127.0.0.1", p) for p in (2525, 2110, 2587)):
        pytest.skip("make run's fixed ports are taken here (run the suite inside unshare -n)")
    d = tempfile.mkdtemp(prefix="ms-makerun-", dir="/tmp")
    os.chmod(d, 0o755)  # the services may run as user mailsuite
    env = dict(os.environ, MAILSUITE_RUN=d + "/run")
    try:
        r = run([str(TOP / "service/make-run"), "start"], env=env, timeout=180)
        out = r.stdout.decode()
        assert r.returncode == 0, out + r.stderr.decode()
        v = built_version()
        assert f"== mailsuite {v} is running in {d}/run\n" in out, out
        assert f"\nmailsuite {v}\n" in out, out  # mailsuite-check's first line
        assert "mailsuite-log --root" in out
    finally:
        run([str(TOP / "service/make-run"), "stop"], env=env, timeout=60)
        shutil.rmtree(d, ignore_errors=True)
