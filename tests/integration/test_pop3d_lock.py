"""One session per mailbox, and no stale lock after a session dies."""
import os
import signal

from conftest import wait_for
from pop3d_support import Pop3Server, deliver


def test_second_session_is_refused_in_use(root):
    server = Pop3Server(root, {"alice": "pw"})
    deliver(server.maildir("alice"), "Subject: x\n\nx\n")
    first = server.connect()
    assert first.login("alice", "pw").startswith(b"+OK")
    second = server.connect()
    assert second.login("alice", "pw") == b"-ERR [IN-USE] mailbox in use\r\n"
    assert second.closed()
    # The first session is unaffected and can still delete.
    first.send("DELE 1\r\nQUIT\r\n")
    assert first.lines(2) == [b"+OK message deleted\r\n", b"+OK bye\r\n"]
    assert "end=in-use" in server.wait_sessions("alice", 2)[0]
    # Once it has ended, a new session gets the mailbox.
    third = server.connect()
    assert third.login("alice", "pw").startswith(b"+OK 0 messages")


def test_kill_9_of_a_session_leaves_no_stale_lock(root):
    server = Pop3Server(root, {"alice": "pw"})
    name = deliver(server.maildir("alice"), "Subject: x\n\nx\n")
    first = server.connect()
    assert first.login("alice", "pw").startswith(b"+OK 1 messages")
    first.send("DELE 1\r\nNOOP\r\n")
    assert first.lines(2) == [b"+OK message deleted\r\n", b"+OK\r\n"]
    pids = wait_for(server.session_pids, what="the session process")
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    assert first.closed()  # the pre-login parent notices and closes too
    # Immediately: a new login works, and the killed session deleted nothing.
    again = server.connect()
    assert again.login("alice", "pw").startswith(b"+OK 1 messages")
    again.send("UIDL 1\r\nQUIT\r\n")
    assert again.lines(2) == [f"+OK 1 {name}\r\n".encode(), b"+OK bye\r\n"]
    assert "end=killed signal=9" in server.wait_sessions("alice", 2)[0]
