"""Throttling and the pre-greet check in mailsuite-smtpd (issue 22 point
1; DESIGN.md "Recipient throttling and pre-greet check", "Throttling"):
tarpitcount/tarpitdelay (every RCPT past the count waits, accepted or
not, asleep: no CPU), greetdelay (a client that talks before the 220 gets
554 5.5.1, is logged as pregreet, counted by mailsuite-stats, and closed).
Under ucspi-tcp's tcpserver and under mailsuite-tcpserver, where every
count is per connection.  Real clients: smtplib and raw sockets."""
import pathlib
import re
import smtplib
import socket
import time

from conftest import prog, run, wait_for
from smtpd_support import RawClient, recorder, smtpd  # noqa: F401  (fixtures)
from test_tcpserver import MESSAGE, inst, session_child  # noqa: F401  (inst: fixture)

PREGREET = b"554 5.5.1 protocol error: you spoke before the greeting\r\n"


def talk_first(port, data=b"EHLO bot.example\r\n"):
    """Connects, sends at once, returns all the server says until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    got = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        pass
    s.close()
    return got


def cpu_ticks(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def timed_rcpts(s, addresses):
    times = []
    for a in addresses:
        start = time.monotonic()
        code, _ = s.rcpt(a)
        times.append((code, time.monotonic() - start))
    return times


# ucspi-tcp's tcpserver

def test_pregreet_talker_gets_554_and_is_counted(root, smtpd):
    root.set("greetdelay", "500")
    got = talk_first(smtpd.port)
    assert got == PREGREET
    smtpd.wait_log("category=pregreet")
    assert re.search(r"smtpd: end ip=127\.0\.0\.1 .*reason=pregreet", smtpd.log())
    stats = run([prog("mailsuite-stats"), "-P", "all", str(smtpd.server.log_path)], env=root.env)
    assert stats.returncode == 0, stats.stderr
    assert re.search(rb"rejected: .*\bpregreet=1\b", stats.stdout), stats.stdout


def test_patient_client_is_greeted_after_greetdelay_and_served(root, smtpd):
    root.set("greetdelay", "400")
    start = time.monotonic()
    with smtplib.SMTP("127.0.0.1", smtpd.port, timeout=10) as s:
        waited = time.monotonic() - start
        assert s.ehlo("client.test")[0] == 250
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
    assert 0.35 <= waited < 5, waited


def test_no_greetdelay_by_default(root, smtpd):
    # A pipelining-before-greeting client is served when greetdelay is unset.
    got = talk_first(smtpd.port, b"EHLO c\r\nQUIT\r\n")
    assert got.startswith(b"220 ") and b"221 2.0.0" in got


def test_tarpit_delays_every_rcpt_past_the_count(root, smtpd):
    root.set("tarpitcount", "2")
    root.set("tarpitdelay", "1")
    with smtplib.SMTP("127.0.0.1", smtpd.port, timeout=20) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        times = timed_rcpts(s, ["a@example.test", "x@other.test", "b@example.test", "y@other.test"])
    codes = [c for c, _ in times]
    assert codes == [250, 553, 250, 553]
    assert all(t < 0.5 for _, t in times[:2]), times
    assert all(1.0 <= t < 3 for _, t in times[2:]), times  # refused ones wait too
    smtpd.wait_log("smtpd: tarpit ip=127.0.0.1 rcpts=3 delay=1")


# mailsuite-tcpserver: per connection

def test_tarpit_counts_per_connection_and_costs_no_cpu(inst):
    inst.root.set("tarpitcount", "2")
    inst.root.set("tarpitdelay", "2")
    server = inst.server()
    a = smtplib.SMTP("127.0.0.1", server.port, timeout=20)
    try:
        a.ehlo("a.test")
        a.mail("alice@client.test")
        assert all(t < 0.5 for _, t in timed_rcpts(a, ["a1@example.test", "a2@example.test"]))
        session_a = session_child(server.pid)
        with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as b:
            b.ehlo("b.test")
            b.mail("bob@client.test")
            # B's count starts at 0 although A has used up its two.
            times = timed_rcpts(b, ["b1@example.test", "b2@example.test", "b3@example.test"])
            assert [c for c, _ in times] == [250, 250, 250]
            assert times[0][1] < 0.5 and times[1][1] < 0.5 and 2.0 <= times[2][1] < 4, times
        before = cpu_ticks(session_a)
        times = timed_rcpts(a, ["a3@example.test"])
        after = cpu_ticks(session_a)
        assert times[0][0] == 250 and 2.0 <= times[0][1] < 4, times
        # Two seconds asleep: at most a few scheduler ticks (10 ms each).
        assert after - before <= 3, (before, after)
        code, text = a.data(MESSAGE)
        assert code == 250, text
    finally:
        a.close()


def test_pregreet_per_connection_under_mailsuite_tcpserver(inst):
    inst.root.set("greetdelay", "300")
    server = inst.server()
    patient = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        # A bot talking first beside a patient client: only the bot is refused.
        assert talk_first(server.port) == PREGREET
        f = patient.makefile("rb")
        assert f.readline().startswith(b"220 ")
        patient.sendall(b"EHLO c\r\n")
        assert f.readline().startswith(b"250")
    finally:
        patient.close()
    wait_for(lambda: "category=pregreet" in server.log(), timeout=5, what="pregreet logged")
