"""Shared fixtures for integration tests: they run the built programs for
real under tcpserver, with real peers (rbldnsd, a dnslib DNS server), on
127.0.0.0/8 only, every wait bounded, everything stopped afterwards.

Run with Debian's /usr/bin/python3 (it has dnslib): `make check` does.
"""
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

TOP = pathlib.Path(__file__).resolve().parents[2]
BIN = TOP / "build" / "bin"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def prog(name):
    """Absolute path of a built program."""
    return str(BIN / name)


def ensure_account(name):
    """The accounts mailsuite-setup creates in production."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--user-group", name], check=True, timeout=30)
        return pwd.getpwnam(name)


def ensure_user_account(name):
    """An ordinary (non-system) account, uid and gid 1000 or more: the root
    spawner delivers to nothing below (send/SPAWNER.md)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--user-group", name], check=True, timeout=30)
        return pwd.getpwnam(name)


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate until it is true; fails the test after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port(ip="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def port_open(ip, port):
    try:
        with socket.create_connection((ip, port), timeout=0.2):
            return True
    except OSError:
        return False


class Process:
    """A background process killed (whole process group) at cleanup."""

    def __init__(self, argv, env=None, stdin=subprocess.DEVNULL, cwd=None, log=None):
        self.argv = argv
        self.log_path = log
        out = open(log, "ab") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, env=env, stdin=stdin, stdout=out,
                                     stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                                     cwd=cwd, start_new_session=True)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)

    def log(self):
        if self.log_path and os.path.exists(self.log_path):
            return pathlib.Path(self.log_path).read_text(errors="replace")
        return ""


class Root:
    """A private mailsuite instance: control/, queue/, users, env."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.control = self.path / "control"
        self.queue = self.path / "queue"
        self.users = self.path / "users"
        self.control.mkdir(parents=True, exist_ok=True)
        self.processes = []
        self.env = dict(os.environ)
        self.env.update({
            "MAILSUITE_CONTROL": str(self.control),
            "MAILSUITE_QUEUE": str(self.queue),
            # as mailsuite-setup --root makes it (lib/paths.h QuarantineDir)
            "MAILSUITE_QUARANTINE": str(self.queue / "quarantine"),
            "MAILSUITE_USERS": str(self.users),
            "MAILSUITE_BIN": str(BIN),
            "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        })
        self.set("me", "mail.example.test")
        if os.path.exists(prog("mailsuite-setup")):
            subprocess.run([prog("mailsuite-setup"), "--queue", str(self.queue)],
                           env=self.env, check=True, timeout=30)

    def set(self, name, *lines):
        """Writes a control file (one value per line)."""
        (self.control / name).write_text("".join(f"{l}\n" for l in lines))

    def unset(self, name):
        try:
            (self.control / name).unlink()
        except FileNotFoundError:
            pass

    def start(self, argv, env=None, log_name=None, **kw):
        log = str(self.path / (log_name or (pathlib.Path(argv[0]).name + ".log")))
        p = Process(argv, env=env or self.env, log=log, **kw)
        self.processes.append(p)
        return p

    def tcpserver(self, argv, ip="127.0.0.1", port=None, env=None, rules_cdb=None,
                  log_name=None, extra=()):
        """Starts `tcpserver ip port argv...` and waits until it accepts."""
        port = port or free_port(ip)
        cmd = ["tcpserver", "-q", "-R", "-H", "-l", "localhost"]
        if rules_cdb:
            cmd += ["-x", str(rules_cdb)]
        cmd += list(extra) + [ip, str(port)] + list(argv)
        p = self.start(cmd, env=env, log_name=log_name or f"tcpserver-{port}.log")
        wait_for(lambda: port_open(ip, port) or not p.alive(), timeout=10,
                 what=f"tcpserver on {ip}:{port}")
        assert p.alive(), p.log()
        p.ip, p.port = ip, port
        return p

    def stop_all(self):
        for p in reversed(self.processes):
            p.stop()
        self.processes.clear()


@pytest.fixture
def root(tmp_path):
    r = Root(tmp_path / "root")
    yield r
    r.stop_all()


def run(argv, env=None, input=None, timeout=30, **kw):
    """Runs a program to completion (bounded); returns CompletedProcess."""
    return subprocess.run(argv, env=env, input=input, capture_output=True,
                          timeout=timeout, **kw)



# System calls (x86-64) and errno values for refuse_syscall.
SYS_OPENAT, SYS_LINKAT = 257, 265
O_TMPFILE_BIT = 0o20000000  # __O_TMPFILE, without O_DIRECTORY
EOPNOTSUPP, EPERM = 95, 1


def refuse_syscall(number, error, flag_mask=None, flag_arg=2):
    """A preexec_fn that installs a seccomp filter making syscall `number`
    fail with errno `error` (only when argument flag_arg has a bit of
    flag_mask set, if given): how a kernel or filesystem that lacks a
    feature answers, for testing the fallbacks."""
    import ctypes
    import struct

    def stmt(code, k, jt=0, jf=0):
        return struct.pack("HBBI", code, jt, jf, k)

    ld, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06
    allow, errno_ret = 0x7FFF0000, 0x00050000 | error
    if flag_mask is None:
        prog = [stmt(ld, 4), stmt(jeq, 0xC000003E, 0, 3), stmt(ld, 0), stmt(jeq, number, 0, 1),
                stmt(ret, errno_ret), stmt(ret, allow)]
    else:
        prog = [stmt(ld, 4), stmt(jeq, 0xC000003E, 0, 5), stmt(ld, 0), stmt(jeq, number, 0, 3),
                stmt(ld, 16 + 8 * flag_arg), stmt(jset, flag_mask, 0, 1),
                stmt(ret, errno_ret), stmt(ret, allow)]
    code = b"".join(prog)

    def install():
        libc = ctypes.CDLL(None, use_errno=True)
        buf = ctypes.create_string_buffer(code, len(code))

        class Fprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = Fprog(len(prog), ctypes.cast(buf, ctypes.c_void_p))
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
            raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")

    return install
