"""mailsuite-setup --queue: the layout of queue/FORMAT.md."""
import grp
import os
import pwd
import stat

from conftest import prog, run


def test_creates_the_layout_idempotently(tmp_path):
    q = tmp_path / "q"
    for _ in range(2):
        r = run([prog("mailsuite-setup"), "--queue", str(q)])
        assert r.returncode == 0, r.stderr
    modes = {p: stat.S_IMODE(os.stat(q / p).st_mode) for p in ("", "tmp", "mess", "state")}
    try:
        admin = grp.getgrnam("msadmin").gr_gid if os.geteuid() == 0 else None
    except KeyError:
        admin = None
    # With the admin group (as root), tmp/ is set-gid to it (FORMAT.md, Writing).
    assert modes == {"": 0o750, "tmp": 0o2700 if admin is not None else 0o700,
                     "mess": 0o750, "state": 0o750}
    if admin is not None:
        for p in ("", "tmp", "mess", "state"):
            assert os.stat(q / p).st_gid == admin
        try:
            owner = pwd.getpwnam("mailsuite").pw_uid
            assert os.stat(q / "mess").st_uid == owner
        except KeyError:
            pass
    t = os.stat(q / "trigger")
    assert stat.S_ISFIFO(t.st_mode) and stat.S_IMODE(t.st_mode) == 0o622
    assert (q / "lock" / "sendmutex").exists()


def test_usage_and_failure(tmp_path):
    assert run([prog("mailsuite-setup"), "--bogus"]).returncode == 100
    (tmp_path / "file").write_text("x")
    r = run([prog("mailsuite-setup"), "--queue", str(tmp_path / "file" / "q")])
    assert r.returncode == 111 and b"unable to create" in r.stderr
