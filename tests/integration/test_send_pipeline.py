"""mailsuite-send with the real mailsuite-queue and mailsuite-local:
delivery to Maildirs, bounces, retries, signals, crash safety."""
import email
import email.policy
import os
import signal
import time

from conftest import prog, run, wait_for
from send_helpers import (inst, make_message, maildir_messages, message_subjects,  # noqa: F401
                          queue_file, write_owned)


def wait_queue_empty(inst, timeout=20):
    try:
        wait_for(inst.queue_empty, timeout=timeout, what="empty queue")
    except AssertionError:
        raise AssertionError("queue not empty; log:\n" + inst.log()[-3000:])


def test_pipeline_delivers_to_maildirs(inst):
    alice = inst.add_user("alice@example.test")
    bob = inst.add_user("bob@example.test")
    write_owned(alice / ".qmail-lists", "./Maildir/\n", inst)
    inst.start()
    inst.inject(make_message("first"), "carol@example.org", ["alice@example.test"])
    inst.inject(make_message("second"), "carol@example.org",
                ["alice@example.test", "Bob@example.test", "alice-lists@example.test"])
    wait_queue_empty(inst)
    wait_for(lambda: len(maildir_messages(alice)) == 3, what="alice's mail")
    assert sorted(message_subjects(alice)) == ["first", "second", "second"]
    assert message_subjects(bob) == ["second"]
    texts = b"".join(maildir_messages(alice))
    assert b"Return-Path: <carol@example.org>" in texts
    assert b"Delivered-To: alice-lists@example.test" in texts
    # no state file was needed for the one-recipient message; all gone now
    assert not any((inst.root.queue / "state").iterdir())
    news = inst.events("new")
    assert len(news) == 2 and news[1]["rcpts"] == "3" and news[0]["from"] == "carol@example.org"
    results = inst.events("delivery")
    assert len(results) == 4 and all(r["result"] == "success" for r in results)
    assert all(r["reason"].startswith("did ") for r in results)
    assert {e["msg"] for e in inst.events("end")} == {n["msg"] for n in news}
    starts = inst.events("starting")
    assert {s["to"] for s in starts} == {"alice@example.test", "Bob@example.test",
                                         "alice-lists@example.test"}
    assert all(s["channel"] == "local" for s in starts)


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def test_unknown_user_bounces_with_rfc3464_report(inst):
    alice = inst.add_user("alice@example.test")
    inst.start()
    inst.inject(make_message("lost one", extra=b"X-Original: yes\n"), "alice@example.test",
                ["nosuch@example.test"])
    wait_for(lambda: maildir_messages(alice), what="bounce")
    wait_queue_empty(inst)
    raw = maildir_messages(alice)[0]
    assert raw.startswith(b"Return-Path: <>\n")
    m = parse(raw)
    assert m["From"] == "Mail Delivery System <MAILER-DAEMON@mail.example.test>"
    assert m.get_content_type() == "multipart/report"
    assert m.get_param("report-type") == "delivery-status"
    parts = m.get_payload()
    assert [p.get_content_type() for p in parts] == [
        "text/plain", "message/delivery-status", "text/rfc822-headers"]
    assert "<nosuch@example.test>:\nSorry, no mailbox here by that name. (#5.1.1)" in \
        parts[0].get_payload()
    dsn = raw[raw.index(b"Content-Type: message/delivery-status"):]
    assert b"Final-Recipient: rfc822; nosuch@example.test\nAction: failed\nStatus: 5.1.1\n" in dsn
    assert b"Reporting-MTA: dns; mail.example.test" in dsn
    headers = parts[2].get_payload()
    assert "Subject: lost one" in headers and "X-Original: yes" in headers
    assert "hello" not in headers  # the header only, not the body
    assert inst.events("bounce")[0]["to"] == "alice@example.test"


