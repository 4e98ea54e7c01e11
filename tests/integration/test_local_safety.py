"""mailsuite-local refuses unsafe targets (temporary failure, nothing
written)."""
import os

from local_support import Home, assert_deferred, reason, run_local

NOBODY = 65534


def test_home_owned_by_another_user(root, tmp_path):
    home = Home(tmp_path / "joe")
    os.chown(home.path, NOBODY, NOBODY)
    assert_deferred(root, home, "belongs to another user")


def test_world_writable_and_sticky_home(root, tmp_path):
    home = Home(tmp_path / "joe")
    os.chmod(home.path, 0o777)
    cp = run_local(root, home)
    assert cp.returncode == 111 and "writable" in reason(cp)
    os.chmod(home.path, 0o1755)
    cp = run_local(root, home)
    assert cp.returncode == 111 and "sticky" in reason(cp)
    assert home.new_messages() == []


def test_maildir_owned_by_another_user(root, tmp_path):
    home = Home(tmp_path / "joe")
    os.chown(home.maildir, NOBODY, NOBODY)
    assert_deferred(root, home, "belongs to another user")


def test_group_or_world_writable_dot_file(root, tmp_path):
    home = Home(tmp_path / "joe")
    for mode in (0o664, 0o646):
        home.dot(".qmail", "./mbox\n", mode=mode)
        cp = run_local(root, home)
        assert cp.returncode == 111
        assert "group- or world-writable" in reason(cp)
    assert not (home.path / "mbox").exists()


def test_dot_file_owned_by_another_user(root, tmp_path):
    home = Home(tmp_path / "joe")
    p = home.dot(".qmail", "./mbox\n")
    os.chown(p, NOBODY, NOBODY)
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "owned by another user" in reason(cp)


def test_symlinked_mbox_is_refused(root, tmp_path):
    home = Home(tmp_path / "joe")
    target = tmp_path / "elsewhere"
    target.write_bytes(b"")
    os.symlink(target, home.path / "mbox")
    home.dot(".qmail", "./mbox\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "symbolic link" in reason(cp)
    assert target.read_bytes() == b""


def test_hard_linked_or_foreign_mbox_is_refused(root, tmp_path):
    home = Home(tmp_path / "joe")
    (home.path / "mbox").write_bytes(b"")
    os.link(home.path / "mbox", tmp_path / "second-link")
    home.dot(".qmail", "./mbox\n")
    cp = run_local(root, home)
    assert cp.returncode == 111 and "more than one link" in reason(cp)
    os.unlink(tmp_path / "second-link")
    os.chown(home.path / "mbox", NOBODY, NOBODY)
    cp = run_local(root, home)
    assert cp.returncode == 111 and "another user" in reason(cp)


def test_dotdot_paths_are_refused(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./../victim/Maildir/\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert '".."' in reason(cp)


def test_symlinked_dot_file_is_followed_and_judged(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail-real", "./real-mbox\n")
    os.symlink(".qmail-real", home.path / ".qmail-alias")
    assert run_local(root, home, local="joe-alias", dash="-", ext="alias").returncode == 0
    assert (home.path / "real-mbox").exists()
    os.chmod(home.path / ".qmail-real", 0o666)
    assert run_local(root, home, local="joe-alias", dash="-", ext="alias").returncode == 111


def test_usage_errors_defer(root, tmp_path):
    home = Home(tmp_path / "joe")
    from local_support import LOCAL
    import subprocess
    cp = subprocess.run([LOCAL, "joe"], capture_output=True, timeout=10)
    assert cp.returncode == 111
    assert cp.stdout.startswith(b"usage:")
    cp = run_local(root, "relative/home")
    assert cp.returncode == 111


def test_huge_dot_file_is_refused(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n" + "#" * (1 << 20))
    assert_deferred(root, home, "too large")
    assert not (home.path / "mbox").exists()
