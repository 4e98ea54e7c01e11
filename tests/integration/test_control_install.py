"""`make install` staged under DESTDIR: programs, docs, directories."""
import os
import stat

from conftest import TOP, run


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_install_tree_into_destdir(tmp_path):
    env = dict(os.environ, DESTDIR=str(tmp_path))
    r = run(["make", "-s", "install", "PREFIX=/opt/ms"], env=env, cwd=str(TOP), timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    bindir = tmp_path / "opt/ms/bin"
    built = sorted(os.listdir(TOP / "build/bin"))
    assert built and sorted(os.listdir(bindir)) == built
    for name in built:
        assert mode(bindir / name) == 0o755
    docs = tmp_path / "opt/ms/share/doc/mailsuite"
    assert (docs / "control-README").read_text() == (TOP / "control/README").read_text()
    assert (docs / "control-USERS.md").exists()
    assert mode(tmp_path / "etc/mailsuite/control") == 0o755
    assert mode(tmp_path / "var/spool/mailsuite") == 0o750
    assert not (tmp_path / "etc/mailsuite/users").exists()
