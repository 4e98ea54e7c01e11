"""control/maxerrors in mailsuite-smtpd (issue 17 point 4; DESIGN.md
"Throttling"): the 500-504 replies of one session count; the command that
reaches the limit gets 421 4.7.0 too many errors instead, then the close;
logged as refused category=errors, which mailsuite-stats counts.  Under
ucspi-tcp's tcpserver and under mailsuite-tcpserver (in-process sessions:
the count is per connection)."""
import re
import socket

from conftest import prog, run
from smtpd_support import RawClient, recorder, smtpd  # noqa: F401  (fixtures)
from test_tcpserver import inst  # noqa: F401  (fixture)


def probe(port, n):
    """Sends n unknown commands at once; returns the replies until close."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rb")
    assert f.readline().startswith(b"220")
    s.sendall(b"".join(b"XYZZY%d\r\n" % i for i in range(n)))
    replies = []
    while True:
        line = f.readline()
        if not line:
            break
        replies.append(line.decode().rstrip("\r\n"))
    s.close()
    return replies


def test_20th_error_gets_421_and_the_close(root, smtpd):
    replies = probe(smtpd.port, 30)
    assert replies == ["502 5.5.1 command not implemented"] * 19 + ["421 4.7.0 too many errors"]
    smtpd.wait_log("category=errors")
    assert "reason=maxerrors" in smtpd.log()
    stats = run([prog("mailsuite-stats"), "-P", "all", str(smtpd.server.log_path)], env=root.env)
    assert stats.returncode == 0, stats.stderr
    assert re.search(rb"rejected: .*\berrors=1\b", stats.stdout), stats.stdout


def test_maxerrors_control_and_mixed_errors(root, smtpd):
    root.set("maxerrors", "3")
    c = RawClient(smtpd.port)
    assert c.cmd("RCPT TO:<u@example.test>").startswith("503 ")   # 1
    assert c.cmd("NOOP") == "250 2.0.0 ok"                           # not counted
    assert c.cmd("MAIL FROM:<a@example.net> FOO=1").startswith("503 ")  # 2: no HELO yet
    assert c.cmd("HELO") == "421 4.7.0 too many errors"              # 3: 501 replaced
    assert c.closed()


def test_count_is_per_connection_under_mailsuite_tcpserver(inst):
    inst.root.set("maxerrors", "5")
    p = inst.server()
    # Two sessions, one after the other and one beside: each gets its own 4.
    a = socket.create_connection(("127.0.0.1", p.port), timeout=10)
    fa = a.makefile("rb")
    assert fa.readline().startswith(b"220")
    a.sendall(b"XYZZY\r\n" * 3)
    assert [fa.readline() for _ in range(3)] == [b"502 5.5.1 command not implemented\r\n"] * 3
    assert probe(p.port, 10) == ["502 5.5.1 command not implemented"] * 4 + ["421 4.7.0 too many errors"]
    a.sendall(b"XYZZY\r\nXYZZY\r\nNOOP\r\n")
    assert fa.readline() == b"502 5.5.1 command not implemented\r\n"
    assert fa.readline() == b"421 4.7.0 too many errors\r\n"
    assert fa.readline() == b""
    a.close()
