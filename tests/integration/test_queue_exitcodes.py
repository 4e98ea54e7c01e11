"""mailsuite-queue: the qmail-queue interface and every exit code it uses."""
import os
import pathlib
import re
import select
import shutil
import subprocess
import time

import pytest

from conftest import EOPNOTSUPP, EPERM, O_TMPFILE_BIT, SYS_LINKAT, SYS_OPENAT, prog, refuse_syscall, run
from queue_util import envelope, mess_files, parse_queue_file, run_queue, tmp_files

MSG = b"Subject: test\n\nhello\n"


def test_queues_one_durable_file(root):
    rc, err = run_queue(root.env, MSG, envelope("a@x.test", "b@y.test", "c@z.test"))
    assert rc == 0, err
    assert tmp_files(root.queue) == []  # written unnamed: never a tmp/ entry
    files = mess_files(root.queue)
    assert len(files) == 1
    assert re.fullmatch(r"\d+\.\d+", files[0].name)
    q = parse_queue_file(files[0])
    assert q["sender"] == "a@x.test"
    assert q["recipients"] == ["b@y.test", "c@z.test"]
    first, rest = q["message"].split(b"\n", 1)
    assert re.fullmatch(rb"Received: \(mailsuite-queue \d+ invoked by uid %d\); "
                        rb"\w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000" % os.getuid(), first)
    assert rest == MSG
    assert abs(q["queued"] - time.time()) < 60
    assert int(files[0].name.split(".")[0]) == files[0].stat().st_ino
    assert tmp_files(root.queue) == []
    assert files[0].stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("refusal", [
    # a filesystem without O_TMPFILE: a named tmp/ file, renamed
    refuse_syscall(SYS_OPENAT, EOPNOTSUPP, O_TMPFILE_BIT),
    # the link of the unnamed file refused: copied to a named one
    refuse_syscall(SYS_LINKAT, EPERM),
], ids=["no-o_tmpfile", "no-linkat"])
@pytest.mark.parametrize("size", [100, 400000], ids=["buffered", "streamed"])
def test_falls_back_to_a_named_tmp_file(root, refusal, size):
    body = MSG + b"x" * size + b"\n"
    rc, err = run_queue(root.env, body, envelope("a@x.test", "b@y.test"), preexec_fn=refusal)
    assert rc == 0, err
    [f] = mess_files(root.queue)
    q = parse_queue_file(f)
    assert q["message"].split(b"\n", 1)[1] == body and q["recipients"] == ["b@y.test"]
    assert int(f.name.split(".")[0]) == f.stat().st_ino
    assert tmp_files(root.queue) == []


def test_null_sender_and_big_message_streamed(root):
    big = b"Subject: big\n\n" + b"x" * 999 + b"\n"
    big = big * 3000  # 3 MB: more than the buffer, so it is streamed
    rc, err = run_queue(root.env, big, envelope("", "b@y.test"))
    assert rc == 0, err
    q = parse_queue_file(mess_files(root.queue)[0])
    assert q["sender"] == ""
    assert q["message"].split(b"\n", 1)[1] == big


def test_trigger_gets_the_id(root):
    fd = os.open(str(root.queue / "trigger"), os.O_RDONLY | os.O_NONBLOCK)
    try:
        rc, err = run_queue(root.env, MSG, envelope("a@x.test", "b@y.test"))
        assert rc == 0, err
        select.select([fd], [], [], 5)
        line = os.read(fd, 100)
    finally:
        os.close(fd)
    assert line == mess_files(root.queue)[0].name.encode() + b"\n"


def test_envelope_may_stay_open_after_its_end(root):
    """qmail-queue stops at the envelope's final NUL: a caller that keeps
    fd 1 open must not hang."""
    er, ew = os.pipe()
    p = subprocess.Popen([prog("mailsuite-queue")], stdin=subprocess.PIPE, stdout=er,
                         stderr=subprocess.PIPE, env=root.env)
    os.close(er)
    p.stdin.write(MSG)
    p.stdin.close()
    os.write(ew, envelope("a@x.test", "b@y.test"))
    try:
        assert p.wait(timeout=10) == 0
    finally:
        os.close(ew)


def test_11_address_too_long(root):
    rc, err = run_queue(root.env, MSG, envelope("a@x.test", "b" * 2000 + "@y.test"))
    assert rc == 11, err
    assert mess_files(root.queue) == [] and tmp_files(root.queue) == []


def test_91_envelope_format(root):
    for bad in (b"Xa@x\0Tb@y\0\0", b"Fa@x\0\0", b"Fa@x\0Zb@y\0\0", b"Fa@x\0T\0\0"):
        rc, err = run_queue(root.env, MSG, bad)
        assert rc == 91, (bad, err)
    assert mess_files(root.queue) == [] and tmp_files(root.queue) == []


def test_54_truncated_envelope_and_unreadable_message(root):
    rc, _ = run_queue(root.env, MSG, b"Fa@x.test\0Tb@y.test\0")
    assert rc == 54
    rc, _ = run_queue(root.env, b"x" * 500000, b"")
    assert rc == 54
    d = os.open(str(root.path), os.O_RDONLY | os.O_DIRECTORY)  # read(2) fails: EISDIR
    try:
        p = subprocess.run([prog("mailsuite-queue")], stdin=d, stdout=subprocess.DEVNULL,
                           env=root.env, timeout=10)
    finally:
        os.close(d)
    assert p.returncode == 54
    assert mess_files(root.queue) == [] and tmp_files(root.queue) == []


def test_55_bad_control_file(root):
    root.set("timeoutqueue", "soon")
    rc, err = run_queue(root.env, MSG, envelope("a@x.test", "b@y.test"))
    assert rc == 55
    assert "timeoutqueue" in err


def test_52_timeout_removes_the_file(root):
    root.set("timeoutqueue", "1")
    for prefix in (b"Subject: stall\n\n", b"x" * 400000):  # held in memory / streamed
        mr, mw = os.pipe()
        er, ew = os.pipe()
        p = subprocess.Popen([prog("mailsuite-queue")], stdin=mr, stdout=er,
                             stderr=subprocess.DEVNULL, env=root.env)
        os.close(mr)
        os.close(er)
        try:
            os.write(mw, prefix[:65536])
            for i in range(65536, len(prefix), 65536):
                os.write(mw, prefix[i:i + 65536])
            assert p.wait(timeout=10) == 52
        finally:
            os.close(mw)
            os.close(ew)
        assert mess_files(root.queue) == [] and tmp_files(root.queue) == []


def test_62_63_64_queue_directory_problems(root, tmp_path):
    env = dict(root.env, MAILSUITE_QUEUE=str(tmp_path / "nonexistent"))
    assert run_queue(env, MSG, envelope("a@x", "b@y"))[0] == 62
    shutil.rmtree(root.queue / "tmp")
    assert run_queue(root.env, MSG, envelope("a@x", "b@y"))[0] == 63
    (root.queue / "tmp").mkdir()
    shutil.rmtree(root.queue / "mess")
    assert run_queue(root.env, MSG, envelope("a@x", "b@y"))[0] == 64
    assert tmp_files(root.queue) == []


def test_51_out_of_memory(root):
    """An envelope bigger than the address-space limit allows."""
    argv = ["prlimit", "--as=12000000", prog("mailsuite-queue")]
    env_bytes = b"Fa@x.test\0" + b"Tr1234567@e.test\0" * 1_000_000 + b"\0"
    rc, err = run_queue(root.env, MSG, env_bytes, argv=argv, timeout=60)
    assert rc == 51, err
    assert mess_files(root.queue) == [] and tmp_files(root.queue) == []
