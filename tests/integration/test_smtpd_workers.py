"""mailsuite-tcpserver's pooled smtpd session workers
(tcpserver/SMTPD_WORKERS.md), the default when it runs our
mailsuite-smtpd: one worker serves connection after connection, each with
the environment and session state of a fresh process — a tcprules
variable (RELAYCLIENT, QMAILQUEUE), TLS and AUTH of one client never
reach the next client served by the same worker; control/smtpdmaxuse
retires a worker after that many connections; an idle session holds no
queue helper (it is leased at MAIL); between connections a worker holds
nothing of the last one.

Real smtplib clients on 127.0.0.0/8 under the real mailsuite-tcpserver,
tcprules from ucspi-tcp, mailsuite-checkpassword for AUTH, every wait
bounded."""
import os
import re
import smtplib
import ssl
import subprocess

import pytest

from conftest import prog, wait_for
from queue_util import mess_files, parse_queue_file
from smtpd_support import write_cdb
from test_tcpserver import MESSAGE, children, inst, is_session, log_has, pool_helpers, qp  # noqa: F401
from tls_support import Users, client_context, install_cert

SMTPD = prog("mailsuite-smtpd")
CHECKPASSWORD = prog("mailsuite-checkpassword")


def worker_pids(server):
    """The pids the listener handed connections to, in order (-v)."""
    return [int(p) for p in re.findall(r"^mailsuite-tcpserver: start pid=(\d+) ", server.log(), re.M)]


def ended(server, count):
    log_has(server, r"(?s)" + r".*^mailsuite-tcpserver: end pid=\d+ status=\d+$" * count)


def received(path):
    return parse_queue_file(path)["message"].split(b"\n", 2)[1]  # our Received: (after the queue's)


@pytest.fixture
def users(inst):
    u = Users(inst.root, {"alice@example.test": "wonder land"})
    yield u
    u.remove()


def test_a_worker_serves_clients_one_after_another_and_nothing_of_one_reaches_the_next(inst, users):
    """-c 1: one worker.  127.0.0.2 is a relay client by rule (RELAYCLIENT)
    and goes through TLS and AUTH; 127.0.0.3's rule sets QMAILQUEUE to a
    program that fails; 127.0.0.1 has no variables.  Each later client,
    served by the same process, sees none of it: STARTTLS offered again,
    no AUTH without TLS, relaying denied, its own address in Received:,
    and the queue helper, not the failing program."""
    install_cert(inst.root)
    cdb = inst.rules('127.0.0.2:allow,RELAYCLIENT=""\n'
                     '127.0.0.3:allow,QMAILQUEUE="/bin/false"\n:allow\n')
    env = dict(inst.env, SMTPAUTH_FAILDELAY_MS="100")
    server = inst.server(["-v", "-c", "1", "-x", str(cdb)], program=[SMTPD, CHECKPASSWORD], env=env)
    log_has(server, r"listening .* limit=1 smtpd=workers$")

    with smtplib.SMTP("127.0.0.1", server.port, timeout=20, source_address=("127.0.0.2", 0)) as s:
        s.ehlo("relay.test")
        s.starttls(context=client_context())
        s.ehlo("relay.test")
        assert s.login("alice@example.test", "wonder land")[0] == 235
        s.mail("alice@example.test")
        assert s.rcpt("someone@elsewhere.example")[0] == 250  # RELAYCLIENT (and AUTH)
        code, text = s.data(MESSAGE)
        assert code == 250, text
    ended(server, 1)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20, source_address=("127.0.0.3", 0)) as s:
        s.ehlo("filtered.test")
        s.mail("carol@filtered.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 451, (code, text)  # its rule's QMAILQUEUE: /bin/false
    ended(server, 2)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20, source_address=("127.0.0.1", 0)) as s:
        code, text = s.ehlo("plain.test")
        assert b"STARTTLS" in text and b"AUTH" not in text, text  # no TLS, so no AUTH offered
        s.mail("dave@plain.test")
        code, text = s.rcpt("someone@elsewhere.example")
        assert code == 553 and b"relaying denied" in text, (code, text)
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert qp(text) in pool_helpers(server.pid)  # the helper, not /bin/false
    ended(server, 3)
    pids = worker_pids(server)
    assert len(pids) == 3 and len(set(pids)) == 1, server.log()  # one process, no fork per connection
    files = sorted(mess_files(inst.root.queue), key=os.path.getmtime)
    assert len(files) == 2, files
    first, last = (parse_queue_file(f) for f in files)
    assert first["recipients"] == ["someone@elsewhere.example"]
    assert re.search(rb"^Received: from relay\.test \(unknown \[127\.0\.0\.2\]\)\n\tby .* with ESMTPSA ",
                     first["message"], re.M), first["message"][:300]
    assert last["recipients"] == ["bob@example.test"]
    assert re.search(rb"^Received: from plain\.test \(unknown \[127\.0\.0\.1\]\)\n\tby .* with ESMTP;",
                     last["message"], re.M), last["message"][:300]


