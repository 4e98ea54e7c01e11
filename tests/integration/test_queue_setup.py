"""mailsuite-setup --queue: the layout of queue/FORMAT.md."""
import os
import stat

from conftest import prog, run


def test_creates_the_layout_idempotently(tmp_path):
    q = tmp_path / "q"
    for _ in range(2):
        r = run([prog("mailsuite-setup"), "--queue", str(q)])
        assert r.returncode == 0, r.stderr
    modes = {p: stat.S_IMODE(os.stat(q / p).st_mode) for p in ("", "tmp", "mess", "state")}
    assert modes == {"": 0o750, "tmp": 0o700, "mess": 0o750, "state": 0o750}
    t = os.stat(q / "trigger")
    assert stat.S_ISFIFO(t.st_mode) and stat.S_IMODE(t.st_mode) == 0o622
    assert (q / "lock" / "sendmutex").exists()


def test_usage_and_failure(tmp_path):
    assert run([prog("mailsuite-setup")]).returncode == 100
    assert run([prog("mailsuite-setup"), "--bogus"]).returncode == 100
    (tmp_path / "file").write_text("x")
    r = run([prog("mailsuite-setup"), "--queue", str(tmp_path / "file" / "q")])
    assert r.returncode == 111 and b"unable to create" in r.stderr
