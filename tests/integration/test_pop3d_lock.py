"""One session per mailbox, and no stale lock after a session dies."""
import os
import signal

from conftest import wait_for
from pop3d_support import deliver, mailbox_owner, pop3


def test_second_session_is_refused_in_use(pop3):
    server = pop3({"alice@example.test": "pw"})
    deliver(server.maildir("alice@example.test"), "Subject: x\n\nx\n")
    first = server.connect()
    assert first.login("alice@example.test", "pw").startswith(b"+OK")
    second = server.connect()
    assert second.login("alice@example.test", "pw") == b"-ERR [IN-USE] mailbox in use\r\n"
    assert second.closed()
    # The first session is unaffected and can still delete.
    first.send("DELE 1\r\nQUIT\r\n")
    assert first.lines(2) == [b"+OK message deleted\r\n", b"+OK bye\r\n"]
    assert "end=in-use" in server.wait_sessions("alice@example.test", 2)[0]
    # Once it has ended, a new session gets the mailbox.
    third = server.connect()
    assert third.login("alice@example.test", "pw").startswith(b"+OK 0 messages")


def test_kill_9_of_a_session_leaves_no_stale_lock(pop3):
    server = pop3({"alice@example.test": "pw"})
    name = deliver(server.maildir("alice@example.test"), "Subject: x\n\nx\n")
    first = server.connect()
    assert first.login("alice@example.test", "pw").startswith(b"+OK 1 messages")
    first.send("DELE 1\r\nNOOP\r\n")
    assert first.lines(2) == [b"+OK message deleted\r\n", b"+OK\r\n"]
    pids = wait_for(server.session_pids, what="the session process")
    assert len(pids) == 1
    # The checker switched to the mailbox owner before exec'ing the session.
    status = open(f"/proc/{pids[0]}/status").read()
    uid_line = next(l for l in status.splitlines() if l.startswith("Uid:"))
    assert uid_line.split()[1:] == [str(mailbox_owner()[0])] * 4
    os.kill(pids[0], signal.SIGKILL)
    assert first.closed()  # the pre-login parent notices and closes too
    # Immediately: a new login works, and the killed session deleted nothing.
    again = server.connect()
    assert again.login("alice@example.test", "pw").startswith(b"+OK 1 messages")
    again.send("UIDL 1\r\nQUIT\r\n")
    assert again.lines(2) == [f"+OK 1 {name}\r\n".encode(), b"+OK bye\r\n"]
    assert "end=killed signal=9" in server.wait_sessions("alice@example.test", 2)[0]
