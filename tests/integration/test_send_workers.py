"""mailsuite-send's local delivery workers (send/SPAWNER.md "In-process
deliverer and delivery workers"): one worker serves one user's deliveries
one after another; a worker that dies costs a deferral, never a message."""
import os
import pathlib
import re
import signal

from conftest import wait_for
from send_helpers import inst, make_message, maildir_messages, message_subjects, write_owned  # noqa: F401
from test_send_pipeline import wait_queue_empty


def names(home):
    new = pathlib.Path(home) / "Maildir" / "new"
    return sorted(p.name for p in new.iterdir()) if new.is_dir() else []


def writer_pid(name):
    return int(re.search(r"\.M\d+P(\d+)", name).group(1))


def deliver_one(inst, home, subject, count):
    inst.inject(make_message(subject), "carol@example.org", ["alice@example.test"])
    wait_for(lambda: len(maildir_messages(home)) == count, what=f"message {count}")


def test_one_worker_delivers_a_users_messages_in_turn(inst):
    alice = inst.add_user("alice@example.test")
    inst.start()
    for i in range(1, 6):
        deliver_one(inst, alice, f"m{i}", i)
    wait_queue_empty(inst)
    found = names(alice)
    assert len({writer_pid(n) for n in found}) == 1, found
    # Q<n>: the n-th file of that one process, so names stay unique
    assert sum(1 for n in found if re.search(r"P\d+Q\d+\.", n)) == 4, found
    pid = writer_pid(found[0])
    assert pid != inst.send.pid
    assert os.path.exists(f"/proc/{pid}"), "the worker waits for the next delivery"


def test_a_killed_worker_is_replaced(inst):
    alice = inst.add_user("alice@example.test")
    inst.start()
    deliver_one(inst, alice, "before", 1)
    # Kill it idle: the file is in new/ before the worker's reply is sent
    # (a kill in between is the crash the next test covers).
    wait_for(lambda: [r for r in inst.events("delivery") if r["result"] == "success"],
             what="the first delivery's result")
    first = writer_pid(names(alice)[0])
    os.kill(first, signal.SIGKILL)
    deliver_one(inst, alice, "after", 2)
    wait_queue_empty(inst)
    pids = {writer_pid(n) for n in names(alice)}
    assert first in pids and len(pids) == 2
    assert sorted(message_subjects(alice)) == ["after", "before"]


def test_a_worker_dying_mid_delivery_defers_then_delivers(inst):
    alice = inst.add_user("alice@example.test")
    marker = pathlib.Path(inst.base) / "died-once"
    # The program's parent is the worker: the first time, kill it mid-way.
    write_owned(alice / ".qmail",
                f"|if [ ! -e {marker} ]; then touch {marker}; kill -9 $PPID; sleep 5; fi\n"
                "./Maildir/\n", inst)
    os.chmod(inst.base, 0o777)
    inst.start()
    inst.inject(make_message("survivor"), "carol@example.org", ["alice@example.test"])
    wait_for(lambda: any(r["result"] == "deferral" for r in inst.events("delivery")),
             what="the deferral")
    deferral = [r for r in inst.events("delivery") if r["result"] == "deferral"][0]
    assert "crashed" in deferral["reason"] or "signal" in deferral["reason"], deferral
    assert marker.exists()
    os.kill(inst.send.pid, signal.SIGALRM)  # retry now
    wait_for(lambda: message_subjects(alice) == ["survivor"], timeout=20, what="redelivery")
    wait_queue_empty(inst)
