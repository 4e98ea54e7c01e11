"""mailsuite-checkpassword run for real: the request written by Python to
fd 3, the users database built with mailsuite-users, the next program a
shell that reports who it runs as."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import prog, run

TEST_UID = 4242
REPORT = 'id -u; id -g; id -G; echo "$USER|$HOME|$SHELL"; pwd'


@pytest.fixture
def vhome():
    """A home directory the test uid can enter (tmp_path is root-only)."""
    top = tempfile.mkdtemp(prefix="ms-cp-")
    os.chmod(top, 0o755)
    home = os.path.join(top, "alice")
    os.mkdir(home, 0o700)
    if os.geteuid() == 0:
        os.chown(home, TEST_UID, TEST_UID)
    yield home
    shutil.rmtree(top)


def uid():
    return TEST_UID if os.geteuid() == 0 else os.getuid()


def add_user(root, address, home, password, *options):
    r = run([prog("mailsuite-users"), "add", *options, address, str(TEST_UID), str(TEST_UID), home],
            env=root.env, input=password.encode())
    assert r.returncode == 0, r.stderr


def checkpassword(root, request, argv=("/bin/sh", "-c", REPORT), fd3=True, env=None):
    """Runs mailsuite-checkpassword with request (bytes) readable on fd 3."""
    r_fd, w_fd = os.pipe()

    def on_fd3():
        os.dup2(r_fd, 3)
        os.set_inheritable(3, True)

    try:
        proc = subprocess.Popen([prog("mailsuite-checkpassword"), *argv], env=env or root.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=on_fd3 if fd3 else None, pass_fds=(3,) if fd3 else ())
        os.close(r_fd)
        r_fd = -1
        try:
            os.write(w_fd, request)
        except BrokenPipeError:
            pass
        os.close(w_fd)
        w_fd = -1
        out, err = proc.communicate(timeout=30)
        return proc.returncode, out.decode(), err.decode()
    finally:
        for fd in (r_fd, w_fd):
            if fd >= 0:
                os.close(fd)


def test_good_login_switches_user_and_execs(root, vhome):
    add_user(root, "alice@example.com", vhome, "correct horse\n")
    code, out, err = checkpassword(root, b"alice@EXAMPLE.com\0correct horse\0<1.2@host>\0")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == str(uid())
    if os.geteuid() == 0:
        assert lines[1] == str(TEST_UID)
        assert lines[2] == str(TEST_UID)  # no supplementary groups left from root
    assert lines[3] == f"alice@example.com|{vhome}|/usr/sbin/nologin"
    assert lines[4] == vhome
    assert "result=ok" in err
    assert "correct horse" not in err


def test_sha512_hash_and_no_timestamp(root, vhome):
    add_user(root, "bob@example.com", vhome, "pw", "-s", "sha512")
    code, out, err = checkpassword(root, b"bob@example.com\0pw\0")
    assert code == 0, err


def test_bad_logins_exit_1(root, vhome):
    add_user(root, "alice@example.com", vhome, "right")
    add_user(root, "nologin@example.com", vhome, "", "-n")
    for request in (b"alice@example.com\0wrong\0ts\0",
                    b"alice@example.com\0\0ts\0",
                    b"Alice@example.com\0right\0ts\0",   # local parts are exact
                    b"nobody@example.com\0right\0ts\0",
                    b"nologin@example.com\0\0ts\0",
                    b"\0right\0ts\0",
                    b"root\0right\0ts\0"):                # system accounts are off by default
        code, out, err = checkpassword(root, request)
        assert code == 1, (request, err)
        assert out == ""
        assert "result=bad" in err
        assert "right" not in err.replace("result=", "")


def test_misuse_exits_2(root, vhome):
    add_user(root, "alice@example.com", vhome, "right")
    assert checkpassword(root, b"alice@example.com\0right\0", argv=())[0] == 2
    assert checkpassword(root, b"alice@example.com\0right\0" + b"x" * 600)[0] == 2
    assert checkpassword(root, b"alice@example.com")[0] == 2
    assert checkpassword(root, b"")[0] == 2
    code, _, err = checkpassword(root, b"alice@example.com\0right\0", fd3=False)
    assert code == 2
    assert "fd 3" in err


def test_temporary_failures_exit_111(root, vhome):
    add_user(root, "alice@example.com", vhome, "right")
    good = root.users.read_text()
    # The user's own line is broken: the operator must fix it.
    root.users.write_text(good.replace(f":{TEST_UID}:{TEST_UID}:", ":0:0:", 1))
    assert checkpassword(root, b"alice@example.com\0right\0")[0] == 111
    root.users.write_text(good)
    # Home directory missing.
    os.rmdir(vhome)
    code, _, err = checkpassword(root, b"alice@example.com\0right\0")
    assert code == 111
    assert "chdir" in err
    os.mkdir(vhome)
    if os.geteuid() == 0:
        os.chown(vhome, TEST_UID, TEST_UID)
    # Next program missing.
    assert checkpassword(root, b"alice@example.com\0right\0", argv=("/nonexistent/prog",))[0] == 111
    # Control file out of range.
    root.set("checkpasswordsystem", "2")
    code, _, err = checkpassword(root, b"alice@example.com\0right\0")
    assert code == 111
    assert "checkpasswordsystem" in err
    root.unset("checkpasswordsystem")
    assert checkpassword(root, b"alice@example.com\0right\0")[0] == 0


def test_system_accounts_when_enabled(root):
    root.set("checkpasswordsystem", "1")
    code, _, err = checkpassword(root, b"no-such-user-xyz\0pw\0")
    assert code == 1
    code, _, err = checkpassword(root, b"root\0surely-wrong\0")
    assert code == (1 if os.geteuid() == 0 else 111)


def test_password_changes_take_effect(root, vhome):
    add_user(root, "alice@example.com", vhome, "old")
    assert checkpassword(root, b"alice@example.com\0old\0")[0] == 0
    r = run([prog("mailsuite-users"), "passwd", "alice@example.com"], env=root.env, input=b"new\n")
    assert r.returncode == 0
    assert checkpassword(root, b"alice@example.com\0old\0")[0] == 1
    assert checkpassword(root, b"alice@example.com\0new\0")[0] == 0
    assert run([prog("mailsuite-users"), "del", "alice@example.com"], env=root.env).returncode == 0
    assert checkpassword(root, b"alice@example.com\0new\0")[0] == 1
