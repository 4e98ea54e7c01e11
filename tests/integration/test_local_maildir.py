"""mailsuite-local: Maildir delivery, Maildir++ quotas, queue-file input."""
import os
import re
import socket
import time

import pytest

from conftest import EOPNOTSUPP, EPERM, O_TMPFILE_BIT, SYS_LINKAT, SYS_OPENAT, refuse_syscall
from local_support import MESSAGE, Home, assert_deferred, reason, run_local, write_queue_file


def test_maildir_name_and_content(root, tmp_path):
    home = Home(tmp_path / "joe")
    assert run_local(root, home, sender="").returncode == 0
    [msg] = home.new_messages()
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
    m = re.fullmatch(r"(\d+)\.M(\d+)P(\d+)\.(.+),S=(\d+)", msg.name)
    assert m, msg.name
    assert abs(int(m.group(1)) - time.time()) < 60
    assert m.group(4) == host
    assert int(m.group(5)) == msg.stat().st_size
    assert msg.read_bytes().startswith(b"Return-Path: <>\nDelivered-To: joe@example.test\n")
    assert oct(msg.stat().st_mode & 0o777) == "0o600"


def test_delivery_leaves_nothing_in_tmp(root, tmp_path):
    # The file is written unnamed in tmp/ and linked straight into new/.
    home = Home(tmp_path / "joe")
    for n in range(3):
        assert run_local(root, home, message=MESSAGE + b"%d\n" % n).returncode == 0
    assert len(home.new_messages()) == 3
    assert list((home.path / "Maildir" / "tmp").iterdir()) == []
    for msg in home.new_messages():
        assert msg.stat().st_nlink == 1 and oct(msg.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("refusal", [
    # a filesystem without O_TMPFILE: the kernel refuses the flag
    refuse_syscall(SYS_OPENAT, EOPNOTSUPP, O_TMPFILE_BIT),
    # no linkat for us (an old kernel without /proc in a chroot)
    refuse_syscall(SYS_LINKAT, EPERM),
], ids=["no-o_tmpfile", "no-linkat"])
def test_falls_back_to_a_named_tmp_file(root, tmp_path, refusal):
    home = Home(tmp_path / "joe")
    cp = run_local(root, home, sender="", preexec_fn=refusal)
    assert cp.returncode == 0, cp.stdout
    [msg] = home.new_messages()
    assert msg.read_bytes() == b"Return-Path: <>\nDelivered-To: joe@example.test\n" + MESSAGE
    assert list((home.path / "Maildir" / "tmp").iterdir()) == []


def test_two_maildirs_in_one_run_get_distinct_names(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./Maildir/\n./Maildir/\n")
    assert run_local(root, home).returncode == 0
    names = [p.name for p in home.new_messages()]
    assert len(names) == 2 and names[0] != names[1]


def test_reads_the_message_region_of_a_queue_file(root, tmp_path):
    home = Home(tmp_path / "joe")
    qf = tmp_path / "123.456"
    write_queue_file(qf, MESSAGE, "alice@example.org", ["joe@example.test", "bob@example.test"])
    home.dot(".qmail", "./Maildir/\n./mbox\n|cat > prog-in\n")
    with open(qf, "rb") as f:
        cp = run_local(root, home, stdin=f)
    assert cp.returncode == 0, cp.stdout
    [msg] = home.new_messages()
    assert msg.read_bytes() == b"Return-Path: <alice@example.org>\nDelivered-To: joe@example.test\n" + MESSAGE
    assert (home.path / "prog-in").read_bytes() == MESSAGE  # no header, no envelope
    assert b"MSQ1" not in (home.path / "mbox").read_bytes()
    assert b"Tbob@" not in (home.path / "mbox").read_bytes()


def test_plain_file_on_stdin(root, tmp_path):
    home = Home(tmp_path / "joe")
    f = tmp_path / "plain"
    f.write_bytes(MESSAGE)
    with open(f, "rb") as fh:
        assert run_local(root, home, stdin=fh).returncode == 0
    assert home.new_messages()[0].read_bytes().endswith(MESSAGE)


def test_missing_maildir_defers(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./NoSuch/\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "NoSuch" in reason(cp)


def quota_env(root, spec):
    root.set("defaultquota", spec)


def test_quota_from_defaultquota_defers_when_full(root, tmp_path):
    home = Home(tmp_path / "joe")
    size = len(MESSAGE) + len(b"Return-Path: <alice@example.org>\nDelivered-To: joe@example.test\n")
    quota_env(root, f"{size * 2}S")
    assert run_local(root, home).returncode == 0
    assert run_local(root, home).returncode == 0
    ms = (home.maildir / "maildirsize").read_text().splitlines()
    assert ms[0] == f"{size * 2}S"
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "mailbox full (quota exceeded)" in reason(cp)
    assert len(home.new_messages()) == 2
    # the user deletes a message and the client records it: room again
    os.unlink(home.new_messages()[0])
    with open(home.maildir / "maildirsize", "a") as f:
        f.write(f"-{size} -1\n")
    assert run_local(root, home).returncode == 0


def test_message_count_quota(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "100000000S,2C")
    assert run_local(root, home).returncode == 0
    assert run_local(root, home).returncode == 0
    cp = run_local(root, home)
    assert cp.returncode == 111 and "quota exceeded" in reason(cp)


def test_quota_from_users_database_beats_default(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "0")
    root.users.write_text(f"joe@example.test:1000:1000:{home.path}:$6$salt$hash:1C\n")
    assert run_local(root, home).returncode == 0
    cp = run_local(root, home)
    assert cp.returncode == 111 and "quota exceeded" in reason(cp)
    # the spawner's MAILSUITE_QUOTA wins over both
    assert run_local(root, home, env={"MAILSUITE_QUOTA": "10C"}).returncode == 0


def test_no_quota_means_no_limit_and_no_maildirsize(root, tmp_path):
    home = Home(tmp_path / "joe")
    for _ in range(3):
        assert run_local(root, home).returncode == 0
    assert not (home.maildir / "maildirsize").exists()


def test_stale_maildirsize_is_recalculated(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "1000000S,3C")
    # A maildirsize that claims the Maildir is full, last written an hour
    # ago, while the user has since emptied the Maildir.
    ms = home.maildir / "maildirsize"
    ms.write_text("1000000S,3C\n999999 3\n")
    old = time.time() - 3600
    os.utime(ms, (old, old))
    cp = run_local(root, home)
    assert cp.returncode == 0, cp.stdout
    lines = ms.read_text().splitlines()
    assert lines[0] == "1000000S,3C"
    assert lines[1] == "0 0"  # recalculated from the empty Maildir
    # a fresh over-quota maildirsize is believed
    ms.write_text("1000000S,3C\n999999 3\n")
    assert run_local(root, home).returncode == 111


def test_changed_quota_or_big_maildirsize_rebuilds_by_scan(root, tmp_path):
    home = Home(tmp_path / "joe")
    os.makedirs(home.maildir / ".Sent" / "cur")
    os.makedirs(home.maildir / ".Trash" / "cur")
    (home.maildir / "cur" / "1.M1P1.h,S=100:2,S").write_bytes(b"x" * 100)
    (home.maildir / "cur" / "2.M1P1.h:2,S").write_bytes(b"y" * 50)  # no S=: stat
    (home.maildir / ".Sent" / "cur" / "3.M1P1.h,S=70:2,S").write_bytes(b"z" * 70)
    (home.maildir / ".Trash" / "cur" / "4.M1P1.h,S=9999:2,S").write_bytes(b"t")
    (home.maildir / "maildirsize").write_text("5S\n" + "1 1\n" * 3000)
    quota_env(root, "1000000S")
    assert run_local(root, home).returncode == 0
    lines = (home.maildir / "maildirsize").read_text().splitlines()
    assert lines[0] == "1000000S"
    assert lines[1] == "220 3"  # the scan, .Trash excluded
    assert lines[2].endswith(" 1")  # then our delivery appended
    assert len(lines) == 3


def test_malformed_quota_defers(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "lots")
    assert_deferred(root, home, "quota")


def test_users_entry_without_quota_uses_defaultquota(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "1C")
    root.users.write_text(f"joe@example.test:1000:1000:{home.path}:$6$salt$hash:\n")
    assert run_local(root, home).returncode == 0
    assert run_local(root, home).returncode == 111
    root.users.write_text(f"joe@example.test:1000:1000:{home.path}:$6$salt$hash:0S\n")  # explicitly none
    assert run_local(root, home).returncode == 0


def test_malformed_users_line_defers(root, tmp_path):
    home = Home(tmp_path / "joe")
    root.users.write_text(f"joe@example.test:1000:1000:{home.path}:$6$salt$hash:lots\n")
    assert_deferred(root, home, "users database")


def test_no_quota_still_updates_an_existing_maildirsize(root, tmp_path):
    home = Home(tmp_path / "joe")
    ms = home.maildir / "maildirsize"
    ms.write_text("1C\n0 0\n")  # left by an earlier quota: no longer enforced
    assert run_local(root, home).returncode == 0
    assert run_local(root, home).returncode == 0
    lines = ms.read_text().splitlines()
    assert lines[0] == "1C" and len(lines) == 4 and lines[3].endswith(" 1")


def test_reads_a_file_written_by_mailsuite_queue(root, tmp_path):
    import subprocess
    from conftest import prog
    home = Home(tmp_path / "joe")
    r, w = os.pipe()
    os.write(w, b"Falice@example.org\0Tjoe@example.test\0Tbob@example.test\0\0")
    os.close(w)
    cp = subprocess.run([prog("mailsuite-queue")], input=MESSAGE, stdout=r, env=root.env,
                        capture_output=False, timeout=30)
    os.close(r)
    assert cp.returncode == 0
    [queued] = list((root.queue / "mess").iterdir())
    with open(queued, "rb") as f:
        cp = run_local(root, home, stdin=f)
    assert cp.returncode == 0, cp.stdout
    [msg] = home.new_messages()
    data = msg.read_bytes()
    assert data.startswith(b"Return-Path: <alice@example.org>\nDelivered-To: joe@example.test\nReceived: ")
    assert data.endswith(MESSAGE)  # and not the envelope after it


def test_empty_mailsuite_quota_falls_back_to_defaultquota(root, tmp_path):
    home = Home(tmp_path / "joe")
    quota_env(root, "1C")
    assert run_local(root, home, env={"MAILSUITE_QUOTA": ""}).returncode == 0
    assert run_local(root, home, env={"MAILSUITE_QUOTA": ""}).returncode == 111
    assert run_local(root, home, env={"MAILSUITE_QUOTA": "0S"}).returncode == 0  # explicitly none
