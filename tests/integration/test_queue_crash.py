"""Crash safety, a full disk and concurrency of mailsuite-queue."""
import concurrent.futures
import fcntl
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import EOPNOTSUPP, O_TMPFILE_BIT, SYS_OPENAT, prog, refuse_syscall, run
from queue_util import envelope, mess_files, parse_queue_file, run_queue, tmp_files

TWENTY_MB = 20 * 1024 * 1024


@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "named-fallback"])
def test_kill_9_while_feeding_20mb_leaves_nothing_visible(root, named):
    """50 kill -9 at random moments of a slowly fed 20 MB message: mess/
    stays empty (qread shows nothing).  The file being written is unnamed
    (O_TMPFILE), so nothing is left in tmp/ either; where the filesystem
    has no O_TMPFILE (refused here by seccomp) it is a named tmp/ file,
    left unlocked, so send's scan can tell it from a live writer and
    remove it."""
    rng = random.Random(1234)
    chunk = b"y" * 65535 + b"\n"
    refusal = refuse_syscall(SYS_OPENAT, EOPNOTSUPP, O_TMPFILE_BIT) if named else None
    for _ in range(50):
        kill_at = rng.randrange(0, TWENTY_MB)
        p = subprocess.Popen([prog("mailsuite-queue")], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=root.env,
                             preexec_fn=refusal)
        sent = 0
        while sent + len(chunk) <= kill_at:
            p.stdin.write(chunk)
            p.stdin.flush()
            sent += len(chunk)
            time.sleep(0.0002)  # slowly: the queue mostly waits on the pipe
        p.kill()
        p.wait(timeout=10)
        p.stdin.close()
        p.stdout.close()
        assert p.returncode == -signal.SIGKILL
        assert mess_files(root.queue) == []
    leftovers = tmp_files(root.queue)
    if not named:
        assert leftovers == []
    else:
        assert len(leftovers) >= 40  # the kills hit while the file was being written
    for f in leftovers:
        with open(f, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still locked
    out = run([prog("mailsuite-qread")], env=root.env)
    assert out.returncode == 0
    assert out.stdout.decode().startswith("messages: 0 "), out.stdout


def test_kill_9_around_commit_leaves_nothing_or_a_whole_message(root):
    """Small messages killed at random instants, also while fsyncing and
    renaming: every file in mess/ is complete."""
    rng = random.Random(99)
    msg = b"Subject: crash\n\n" + b"z" * 4000 + b"\n"
    env_bytes = envelope("a@x.test", "b@y.test")
    finished = 0
    for _ in range(40):
        mr, mw = os.pipe()
        er, ew = os.pipe()
        p = subprocess.Popen([prog("mailsuite-queue")], stdin=mr, stdout=er,
                             stderr=subprocess.DEVNULL, env=root.env)
        os.close(mr)
        os.close(er)
        os.write(mw, msg)
        os.close(mw)
        os.write(ew, env_bytes)
        os.close(ew)
        time.sleep(rng.random() * 0.004)
        p.kill()
        finished += p.wait(timeout=10) == 0
    files = mess_files(root.queue)
    assert len(files) >= finished
    for f in files:
        q = parse_queue_file(f)
        assert q["message"].endswith(msg) and q["recipients"] == ["b@y.test"]


@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: " + r.stderr.decode())
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_53_disk_full_leaves_no_file(root, small_fs):
    queue = small_fs / "queue"
    subprocess.run([prog("mailsuite-setup"), "--queue", str(queue)], check=True)
    env = dict(root.env, MAILSUITE_QUEUE=str(queue))
    # A message bigger than the filesystem (streamed path).
    rc, err = run_queue(env, b"x" * 2_000_000, envelope("a@x.test", "b@y.test"))
    assert rc == 53, err
    assert mess_files(queue) == [] and tmp_files(queue) == []
    # A full filesystem and a small message (the one-write path).
    filler = small_fs / "filler"
    fd = os.open(str(filler), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"f" * 4096) > 0:
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    rc, err = run_queue(env, b"Subject: small\n\nhi\n", envelope("a@x.test", "b@y.test"))
    assert rc == 53, err
    assert mess_files(queue) == [] and tmp_files(queue) == []
    filler.unlink()
    rc, err = run_queue(env, b"Subject: small\n\nhi\n", envelope("a@x.test", "b@y.test"))
    assert rc == 0, err


def test_1000_messages_from_16_concurrent_injectors(root):
    def inject(i):
        body = b"Subject: n%d\n\nmessage number %d\n" % (i, i)
        return run_queue(root.env, body, envelope("s%d@x.test" % i, "r%d@y.test" % i))

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(inject, range(1000)))
    assert [rc for rc, _ in results] == [0] * 1000
    files = mess_files(root.queue)
    assert len(files) == 1000
    seen = set()
    for f in files:
        q = parse_queue_file(f)
        n = int(q["sender"][1:].split("@")[0])
        assert q["recipients"] == ["r%d@y.test" % n]
        assert q["message"].endswith(b"message number %d\n" % n)
        seen.add(n)
    assert seen == set(range(1000))
    assert tmp_files(root.queue) == []
