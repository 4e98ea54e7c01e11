"""The submission service written by mailsuite-setup, run from its own
run script under the real tcpserver: STARTTLS, AUTH required before MAIL,
no rblsmtpd, the real queue."""
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile

import pytest

from conftest import Process, free_port, port_open, prog, run, wait_for
from tls_support import make_cert


@pytest.fixture
def instance_dir():
    # Not under pytest's 0700 tmp dir: the services may run as user mailsuite.
    d = tempfile.mkdtemp(prefix="ms-submission-", dir="/tmp")
    os.chmod(d, 0o755)
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def test_submission_run_script(instance_dir):
    root = instance_dir / "inst"
    port = free_port()
    r = run([prog("mailsuite-setup"), "--root", str(root), "--me", "mail.example.test",
             "--smtp-port", str(free_port()), "--pop3-port", str(free_port()),
             "--submission-port", str(port)])
    assert r.returncode == 0, r.stderr
    script = (root / "service" / "submission" / "run").read_text()
    assert "SMTPAUTH_REQUIRED=1" in script
    assert "rblsmtpd" not in script
    assert f"127.0.0.1 {port} " in script
    assert script.rstrip().endswith("/mailsuite-smtpd " + prog("mailsuite-checkpassword"))
    assert (root / "service" / "submission" / "log" / "run").exists()

    pem, _ = make_cert(instance_dir / "cert")
    shutil.copy(pem, root / "control" / "servercert.pem")
    home = instance_dir / "home"
    home.mkdir()
    if os.getuid() == 0:
        owner = pwd.getpwnam("mailsuite")
        uid, gid = owner.pw_uid, owner.pw_gid
        subprocess.run(["chown", "-R", "mailsuite:", str(root), str(home)], check=True)
    else:
        uid, gid = os.getuid(), os.getgid()
    env = dict(os.environ, MAILSUITE_USERS=str(root / "users"),
               MAILSUITE_CONTROL=str(root / "control"))
    r = run([prog("mailsuite-users"), "add", "-s", "sha512", "carol@mail.example.test",
             str(uid), str(gid), str(home)], env=env, input=b"s3cret\n")
    assert r.returncode == 0, r.stderr

    log = instance_dir / "submission.log"
    server = Process(["sh", str(root / "service" / "submission" / "run")], log=str(log))
    try:
        wait_for(lambda: port_open("127.0.0.1", port) or not server.alive(), timeout=10,
                 what="submission port")
        assert server.alive(), log.read_text()
        base = ["swaks", "--server", f"127.0.0.1:{port}", "--ehlo", "c.example", "--timeout", "20",
                "--from", "carol@mail.example.test", "--to", "friend@elsewhere.test"]
        r = subprocess.run(base + ["--tls", "--quit-after", "MAIL"], capture_output=True, timeout=60)
        assert "530 5.7.0" in r.stdout.decode(errors="replace")
        r = subprocess.run(base + ["--tls", "--auth", "LOGIN", "--auth-user", "carol@mail.example.test",
                                   "--auth-password", "s3cret"], capture_output=True, timeout=60)
        out = r.stdout.decode(errors="replace")
        assert r.returncode == 0, out + log.read_text()
        assert "250 2.0.0 ok" in out or "250 ok" in out.lower(), out
        q = run([prog("mailsuite-qread")], env=dict(env, MAILSUITE_QUEUE=str(root / "queue")))
        assert "friend@elsewhere.test" in q.stdout.decode(errors="replace"), q.stdout + q.stderr
    finally:
        server.stop()
