"""A private instance as mailsuite-setup --root builds it, with a virtual
mailbox ann@mail.example.test (password "secret"), its services under a
real svscan (multilog logs in ROOT/log): test_ops.py and test_log.py."""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import BIN, prog, run


@pytest.fixture
def instance_dir():
    # Not under pytest's 0700 tmp dir: the instance's services may run as
    # user mailsuite, which must reach it.
    d = tempfile.mkdtemp(prefix="ms-ops-", dir="/tmp")
    os.chmod(d, 0o755)
    yield pathlib.Path(d)
    for s in pathlib.Path(d, "inst", "service").glob("*"):
        subprocess.run(["svc", "-dx", str(s), str(s / "log")], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


def run_setup(root, smtp, pop3):
    return run([prog("mailsuite-setup"), "--root", str(root), "--me", "mail.example.test",
                "--smtp-port", str(smtp), "--pop3-port", str(pop3)])


def start_instance(root, smtp, pop3):
    """Returns (env for the programs, ann's home, the svscan process)."""
    assert run_setup(root, smtp, pop3).returncode == 0
    env = dict(os.environ, MAILSUITE_CONTROL=str(root / "control"),
               MAILSUITE_QUEUE=str(root / "queue"), MAILSUITE_USERS=str(root / "users"),
               MAILSUITE_BIN=str(BIN))
    owner = "mailsuite" if os.geteuid() == 0 else None
    uid = int(run(["id", "-u"] + ([owner] if owner else [])).stdout)
    gid = int(run(["id", "-g"] + ([owner] if owner else [])).stdout)
    home = root / "mail" / "ann"
    r = run([prog("mailsuite-users"), "add", "ann@mail.example.test", str(uid), str(gid), str(home)],
            env=env, input=b"secret\n")
    assert r.returncode == 0, r.stderr
    for d in ("Maildir/new", "Maildir/cur", "Maildir/tmp"):
        (home / d).mkdir(parents=True, exist_ok=True)
    if owner:
        subprocess.run(["chown", "-R", f"{owner}:", str(root)], check=True)
    svscan = subprocess.Popen(["svscan", str(root / "service")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    return env, home, svscan


def stop_instance(root, svscan):
    for s in (root / "service").glob("*"):
        subprocess.run(["svc", "-dx", str(s), str(s / "log")], capture_output=True)
    os.killpg(svscan.pid, 15)
    svscan.wait(timeout=10)
