"""mailsuite-local: mbox delivery, locking, quoting, partial writes."""
import mailbox
import os
import resource
import signal
import subprocess
import threading

from local_support import LOCAL, MESSAGE, Home, reason, run_local


def parse_mbox(path):
    box = mailbox.mbox(str(path), create=False)
    try:
        return [box.get_bytes(k) for k in box.keys()], [box.get_message(k).get_from() for k in box.keys()]
    finally:
        box.close()


def test_mbox_format(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    assert run_local(root, home).returncode == 0
    assert run_local(root, home, sender="").returncode == 0
    data = (home.path / "mbox").read_bytes()
    first, rest = data.split(b"\n", 1)
    assert first.startswith(b"From alice@example.org ")
    assert b"\nFrom MAILER-DAEMON " in rest
    assert b"\n>From the start\n>>From quoted\n" in data
    bodies, froms = parse_mbox(home.path / "mbox")
    assert len(bodies) == 2
    assert froms[0].startswith("alice@example.org ")
    assert bodies[0].startswith(b"Return-Path: <alice@example.org>\nDelivered-To: joe@example.test\n")
    assert oct((home.path / "mbox").stat().st_mode & 0o777) == "0o600"
    assert not (home.path / "mbox.lock").exists()


def test_message_without_final_newline(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    assert run_local(root, home, message=b"Subject: x\n\nno newline").returncode == 0
    assert run_local(root, home).returncode == 0
    bodies, _ = parse_mbox(home.path / "mbox")
    assert len(bodies) == 2
    assert bodies[0].endswith(b"no newline\n\n") or bodies[0].endswith(b"no newline\n")


def test_ten_concurrent_deliveries_leave_the_mbox_intact(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    env = dict(root.env)
    procs = []
    for i in range(10):
        body = (b"Subject: message %d\n\n" % i) + (b"From line %d\nline\n" % i) * 12000
        p = subprocess.Popen([LOCAL, "joe", str(home.path), "joe", "", "", "example.test",
                              f"s{i}@example.org", "./Maildir/"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        procs.append((p, body))
    # feed them all at once, so their writes overlap
    threads = [threading.Thread(target=p.communicate, args=(b,), kwargs={"timeout": 60}) for p, b in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(70)
    assert all(p.returncode == 0 for p, _ in procs)
    bodies, froms = parse_mbox(home.path / "mbox")
    assert len(bodies) == 10
    seen = set()
    for b, f in zip(bodies, froms):
        head, body = b.split(b"\n\n", 1)
        n = int(head.split(b"Subject: message ")[1].split(b"\n")[0])
        seen.add(n)
        assert f.startswith(f"s{n}@example.org ")
        assert body.rstrip(b"\n") == ((b">From line %d\nline\n" % n) * 12000).rstrip(b"\n")
    assert seen == set(range(10))
    assert not (home.path / "mbox.lock").exists()


def test_waits_for_a_dot_lock_then_delivers(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    lock = home.path / "mbox.lock"
    lock.write_text("")
    p = subprocess.Popen([LOCAL, "joe", str(home.path), "joe", "", "", "example.test", "a@b", "./Maildir/"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=root.env)
    p.stdin.write(MESSAGE)
    p.stdin.close()
    try:
        p.wait(timeout=0.5)
        raise AssertionError("delivered while the mbox was locked")
    except subprocess.TimeoutExpired:
        pass
    assert not (home.path / "mbox").read_bytes()
    lock.unlink()
    assert p.wait(timeout=10) == 0
    assert (home.path / "mbox").read_bytes().startswith(b"From a@b ")


def test_stale_dot_lock_is_removed(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    lock = home.path / "mbox.lock"
    lock.write_text("")
    os.utime(lock, (1, 1))
    assert run_local(root, home, timeout=10).returncode == 0
    assert not lock.exists()


def limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_partial_write_is_truncated_back(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./mbox\n")
    assert run_local(root, home).returncode == 0
    before = (home.path / "mbox").read_bytes()
    big = b"Subject: big\n\n" + b"x" * 200000 + b"\n"
    (tmp_path / "big").write_bytes(big)  # a file: no spool copy that the limit would stop
    with open(tmp_path / "big", "rb") as f:
        cp = run_local(root, home, stdin=f, preexec_fn=limit_file_size(len(before) + 100000))
    assert cp.returncode == 111
    assert "Unable to write mbox" in reason(cp)
    assert (home.path / "mbox").read_bytes() == before
    bodies, _ = parse_mbox(home.path / "mbox")
    assert len(bodies) == 1
