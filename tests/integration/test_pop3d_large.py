"""Large mailboxes and large messages."""
import hashlib
import os
import poplib

from pop3d_support import pop3, pop3_unstuff


def test_ten_thousand_messages(pop3):
    server = pop3({"alice@example.test": "pw"})
    md = server.maildir("alice@example.test")
    names = []
    for i in range(10000):
        body = b"Subject: %d\n\nmessage %d\n" % (i, i)
        # Half with a size in the name, half sized by stat.
        name = "%d.M%dP1.test" % (1700000000 + i, i)
        if i % 2 == 0:
            name += ",S=%d" % len(body)
        folder = "new" if i % 3 else "cur"
        fname = name + (":2,S" if folder == "cur" else "")
        fd = os.open(md / folder / fname, os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, body)
        os.close(fd)
        names.append(name)
    p = poplib.POP3("127.0.0.1", server.port, timeout=30)
    p.user("alice@example.test")
    p.pass_("pw")
    count, octets = p.stat()
    assert count == 10000
    assert octets == sum(len(b"Subject: %d\n\nmessage %d\n" % (i, i)) for i in range(10000))
    uidl = p.uidl()[1]
    assert [l.split()[1].decode() for l in uidl] == names  # delivery order
    assert p.retr(9999)[1] == [b"Subject: 9998", b"", b"message 9998"]
    p.dele(10000)
    p.quit()
    assert len(os.listdir(md / "new")) == 0
    assert len(os.listdir(md / "cur")) == 9999


def test_fifty_megabyte_message(pop3):
    server = pop3({"alice@example.test": "pw"})
    md = server.maildir("alice@example.test")
    line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\n"
    parts = [b"Subject: big\n\n"]
    size = len(parts[0])
    i = 0
    while size < 50 * 1024 * 1024:
        chunk = (b"." + line) if i % 1000 == 0 else line  # some lines need stuffing
        parts.append(chunk)
        size += len(chunk)
        i += 1
    data = b"".join(parts)
    name = "1700000000.M1P1.big,S=%d" % len(data)
    (md / "new" / name).write_bytes(data)
    c = server.connect()
    c.login("alice@example.test", "pw")
    c.send("RETR 1\r\n")
    assert c.line() == b"+OK %d octets\r\n" % len(data)
    body = c.bulk_body()
    assert len(body) == len(data) + data.count(b"\n") + data.count(b"\n.")
    # Undoing CRLF and stuffing gives back exactly the file.
    assert hashlib.sha256(pop3_unstuff(body)).hexdigest() == hashlib.sha256(data).hexdigest()
    c.send("QUIT\r\n")
    assert c.line() == b"+OK bye\r\n"
    line = server.wait_sessions("alice@example.test")[0]
    assert "retrieved=1" in line and "retrieved_bytes=%d" % len(data) in line
