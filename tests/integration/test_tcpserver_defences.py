"""mailsuite-tcpserver against connection exhaustion (issue 22 point 0)
and connection floods (point 1's ratelimit): control/maxperip (sessions
per client address, default 20), stress mode (more than 80 % of -c in
use: command waits drop to control/timeoutstress, running idle sessions
included), control/ratelimit (connections per minute per address).

Real sockets bound to 127.0.0.2/127.0.0.3 for the hostile clients, a real
smtplib client on 127.0.0.1, the real listener with in-process smtpd;
every wait bounded, every process stopped afterwards."""
import re
import smtplib
import socket
import time

import pytest

from conftest import prog
from test_tcpserver import MESSAGE, inst, log_has, read_line  # noqa: F401  (inst: fixture)


def idle_connection(port, source, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


def first_line(sock, timeout=10):
    return read_line(sock, timeout=timeout)


def closes_within(sock, seconds):
    """What the server sends until it closes, or None when it is still
    open after seconds."""
    sock.settimeout(seconds)
    data = b""
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            chunk = sock.recv(4096)
            if not chunk:
                return data
            data += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        return data
    return None


def serve_one(port, source="127.0.0.1"):
    with smtplib.SMTP("127.0.0.1", port, timeout=5, source_address=(source, 0)) as s:
        code, _ = s.ehlo("client.test")
        assert code == 250
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text


def test_250_idle_connections_from_one_address_do_not_keep_another_waiting(inst):
    """The measured attack: one address opens more connections than there
    are sessions and sends nothing.  With -c 200 (make run's
    concurrencyincoming) and the default maxperip of 20, it holds 20
    sessions, the other 230 get 421 at once, and a client on 127.0.0.1 is
    greeted and has its message queued within 2 s."""
    server = inst.server(["-c", "200"])
    flood = []
    try:
        for _ in range(250):
            flood.append(idle_connection(server.port, "127.0.0.2"))
        replies = [first_line(s) for s in flood]
        greeted = [r for r in replies if r.startswith(b"220 ")]
        refused = [r for r in replies if r == b"421 4.7.0 too many connections from your address\r\n"]
        assert len(greeted) == 20, replies[:25]
        assert len(refused) == 230
        start = time.monotonic()
        serve_one(server.port)
        elapsed = time.monotonic() - start
        assert elapsed < 2.0, elapsed
        log_has(server, r"^mailsuite-tcpserver: refused ip=127\.0\.0\.2 what=connection category=maxperip$")
        # A refused client was closed: it reads end of file after the 421.
        refused_socket = flood[replies.index(refused[0])]
        assert closes_within(refused_socket, 5) == b""
    finally:
        for s in flood:
            s.close()
    # The admitted 20 ended: the address may open sessions again.
    time.sleep(0.5)
    serve_one(server.port, source="127.0.0.2")


def test_maxperip_from_control_file_and_ipv4_counted_per_address(inst):
    inst.root.set("maxperip", "2")
    server = inst.server(["-c", "50"])
    held = [idle_connection(server.port, "127.0.0.2") for _ in range(2)]
    try:
        assert all(first_line(s).startswith(b"220 ") for s in held)
        third = idle_connection(server.port, "127.0.0.2")
        assert first_line(third) == b"421 4.7.0 too many connections from your address\r\n"
        assert closes_within(third, 5) == b""
        third.close()
        # Another address is counted on its own.
        other = idle_connection(server.port, "127.0.0.3")
        assert first_line(other).startswith(b"220 ")
        other.close()
        held.pop().close()
        # One session ended: a new one from 127.0.0.2 is admitted again.
        def admitted():
            s = idle_connection(server.port, "127.0.0.2")
            line = first_line(s)
            s.close()
            return line.startswith(b"220 ")
        deadline = time.monotonic() + 5
        while not admitted():
            assert time.monotonic() < deadline, "127.0.0.2 still refused after one session ended"
            time.sleep(0.1)
    finally:
        for s in held:
            s.close()


def test_stress_mode_cuts_idle_sessions_short_and_ends(inst):
    """-c 10: five idle sessions are not stress (50 %); the ninth session
    (90 %) switches stress mode on, logged, and every session idle longer
    than timeoutstress (1 s here), the five already running included, gets
    421 4.4.2 at once; when they are gone stress mode is logged off and an
    idle session keeps its full timeout again.
    timeoutsmtpd stays 1200 s: without stress mode none would close."""
    inst.root.set("maxperip", "0")
    inst.root.set("timeoutstress", "1")
    server = inst.server(["-c", "10"])
    first = [idle_connection(server.port, "127.0.0.2", timeout=20) for _ in range(5)]
    later = []
    try:
        assert all(first_line(s).startswith(b"220 ") for s in first)
        time.sleep(1.5)
        # Not under stress: the idle sessions stay open.
        assert closes_within(first[0], 0.5) is None
        assert "stress" not in server.log()
        later = [idle_connection(server.port, "127.0.0.3", timeout=20) for _ in range(4)]
        stressed_at = time.monotonic()
        log_has(server, r"^mailsuite-tcpserver: stress mode=on children=9 limit=10$")
        for s in first:
            data = closes_within(s, 5)
            assert data is not None and re.match(rb"421 4\.4\.2 \S+ timeout, closing connection\r\n$", data), data
        assert time.monotonic() - stressed_at < 3
        # With the five gone, 4 of 10 sessions are in use: stress mode ends
        # (hysteresis: off at 70 % or less) and the sessions still running
        # are told so (a session started under stress begins with
        # timeoutstress: tests/unit/smtpd_session_test.cc).
        log_has(server, r"^mailsuite-tcpserver: stress mode=off children=\d+ limit=10$")
        # Out of stress, an idle session keeps its full timeout again.
        calm = idle_connection(server.port, "127.0.0.2")
        assert first_line(calm).startswith(b"220 ")
        assert closes_within(calm, 2) is None
        calm.close()
    finally:
        for s in first + later:
            s.close()


def test_stress_mode_leaves_active_clients_alone(inst):
    """A client that keeps talking is not idle: it finishes its message
    under stress mode (timeoutstress bounds each wait, not the session)."""
    inst.root.set("maxperip", "0")
    inst.root.set("timeoutstress", "1")
    server = inst.server(["-c", "5"])
    idle = [idle_connection(server.port, "127.0.0.2") for _ in range(4)]
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as s:
            log_has(server, r"^mailsuite-tcpserver: stress mode=on")
            for _ in range(4):
                assert s.noop()[0] == 250
                time.sleep(0.5)
            s.ehlo("client.test")
            s.mail("alice@client.test")
            assert s.rcpt("bob@example.test")[0] == 250
            code, text = s.data(MESSAGE)
            assert code == 250, text
    finally:
        for s in idle:
            s.close()


def test_ratelimit_refuses_the_fourth_connection_of_a_minute(inst):
    """control/ratelimit 3: three connections from 127.0.0.2 are served
    (each closed at once, so maxperip plays no part), the fourth within
    the minute gets 421 4.7.0 and the close, logged; 127.0.0.3 is counted
    on its own; with no ratelimit file nothing is refused."""
    inst.root.set("ratelimit", "3")
    inst.root.set("maxperip", "0")
    server = inst.server(["-c", "50"])
    for _ in range(3):
        s = idle_connection(server.port, "127.0.0.2")
        assert first_line(s).startswith(b"220 ")
        s.close()
    fourth = idle_connection(server.port, "127.0.0.2")
    assert first_line(fourth) == b"421 4.7.0 too many connections per minute from your address\r\n"
    assert closes_within(fourth, 5) == b""
    fourth.close()
    log_has(server, r"^mailsuite-tcpserver: refused ip=127\.0\.0\.2 what=connection category=ratelimit$")
    serve_one(server.port, source="127.0.0.3")


def test_no_ratelimit_by_default(inst):
    inst.root.set("maxperip", "0")  # sessions still ending must not count against it
    server = inst.server(["-c", "50"])
    for _ in range(30):
        s = idle_connection(server.port, "127.0.0.2")
        assert first_line(s).startswith(b"220 ")
        s.close()
    assert "ratelimit" not in server.log()


def test_a_pop3_client_over_maxperip_gets_pop3s_err_not_smtps_421(inst):
    """The listener answers a refused client in the program's protocol:
    under our mailsuite-pop3d a POP3 -ERR (RFC 1939, with RFC 3206's
    SYS/TEMP), which a POP3 client shows; SMTP's 421 would be a protocol
    error to it."""
    inst.root.set("maxperip", "1")
    server = inst.server(["-c", "50"], program=[prog("mailsuite-pop3d"), prog("mailsuite-checkpassword")])
    held = idle_connection(server.port, "127.0.0.2")
    try:
        assert first_line(held).startswith(b"+OK")
        second = idle_connection(server.port, "127.0.0.2")
        assert first_line(second) == b"-ERR [SYS/TEMP] too many connections from your address\r\n"
        assert closes_within(second, 5) == b""
        second.close()
    finally:
        held.close()
