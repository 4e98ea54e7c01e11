"""mailsuite-send started as root: the scheduler becomes `mailsuite`, the
remote spawner `msremote`, and only the local spawner keeps root to run
mailsuite-local as each recipient (send/README.md "Who runs as whom")."""
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile

import pytest

from conftest import Root, ensure_account, ensure_user_account, prog, wait_for
from send_helpers import make_message, maildir_messages, make_queue

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def proc_uid(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return None


def children(pid):
    out = []
    for p in pathlib.Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out.append(int(p.name))
    return out


@pytest.fixture
def rootinst():
    base = pathlib.Path(tempfile.mkdtemp(dir="/tmp", prefix="mssend-root-"))
    os.chmod(base, 0o755)
    r = Root(base / "root")
    yield base, r
    r.stop_all()
    shutil.rmtree(base, ignore_errors=True)


def test_started_as_root_separates_privileges(rootinst):
    base, r = rootinst
    ms = ensure_account("mailsuite")
    remote = ensure_account("msremote")
    os.chmod(r.path, 0o755)
    make_queue(r.queue)
    for dirpath, dirnames, filenames in os.walk(r.queue):
        for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
            os.lchown(n, ms.pw_uid, ms.pw_gid)
    r.set("locals", "example.test")
    # The root spawner delivers to no system account (uid or gid below
    # 1000): dan and qu are ordinary accounts; sys has daemon's ids.
    nobody, daemon = pwd.getpwnam("nobody"), ensure_user_account("msdan")
    homes = {}
    lines = []
    binuser = ensure_user_account("msqu")
    quotas = {"qu": "1S"}  # one byte: any message is over it
    for name, pw in (("ann", nobody), ("dan", daemon), ("rooty", pwd.getpwnam("root")), ("qu", binuser),
                     ("sys", pwd.getpwnam("daemon"))):
        home = base / name
        for d in ("", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
            (home / d).mkdir(mode=0o700)
            os.chown(home / d, pw.pw_uid, pw.pw_gid)
        homes[name] = home
        lines.append(f"{name}@example.test:{pw.pw_uid}:{pw.pw_gid}:{home}:!:{quotas.get(name, '')}\n")
    r.users.write_text("".join(lines))
    # As in production: root's alone (the local spawner reads it as root;
    # the scheduler never does), so the quota can only reach
    # mailsuite-local through the spawner (MAILSUITE_QUOTA).
    os.chown(r.users, 0, 0)
    os.chmod(r.users, 0o600)

    send = r.start([prog("mailsuite-send")], log_name="send.log")
    log = lambda: (r.path / "send.log").read_text(errors="replace") if (r.path / "send.log").exists() else ""
    wait_for(lambda: "mailsuite-send: start" in log() or not send.alive(), what="send start")
    assert send.alive(), log()

    # mailsuite-queue is set-uid mailsuite in production: run it as mailsuite
    env = (b"Fsender@example.org\0Tann@example.test\0Tdan@example.test\0Trooty@example.test\0"
           b"Tqu@example.test\0Tsys@example.test\0\0")
    rfd, wfd = os.pipe()
    os.write(wfd, env)
    os.close(wfd)
    q = subprocess.run(["setpriv", f"--reuid={ms.pw_uid}", f"--regid={ms.pw_gid}", "--clear-groups",
                        "--", prog("mailsuite-queue")], input=make_message("privileged"), stdout=rfd,
                       env=r.env, timeout=30)
    os.close(rfd)
    assert q.returncode == 0

    wait_for(lambda: maildir_messages(homes["ann"]) and maildir_messages(homes["dan"]),
             what="deliveries as ann and dan")
    for name, pw in (("ann", nobody), ("dan", daemon)):
        files = list((homes[name] / "Maildir" / "new").iterdir())
        assert len(files) == 1 and files[0].stat().st_uid == pw.pw_uid, name
    # never as root: a uid 0 line is malformed (lib/users.h), and a broken
    # users database defers rather than bounces (the spawner's own uid 0
    # refusal is covered by the unit tests)
    wait_for(lambda: "rooty@example.test result=deferral" in log(), what="uid 0 deferred")
    assert "malformed" in log()
    assert maildir_messages(homes["rooty"]) == []
    # a users database entry with a system account's ids: held and logged
    wait_for(lambda: "sys@example.test result=deferral" in log(), what="system uid deferred")
    assert "account=\"sys@example.test: system uid 1\"" in log() or \
        "account=sys@example.test: system uid 1" in log(), log()
    assert maildir_messages(homes["sys"]) == []
    # the users database's quota reached mailsuite-local running as `bin`
    wait_for(lambda: "qu@example.test result=deferral" in log(), what="over-quota deferral")
    assert "quota" in log().split("qu@example.test result=deferral", 1)[1].splitlines()[0]
    assert maildir_messages(homes["qu"]) == []

    assert proc_uid(send.pid) == ms.pw_uid
    spawner_uids = sorted(proc_uid(c) for c in children(send.pid))
    assert spawner_uids == sorted([0, remote.pw_uid])

    os.kill(send.pid, signal.SIGTERM)
    send.proc.wait(timeout=10)
    assert send.proc.returncode == 0
