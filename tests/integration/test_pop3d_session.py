"""mailsuite-pop3d under tcpserver, talked to by Python's poplib."""
import poplib

import pytest

from pop3d_support import pop3, deliver


@pytest.fixture
def server(pop3):
    return pop3({"alice@example.test": "s3cret pass", "bob@example.test": "bobpw"})


def test_poplib_whole_session(server, root):
    md = server.maildir("alice@example.test")
    old = deliver(md, "Subject: old\n\nseen before\n", folder="cur", when=1600000000)
    first = deliver(md, "Subject: one\n\nline\n.starts with a dot\n..two dots\n",
                    when=1700000000)
    second = deliver(md, "Subject: two\r\nX: y\r\n\r\nb1\r\nb2\r\nb3\r\n", when=1700000001,
                     size_field=False)
    root.set("pop3greeting", "pop.example.test ready")

    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    assert p.getwelcome() == b"+OK pop.example.test ready"
    caps = p.capa()
    for cap in ("TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"):
        assert cap in caps
    p.user("alice@example.test")
    p.pass_("s3cret pass")
    assert "USER" not in p.capa()
    count, size = p.stat()
    assert count == 3
    listing = p.list()[1]
    assert [l.split()[0] for l in listing] == [b"1", b"2", b"3"]
    assert sum(int(l.split()[1]) for l in listing) == size
    uidls = [l.split()[1].decode() for l in p.uidl()[1]]
    assert uidls == [old.split(":")[0], first, second]
    assert p.uidl(2).split()[2].decode() == first

    _, lines, _ = p.retr(2)
    # poplib removes the stuffed dots again: the message comes back intact.
    assert lines == [b"Subject: one", b"", b"line", b".starts with a dot", b"..two dots"]
    _, top, _ = p.top(3, 1)
    assert top == [b"Subject: two", b"X: y", b"", b"b1"]

    p.dele(1)
    with pytest.raises(poplib.error_proto, match="deleted"):
        p.retr(1)
    assert p.stat()[0] == 2
    p.rset()
    assert p.stat()[0] == 3
    p.dele(2)
    p.noop()
    assert p.quit().startswith(b"+OK")

    assert not (md / "new" / first).exists()
    assert (md / "cur" / (second + ":2,")).exists()
    assert (md / "cur" / old).exists()
    log = server.wait_sessions("alice@example.test")[-1]
    assert "user=alice@example.test" in log and "ip=127.0.0.1" in log
    assert "retrieved=2" in log and "deleted=1" in log and "end=quit" in log

    # UIDLs survive the new/ -> cur/ move and a new session.
    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    p.user("alice@example.test")
    p.pass_("s3cret pass")
    assert [l.split()[1].decode() for l in p.uidl()[1]] == [old.split(":")[0], second]
    p.quit()


def test_session_without_quit_deletes_nothing(server):
    md = server.maildir("bob@example.test")
    name = deliver(md, "Subject: keep\n\nx\n")
    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    p.user("bob@example.test")
    p.pass_("bobpw")
    p.dele(1)
    p.file.close()
    p.sock.close()  # drop the connection: no UPDATE state
    line = server.wait_sessions("bob@example.test")[-1]
    assert "end=eof" in line and "deleted=0" in line
    assert (md / "new" / name).exists()


@pytest.mark.parametrize("user,password", [("alice@example.test", "wrong"), ("nobody@example.test", "s3cret pass")])
def test_failed_login_says_auth(server, user, password):
    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    p.user(user)
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        p.pass_(password)
    # The session goes on: a correct login still works.
    p.user("alice@example.test")
    assert p.pass_("s3cret pass").startswith(b"+OK")
    p.quit()


def test_empty_mailbox(server):
    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    p.user("bob@example.test")
    p.pass_("bobpw")
    assert p.stat() == (0, 0)
    assert p.list()[1] == []
    assert p.uidl()[1] == []
    p.quit()