def test_smtpdmaxuse_retires_a_worker_after_that_many_connections(inst):
    inst.root.set("smtpdmaxuse", "2")
    server = inst.server(["-v", "-c", "1"])
    for n in range(1, 4):
        with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
            assert s.noop()[0] == 250
        ended(server, n)
    a, b, c = worker_pids(server)
    assert a == b and c != a, server.log()
    wait_for(lambda: a not in children(server.pid), timeout=10, what="the retired worker reaped")


def test_an_idle_session_holds_no_queue_helper_until_mail(inst):
    server = inst.server(["-v"])
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        worker = wait_for(lambda: [c for c in children(server.pid) if is_session(c)], timeout=10,
                          what="the busy worker")[0]
        assert pool_helpers(server.pid) == []  # greeted: no helper
        s.mail("alice@client.test")
        [helper] = pool_helpers(server.pid)
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250 and qp(text) == helper, text
        # A second message of the session uses the same helper.
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250 and qp(text) == helper, text
    assert len(mess_files(inst.root.queue)) == 2
    # Between connections the worker holds nothing of the last one: /dev/null
    # on 0 and 1, the log, and its own socket to the listener.
    wait_for(lambda: not is_session(worker), timeout=10, what="the worker idle")
    assert sorted(int(fd) for fd in os.listdir(f"/proc/{worker}/fd")) == [0, 1, 2, 10]
    assert [os.readlink(f"/proc/{worker}/fd/{fd}") for fd in (0, 1)] == ["/dev/null"] * 2


def test_a_worker_that_dies_mid_session_is_replaced(inst):
    server = inst.server(["-v", "-c", "1"])
    s = smtplib.SMTP("127.0.0.1", server.port, timeout=20)
    s.ehlo("client.test")
    [worker] = worker_pids(server)
    os.kill(worker, 9)
    log_has(server, rf"^mailsuite-tcpserver: end pid={worker} signal=9$")
    s.close()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s2:
        assert s2.noop()[0] == 250
    assert worker_pids(server)[-1] != worker


def greeting(server):
    s = smtplib.SMTP(timeout=20)
    try:
        code, text = s.connect("127.0.0.1", server.port)
        assert code == 220, text
        return text.decode().split()[0]
    finally:
        s.quit()


def rcpt_code(server, rcpt):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        return s.rcpt(rcpt)[0]


def test_a_worker_reads_control_files_once_and_sees_every_change_at_the_next_connection(inst):
    """A worker keeps what it read from the control directory
    (SMTPD_WORKERS.md "Control files, read once"): a second whole
    transaction in the same worker opens no control file, existing or not.
    Every kind of change reaches the very next connection of that worker:
    a file written in place, one renamed into place, one removed, a
    missing cdb created."""
    inst.root.set("smtpgreeting", "first.test")
    server = inst.server(["-v", "-c", "1"])

    def transaction():
        with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
            s.ehlo("client.test")
            s.mail("alice@client.test")
            assert s.rcpt("bob@example.test")[0] == 250
            assert s.rcpt("carol@more.test")[0] == 553  # neither rcpthosts nor morercpthosts.cdb
            code, text = s.data(MESSAGE)
            assert code == 250, text

    assert greeting(server) == "first.test"
    transaction()  # reads what it reads; the next one must read nothing
    ended(server, 2)
    [worker] = set(worker_pids(server))

    trace = inst.dir / "worker.strace"
    strace = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=open,openat,stat,newfstatat,statx,access",
                               "-o", str(trace), "-p", str(worker)], stderr=subprocess.DEVNULL)
    try:
        # Attached once the tracer shows up in the worker's status.
        wait_for(lambda: re.search(r"^TracerPid:\s+[1-9]", open(f"/proc/{worker}/status").read(), re.M),
                 timeout=10, what="strace attached")
        transaction()
        ended(server, 3)
    finally:
        strace.terminate()
        strace.wait(timeout=10)
    control = str(inst.root.control)
    calls = trace.read_text()
    assert "bob@example.test" not in calls  # the trace is of the session's syscalls only
    assert re.search(r"openat\(", calls), calls[:2000]  # it did open things: the queue, /dev/null
    assert control not in calls, [l for l in calls.splitlines() if control in l]
    assert len(mess_files(inst.root.queue)) == 2

    inst.root.set("smtpgreeting", "second.test")  # in place
    assert greeting(server) == "second.test"
    tmp = inst.root.control / ".smtpgreeting.tmp"
    tmp.write_text("third.test\n")
    os.rename(tmp, inst.root.control / "smtpgreeting")
    assert greeting(server) == "third.test"
    inst.root.unset("smtpgreeting")
    assert greeting(server) == "mail.example.test"  # the default: me
    assert rcpt_code(server, "carol@more.test") == 553
    write_cdb(inst.root.control / "morercpthosts.cdb", ["more.test"])
    assert rcpt_code(server, "carol@more.test") == 250
    inst.root.set("rcpthosts", "example.test", "list.test")
    assert rcpt_code(server, "dave@list.test") == 250
    assert set(worker_pids(server)) == {worker}  # one worker served every connection