def test_double_bounce_then_dropped_triple(inst):
    pm = inst.add_user("postmaster@mail.example.test")
    inst.start()
    # a bounce (null sender) that cannot be delivered: double bounce
    inst.inject(make_message("bounce of something"), "", ["nosuch@example.test"])
    wait_for(lambda: maildir_messages(pm), what="double bounce")
    raw = maildir_messages(pm)[0]
    assert raw.startswith(b"Return-Path: <>\n")
    assert b"Subject: failure notice (double bounce)" in raw
    assert b"the bounce bounced" in raw
    assert b"Subject: bounce of something" in raw
    assert inst.events("doublebounce")[0]["to"] == "postmaster@mail.example.test"
    wait_queue_empty(inst)
    # double bounce address that does not exist: the double bounce fails
    # and is dropped, nothing loops
    inst.root.set("doublebounceto", "nobody-at-all")
    inst.signal(signal.SIGHUP)
    wait_for(lambda: inst.events("reload"), what="reload")
    inst.inject(make_message("bounce two"), "", ["nosuch@example.test"])
    wait_for(lambda: inst.events("drop"), what="dropped triple bounce")
    wait_queue_empty(inst)
    drop = inst.events("drop")[0]
    assert drop["to"] == "nobody-at-all@mail.example.test"
    assert "no mailbox" in drop["reason"]
    assert len(maildir_messages(pm)) == 1
    assert len(inst.events("doublebounce")) == 2


def test_double_bounce_carries_the_failed_bounce_whole(inst):
    """The postmaster can tell which original message a double bounce is
    about: the failed bounce is inside whole (message/rfc822), and in it
    the original's header (issue 17 point 6)."""
    pm = inst.add_user("postmaster@mail.example.test")
    inst.start()
    # ghost@ does not exist: the bounce to it fails, and double-bounces
    inst.inject(make_message("the lost original", extra=b"Message-ID: <orig-4711@example.org>\n"),
                "ghost@example.test", ["nosuch@example.test"])
    wait_for(lambda: maildir_messages(pm), what="double bounce")
    wait_queue_empty(inst)
    m = parse(maildir_messages(pm)[0])
    assert m["Subject"] == "failure notice (double bounce)"
    parts = m.get_payload()
    assert [p.get_content_type() for p in parts] == [
        "text/plain", "message/delivery-status", "message/rfc822"]
    [bounce] = parts[2].get_payload()          # the failed bounce, parsed
    assert bounce["Subject"] == "failure notice"
    assert bounce["To"] == "ghost@example.test"
    assert bounce.get_content_type() == "multipart/report"
    inner = bounce.get_payload()
    assert "<nosuch@example.test>:" in inner[0].get_payload()
    original = email.message_from_string(inner[2].get_payload(), policy=email.policy.compat32)
    assert original["Subject"] == "the lost original"
    assert original["Message-ID"] == "<orig-4711@example.org>"


def test_double_bounce_of_a_large_message_carries_its_header_only(inst):
    pm = inst.add_user("postmaster@mail.example.test")
    inst.start()
    big = b"z" * 1000 + b"\n"
    inst.inject(make_message("big null-sender message", body=big * 300), "", ["nosuch@example.test"])
    wait_for(lambda: maildir_messages(pm), what="double bounce")
    wait_queue_empty(inst)
    raw = maildir_messages(pm)[0]
    assert len(raw) < 100000
    parts = parse(raw).get_payload()
    assert parts[2].get_content_type() == "text/rfc822-headers"
    assert "Subject: big null-sender message" in parts[2].get_payload()
    assert "zzzz" not in parts[2].get_payload()


