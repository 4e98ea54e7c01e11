"""How many fsyncs make a message durable (lib/durability.h): where an
fsync of a file also commits its newest directory entry (XFS, ext4 with or
without a journal) mailsuite-queue links its unnamed file into mess/ first
and fsyncs only the file,
and mailsuite-local fsyncs its unnamed Maildir file, links it into new/ and
fsyncs the file again; where the journal also orders metadata (XFS, ext4
with a journal) mailsuite-local leaves out that second fsync when the queue
file it delivers from is on the same filesystem; anywhere else, or with
control/fsyncdirectories = 1, both fsync their directory as well.
Observed with strace on the real programs."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import prog
from local_support import MESSAGE, Home, run_local, write_queue_file
from queue_util import envelope, mess_files, parse_queue_file, run_queue

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")


def fs_type(path):
    return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True,
                          check=True, timeout=10).stdout.strip()


def ext4_sysfs(path):
    """/sys/fs/ext4/<device> of the filesystem holding path, which exists
    only when the ext4 driver mounted it; None otherwise."""
    dev = os.stat(path).st_dev
    try:
        device = os.path.basename(os.readlink(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}"))
    except OSError:
        return None
    d = pathlib.Path(f"/sys/fs/ext4/{device}")
    return d if d.is_dir() else None


def ext4_journal(path):
    """Whether the ext4 filesystem holding path has a journal, as the
    kernel tells in /sys/fs/ext4/<device>/journal_task ("<none>": no)."""
    d = ext4_sysfs(path)
    try:
        task = (d / "journal_task").read_text() if d else ""
    except OSError:
        return False
    return bool(task) and not task.startswith("<none>")


def journaled(path):
    # stat(1) names ext4's magic "ext2/ext3"
    kind = fs_type(path)
    return kind == "xfs" or (kind == "ext2/ext3" and ext4_journal(path))


def fsync_commits_new_name(path):
    """XFS, or any filesystem of ext4's magic that the ext4 driver mounted:
    with a journal, or without one (the driver's fsync then writes the
    parent directory of a newly added entry, fs/ext4/fsync.c)."""
    kind = fs_type(path)
    return kind == "xfs" or (kind == "ext2/ext3" and ext4_sysfs(path) is not None)


def traced(argv, trace_file):
    return ["strace", "-f", "-qq", "-o", str(trace_file), "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2,linkat,openat"] + argv


def sync_calls(trace_file):
    """[(call, target)] for fsyncs and renames, in order; an fsync's target
    is the path its fd was opened from."""
    fds, calls = {}, []
    for line in pathlib.Path(trace_file).read_text().splitlines():
        m = re.search(r'openat\(\w+, "([^"]*)", [^)]*\)\s+=\s+(\d+)', line)
        if m:
            fds[m.group(2)] = m.group(1)
            continue
        m = re.search(r"\b(fsync|fdatasync)\((\d+)\)\s+=\s+0", line)
        if m:
            calls.append((m.group(1), fds.get(m.group(2), "?")))
            continue
        m = re.search(r'\b(rename|link)\w*\(.*"([^"]*)"[^"]*\) = 0', line)
        if m:
            calls.append((m.group(1), m.group(2)))
    return calls


def queue_calls(root, tmp_path):
    trace = tmp_path / "queue.trace"
    code, err = run_queue(root.env, b"Subject: x\n\nbody\n", envelope("a@x.test", "b@y.test"),
                          argv=traced([prog("mailsuite-queue")], trace))
    assert code == 0, err
    assert len(mess_files(root.queue)) == 1
    return sync_calls(trace)


def test_queue_one_fsync_after_the_link_on_ext4_and_xfs(root, tmp_path):
    calls = queue_calls(root, tmp_path)
    kinds = [c for c, _ in calls]
    if fsync_commits_new_name(root.queue):
        # written unnamed in tmp/, linked as mess/ID, then fsynced
        assert kinds == ["link", "fsync"], calls
        assert "/mess/" in calls[0][1]
        assert calls[1][1].endswith("/tmp"), calls  # the file, opened O_TMPFILE in tmp/
    else:
        assert kinds == ["fsync", "rename", "fsync"], calls
        assert calls[2][1].rstrip("/").endswith("mess")


def test_queue_fsyncs_mess_when_the_operator_asks(root, tmp_path):
    (root.control / "fsyncdirectories").write_text("1\n")
    calls = queue_calls(root, tmp_path)
    assert [c for c, _ in calls] == ["fsync", "rename", "fsync"], calls
    assert calls[2][1].rstrip("/").endswith("mess")


def local_calls(root, tmp_path, from_queue_file):
    home = Home(tmp_path / "joe")
    trace = tmp_path / "local.trace"
    argv = traced([prog("mailsuite-local"), "joe", str(home.path), "joe", "", "", "example.test",
                   "alice@example.org", "./Maildir/"], trace)
    if from_queue_file:
        qf = tmp_path / "qfile"
        write_queue_file(qf, MESSAGE, "alice@example.org", ["joe@example.test"])
        with open(qf, "rb") as f:
            cp = subprocess.run(argv, stdin=f, capture_output=True, env=root.env, timeout=30)
    else:
        cp = subprocess.run(argv, input=MESSAGE, capture_output=True, env=root.env, timeout=30)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert len(home.new_messages()) == 1
    return home, sync_calls(trace)


def maildir_sequence(home, calls, ordered):
    """The Maildir file is fsynced unnamed, linked into new/, then made
    durable under that name: not at all when the journal orders the link
    before the queue file's removal, by the file's own fsync where that
    commits its new name (ext4, XFS), else by that and new/'s."""
    kinds = [c for c, _ in calls]
    assert kinds[:2] == ["fsync", "link"] and calls[1][1].startswith("new/"), calls
    if ordered:
        assert kinds == ["fsync", "link"], calls
    elif fsync_commits_new_name(home.path):
        assert kinds == ["fsync", "link", "fsync"], calls
        assert calls[2][1] == "tmp", calls  # the file, opened O_TMPFILE in tmp/
    else:
        assert kinds == ["fsync", "link", "fsync", "fsync"], calls
        assert calls[3][1].rstrip("/").endswith("new"), calls


def test_maildir_new_not_fsynced_when_the_queue_removal_comes_after(root, tmp_path):
    home, calls = local_calls(root, tmp_path, from_queue_file=True)
    maildir_sequence(home, calls, ordered=journaled(home.path))


def test_maildir_new_fsynced_when_reading_a_pipe(root, tmp_path):
    # No queue file behind us: nothing orders our link before anything.
    home, calls = local_calls(root, tmp_path, from_queue_file=False)
    maildir_sequence(home, calls, ordered=False)


def test_maildir_new_fsynced_when_the_operator_asks(root, tmp_path):
    (root.control / "fsyncdirectories").write_text("1\n")
    _, calls = local_calls(root, tmp_path, from_queue_file=True)
    assert [c for c, _ in calls] == ["fsync", "link", "fsync", "fsync"], calls
    assert calls[3][1].rstrip("/").endswith("new"), calls


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no tmpfs at /dev/shm")
def test_other_filesystems_keep_the_directory_fsync(tmp_path):
    import tempfile
    from conftest import Root
    with tempfile.TemporaryDirectory(dir="/dev/shm") as d:
        if fsync_commits_new_name(d):
            pytest.skip("/dev/shm is not tmpfs here")
        r = Root(pathlib.Path(d) / "root")
        calls = queue_calls(r, tmp_path)
        assert [c for c, _ in calls] == ["fsync", "rename", "fsync"], calls
        parse_queue_file(mess_files(r.queue)[0])
