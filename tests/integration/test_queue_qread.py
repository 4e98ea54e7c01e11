"""mailsuite-qread / mailq, and who may use the queue."""
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import prog, run
from queue_util import envelope, mess_files, parse_queue_file, run_queue

MSG = b"Subject: q\n\nhello\n"


def test_lists_each_recipient_with_its_state(root):
    root.set("locals", "mail.example.test")
    rc, err = run_queue(root.env, MSG, envelope("s@x.test", "done@y.test", "slow@example.net",
                                                 "gone@z.test", "me@mail.example.test"))
    assert rc == 0, err
    qid = mess_files(root.queue)[0].name
    now = int(time.time())
    (root.queue / "state" / qid).write_text(
        f"1 Z {now} first try failed\n0 D {now} ok\n"
        f"1 Z {now} Connection timed out with example.net.\n2 b {now} no such user\n"
        f"3 D {now} torn last rec")
    out = run([prog("mailsuite-qread")], env=root.env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines[0].startswith(qid + "  " + str(len(MSG) + len(parse_queue_file(
        mess_files(root.queue)[0])["message"]) - len(MSG)) + " bytes  age ")
    assert lines[0].endswith("  <s@x.test>")
    assert lines[1:5] == [
        "    <done@y.test>  delivered",
        "    <slow@example.net>  deferred: Connection timed out with example.net.",
        "    <gone@z.test>  bounced: no such user",
        "    <me@mail.example.test>  pending local",
    ]
    assert lines[5] == ("messages: 1  recipients: 4  pending: 1  deferred: 1  delivered: 1  "
                        "bounced: 1")
    s = run([prog("mailq"), "-s"], env=root.env)
    assert s.stdout.decode().splitlines() == [lines[5]]
    assert run([prog("mailq"), "-x"], env=root.env).returncode == 100


def test_unparsable_file_is_reported_not_fatal(root):
    (root.queue / "mess" / "123.456").write_bytes(b"garbage")
    out = run([prog("mailsuite-qread")], env=root.env)
    assert out.returncode == 0
    assert "123.456  unreadable:" in out.stdout.decode()


@pytest.fixture
def open_dir():
    """A directory every user may traverse (pytest's own is 0700)."""
    d = tempfile.mkdtemp(prefix="msqueue-")
    os.chmod(d, 0o755)
    (pathlib.Path(d) / "control").mkdir(mode=0o755)
    (pathlib.Path(d) / "control" / "me").write_text("mail.example.test\n")
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def as_user(user, group, *groups):
    cmd = ["setpriv", f"--reuid={user}", f"--regid={group}"]
    cmd += [f"--groups={','.join(groups)}"] if groups else ["--clear-groups"]
    return cmd


def test_only_the_admin_group_may_read_the_queue(root, open_dir):
    queue = open_dir / "queue"
    subprocess.run([prog("mailsuite-setup"), "--queue", str(queue)], check=True)
    # What setup does as root when the msadmin group exists, with the
    # daemon group standing in for it.
    for d in ("", "mess", "state"):
        os.chown(queue / d, 0, 1)
    os.chown(queue / "tmp", 0, 1)
    os.chmod(queue / "tmp", 0o2700)
    env = dict(root.env, MAILSUITE_QUEUE=str(queue), MAILSUITE_CONTROL=str(open_dir / "control"))
    rc, err = run_queue(env, MSG, envelope("a@x.test", "b@y.test"))
    assert rc == 0, err
    f = mess_files(queue)[0]
    assert f.stat().st_gid == 1 and f.stat().st_mode & 0o777 == 0o640
    denied = run(as_user("nobody", "nogroup") + [prog("mailsuite-qread")], env=env)
    assert denied.returncode == 111
    assert b"Permission denied" in denied.stderr and b"msadmin" in denied.stderr
    allowed = run(as_user("nobody", "nogroup", "1") + [prog("mailsuite-qread")], env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert "<b@y.test>  pending" in allowed.stdout.decode()


def test_setuid_copy_ignores_mailsuite_queue(root, open_dir):
    """A set-uid mailsuite-queue must not let its caller pick the queue."""
    queue = open_dir / "queue"
    subprocess.run([prog("mailsuite-setup"), "--queue", str(queue)], check=True)
    shutil.chown(queue, "daemon")
    for d in ("tmp", "mess", "state"):
        shutil.chown(queue / d, "daemon")
    binary = open_dir / "mailsuite-queue"
    shutil.copy(prog("mailsuite-queue"), binary)
    shutil.chown(binary, "daemon")
    env = dict(root.env, MAILSUITE_QUEUE=str(queue), MAILSUITE_CONTROL=str(open_dir / "control"))
    # Without the set-uid bit, run as daemon, the override is honoured...
    os.chmod(binary, 0o755)
    rc, err = run_queue(env, MSG, envelope("a@x.test", "b@y.test"),
                        argv=as_user("daemon", "daemon") + [str(binary)])
    assert rc == 0, err
    assert len(mess_files(queue)) == 1
    # ...set-uid daemon and run by nobody, it is not.
    os.chmod(binary, 0o4755)
    rc, err = run_queue(env, MSG, envelope("a@x.test", "b@y.test"),
                        argv=as_user("nobody", "nogroup") + [str(binary)])
    assert rc != 0
    assert "/var/spool/mailsuite" in err
    assert len(mess_files(queue)) == 1