def test_retry_then_bounce_after_queuelifetime(inst):
    alice = inst.add_user("alice@example.test")
    bob = inst.add_user("bob@example.test")
    write_owned(bob / ".qmail", "|echo mailbox temporarily broken; exit 111\n", inst)
    inst.root.set("retrylocal", "1")       # retries at 1 s, 4 s, 9 s ... after queueing
    inst.root.set("queuelifetime", "3")
    inst.start()
    inst.inject(make_message("doomed"), "alice@example.test", ["bob@example.test"])
    wait_for(lambda: (inst.root.queue / "state").exists() and any((inst.root.queue / "state").iterdir()),
             what="state file")
    state = next((inst.root.queue / "state").iterdir()).read_text()
    assert state.startswith("0 Z ") and "mailbox temporarily broken" in state
    wait_for(lambda: maildir_messages(alice), timeout=15, what="bounce after queuelifetime")
    wait_queue_empty(inst)
    to_bob = [e for e in inst.events("delivery") if e["to"] == "bob@example.test"]
    results = [e["result"] for e in to_bob]
    assert results.count("deferral") >= 2 and results[-1] == "failure"
    assert "too long" in to_bob[-1]["reason"]
    raw = maildir_messages(alice)[0]
    assert b"mailbox temporarily broken" in raw and b"too long" in raw
    assert maildir_messages(bob) == []
    assert not any((inst.root.queue / "state").iterdir())


def test_sigalrm_retries_now(inst):
    bob = inst.add_user("bob@example.test")
    write_owned(bob / ".qmail", "|exit 111\n", inst)
    inst.start()                       # default retrylocal: first retry after 100 s
    inst.inject(make_message("later"), "x@example.org", ["bob@example.test"])
    wait_for(lambda: inst.events("delivery"), what="first attempt")
    (bob / ".qmail").unlink()
    time.sleep(0.5)
    assert maildir_messages(bob) == []
    inst.signal(signal.SIGALRM)
    wait_for(lambda: maildir_messages(bob), timeout=5, what="retry after SIGALRM")
    assert inst.events("retry-all")
    wait_queue_empty(inst)


def test_sighup_rereads_control_files(inst):
    carol = inst.add_user("carol@new.test")
    inst.start()
    inst.root.set("locals", "mail.example.test", "example.test", "new.test")
    inst.signal(signal.SIGHUP)
    wait_for(lambda: inst.events("reload"), what="reload")
    inst.inject(make_message("after reload"), "x@example.org", ["carol@new.test"])
    wait_for(lambda: maildir_messages(carol), what="local delivery to new.test")
    assert inst.events("starting")[0]["channel"] == "local"


def test_sigterm_lets_running_deliveries_finish(inst):
    bob = inst.add_user("bob@example.test")
    write_owned(bob / ".qmail", "|sleep 1.5\n./Maildir/\n", inst)
    inst.start()
    inst.inject(make_message("slow"), "x@example.org", ["bob@example.test"])
    wait_for(lambda: inst.events("starting"), what="delivery start")
    inst.signal(signal.SIGTERM)
    inst.send.proc.wait(timeout=10)
    assert inst.send.proc.returncode == 0
    assert message_subjects(bob) == ["slow"]
    assert inst.events("delivery")[0]["result"] == "success"
    assert inst.events("exit")
    assert inst.queue_empty()


def test_kill9_while_delivering_100_messages_loses_nothing(inst):
    alice = inst.add_user("alice@example.test")
    inst.start()
    for i in range(100):
        inst.inject(make_message(f"m{i:03d}", body=b"x" * 2000 + b"\n"), "x@example.org",
                    ["alice@example.test"])
        if i == 40:
            wait_for(lambda: len(inst.events("delivery")) >= 10, what="deliveries under way")
            os.kill(inst.send.pid, signal.SIGKILL)
            inst.send.proc.wait(timeout=5)
    # the old spawners end with their scheduler: the lock is free again
    inst.start()
    wait_queue_empty(inst, timeout=40)
    subjects = message_subjects(alice)
    assert set(subjects) == {f"m{i:03d}" for i in range(100)}
    assert len(subjects) >= 100
    assert not any((inst.root.queue / "state").iterdir())


def test_state_survives_restart_without_redelivery(inst):
    alice = inst.add_user("alice@example.test")
    dave = inst.add_user("dave@example.test")
    write_owned(dave / ".qmail", "|exit 111\n", inst)
    inst.start()
    inst.inject(make_message("two of us"), "x@example.org",
                ["alice@example.test", "dave@example.test"])
    wait_for(lambda: len(inst.events("delivery")) == 2, what="both attempts")
    state = next((inst.root.queue / "state").iterdir()).read_text().splitlines()
    assert sorted(l.split()[:2] for l in state) == [["0", "D"], ["1", "Z"]]
    inst.signal(signal.SIGTERM)
    inst.send.proc.wait(timeout=10)
    (dave / ".qmail").unlink()
    inst.start()
    wait_for(lambda: len(inst.events("new")) == 2, what="message taken in again")
    inst.signal(signal.SIGALRM)
    wait_for(lambda: maildir_messages(dave), what="dave after restart")
    wait_queue_empty(inst)
    assert len(maildir_messages(alice)) == 1


def test_start_cleans_tmp_orphan_state_and_moves_bad_files(inst):
    q = inst.root.queue
    stale = q / "tmp" / "123.456"
    stale.write_bytes(b"half a message")
    os.utime(stale, (time.time() - 120, time.time() - 120))
    fresh = q / "tmp" / "124.456"
    fresh.write_bytes(b"being written")
    (q / "state" / "999.1").write_text("0 D 1 done\n")
    inst.put_queue_file("777.1", b"not a queue file at all" * 5)
    good = queue_file(make_message("crafted"), "x@example.org", ["alice@example.test"])
    alice = inst.add_user("alice@example.test")
    inst.put_queue_file("778.1", good)
    inst.chown_all()
    inst.start()
    wait_for(lambda: maildir_messages(alice), what="crafted message")
    assert not stale.exists() and fresh.exists()
    assert not (q / "state" / "999.1").exists()
    assert (q / "bad" / "777.1").exists() and not (q / "mess" / "777.1").exists()
    assert inst.events("bad")[0]["msg"] == "777.1"
    assert {"tmp": "123.456"} in inst.events("clean")
    assert {"state": "999.1"} in inst.events("clean")


def test_only_one_send_per_queue(inst):
    inst.start()
    p = run(inst.as_user() + [prog("mailsuite-send")], env=inst.root.env, timeout=10)
    assert p.returncode == 111
    assert b"another mailsuite-send is running" in p.stderr


def test_broken_users_database_defers_instead_of_bouncing(inst):
    alice = inst.add_user("alice@example.test")
    with open(inst.root.users, "a") as f:
        f.write("mangled line without fields\n")
    inst.start()
    inst.inject(make_message("maybe on the bad line"), "alice@example.test", ["zed@example.test"])
    wait_for(lambda: inst.events("delivery"), what="attempt")
    d = inst.events("delivery")[0]
    assert d["result"] == "deferral" and "malformed" in d["reason"]
    alerts = inst.events("alert")
    assert alerts and alerts[0]["what"] == "users", inst.log()
    assert maildir_messages(alice) == []  # no bounce


def test_a_bounce_that_cannot_be_queued_is_retried_and_sigalrm_retries_it_now(inst):
    alice = inst.add_user("alice@example.test")
    inst.inject(make_message("to nobody"), "alice@example.test", ["nosuch@example.test"])
    tmp = inst.root.queue / "tmp"
    os.chmod(tmp, 0o500)  # mailsuite-queue (run by send as the queue's user) cannot write
    try:
        inst.start()
        wait_for(lambda: [a for a in inst.events("alert") if a.get("what") == "bounce"],
                 what="the failed bounce")
        assert maildir_messages(alice) == []
        assert len(list((inst.root.queue / "mess").iterdir())) == 1  # kept, B on disk
        assert "B" in next((inst.root.queue / "state").iterdir()).read_text().split()[1]
    finally:
        os.chmod(tmp, 0o700)
    # Well before the 60 s retry: SIGALRM retries the bounce now.
    inst.signal(signal.SIGALRM)
    wait_for(lambda: maildir_messages(alice), timeout=10, what="the bounce after SIGALRM")
    wait_queue_empty(inst)
    assert inst.events("retry-all")[0]["bounces"] == "1"
    assert b"Subject: failure notice" in maildir_messages(alice)[0]
