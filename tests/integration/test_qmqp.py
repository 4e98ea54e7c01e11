"""mailsuite-qmqpd under the real tcpserver with the real queue, talked to
by an independent QMQP client written from the spec (qmqp_support.py) and
by mailsuite-qmqpc behind sendmail on a null client (its own control
directory and no queue); fail-over, D and Z with their exit codes, and the
content filter in front of the queue (qmqp/QMQP.md)."""
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import Root, free_port, prog, run, wait_for
from filter_support import seed_rules
from qmqp_support import qmqp_exchange, qmqp_request, qmqp_send, start_qmqpd
from queue_util import envelope, mess_files, parse_queue_file
from smtpd_support import Recorder

MESSAGE = (b"From: app@app.example.test\nTo: bob@example.test\nSubject: report\n\n"
           b"line one\nbinary \xe9\xff\x00 octets\n" + b"x" * 70000 + b"\nlast line\n")


def queued(root):
    return [parse_queue_file(f) for f in mess_files(root.queue)]


def received_stripped(message):
    """The message without the leading Received: lines (qmqpd's and the queue's)."""
    lines = message.split(b"\n")
    i = 0
    while i < len(lines) and (lines[i].startswith(b"Received:") or lines[i][:1] in (b" ", b"\t")):
        i += 1
    return b"\n".join(lines[i:])


@pytest.fixture
def server(root):
    return start_qmqpd(root)


@pytest.fixture
def client(tmp_path):
    """A null client: a control directory with qmqpservers, no queue."""
    c = tmp_path / "client"
    (c / "control").mkdir(parents=True)
    (c / "control" / "me").write_text("app.example.test\n")
    env = dict(os.environ, MAILSUITE_CONTROL=str(c / "control"), MAILSUITE_QUEUE=str(c / "no-queue"),
               MAILSUITE_BIN=str(c / "no-bin"), QMAILQUEUE=prog("mailsuite-qmqpc"), USER="app")
    return c, env


def set_servers(client, *lines):
    (client[0] / "control" / "qmqpservers").write_text("".join(l + "\n" for l in lines))


def run_qmqpc(env, message, env_bytes, fd6=False):
    """mailsuite-qmqpc with message on fd 0, envelope on fd 1 and, with
    fd6, a pipe on fd 6: (exit, fd 6 text, stderr)."""
    m_r, m_w = os.pipe()
    e_r, e_w = os.pipe()
    r6, w6 = os.pipe()
    redirect = f'6>&{w6} {w6}>&-' if fd6 else '6>&-'
    p = subprocess.Popen(["/bin/bash", "-c", f'exec "$0" {redirect}', prog("mailsuite-qmqpc")],
                         stdin=m_r, stdout=e_r, stderr=subprocess.PIPE, env=env, pass_fds=(w6,))
    for fd in (m_r, e_r, w6):
        os.close(fd)
    with os.fdopen(m_w, "wb") as w:
        w.write(message)
    with os.fdopen(e_w, "wb") as w:
        w.write(env_bytes)
    _, err = p.communicate(timeout=60)
    text = b""
    while True:
        b = os.read(r6, 4096)
        if not b:
            break
        text += b
    os.close(r6)
    return p.returncode, text.decode(errors="replace"), err.decode(errors="replace")


def test_independent_client_gets_K_and_the_message_whole(root, server):
    reply = qmqp_send(server.port, MESSAGE, "app@app.example.test", ["bob@example.test", "carol@x.test"])
    assert reply is not None and reply[0] == "K", reply
    assert re.match(r"ok \d+ qp \d+$", reply[1])
    [q] = queued(root)
    assert q["sender"] == "app@app.example.test"
    assert q["recipients"] == ["bob@example.test", "carol@x.test"]
    assert received_stripped(q["message"]) == MESSAGE
    # qmqpd's trace line (from the client's address, with QMQP) above the message.
    assert re.search(rb"^Received: from \S+ \(\S+ \[127\.0\.0\.1\]\)\n\tby mail\.example\.test with QMQP; ",
                     q["message"], re.M), q["message"][:300]
    assert "result=accepted" in server.log()


def test_null_sender_and_byte_exact_small_request(root, server):
    raw = qmqp_request(b"Subject:\n", "", ["bob@example.test"])
    assert raw == b"35:9:Subject:\n,0:,16:bob@example.test,,"
    assert qmqp_exchange(server.port, raw)[0] == "K"
    [q] = queued(root)
    assert q["sender"] == "" and q["recipients"] == ["bob@example.test"]


@pytest.mark.parametrize("raw", [
    b"35:9:Subject:\n,0:,16:bob@example.test;,",       # missing inner comma
    b"35:9:Subject:\n,0:,16:bob@example.test,;",       # missing outer comma
    b"035:9:Subject:\n,0:,16:bob@example.test,,",      # leading zero
    b"34:9:Subject:\n,0:,16:bob@example.test,,",       # outer shorter than its items
    b"36:9:Subject:\n,0:,16:bob@example.test,,,",      # outer longer than its items
    b"15:9:Subject:\n,0:,,",                           # zero recipients
    b"11:2:hi,3:a\0b,,",                               # NUL in an address
    b"x:",                                             # not a netstring
    b"99999999999999999999:",                          # a length beyond any limit
])
def test_malformed_gets_D_or_close_never_K(root, server, raw):
    reply = qmqp_exchange(server.port, raw, shutdown=True)
    assert reply is None or reply[0] == "D", reply
    assert queued(root) == []


def test_over_databytes_refused_before_the_message_is_sent(root, server):
    root.set("databytes", "1000")
    # Only the lengths: a 10 GB message announced, not one octet of it sent.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"10000000100:10000000000:")
        start = time.monotonic()
        reply = __import__("qmqp_support").read_reply(s)
    assert reply is not None and reply[0] == "D", reply
    assert time.monotonic() - start < 5
    assert "1000 bytes" in reply[1] and reply[1].endswith("(#5.3.4)")
    # And a message over it, sent whole, gets D too; nothing is queued.
    assert qmqp_send(server.port, b"x" * 1001, "a@b.test", ["c@d.test"])[0] == "D"
    assert qmqp_send(server.port, b"x" * 999, "a@b.test", ["c@d.test"])[0] == "K"
    assert len(queued(root)) == 1


def test_too_many_recipients_and_long_address(root, server):
    root.set("qmqpmaxrcpt", "3")
    r = qmqp_send(server.port, b"Subject: x\n\nx\n", "a@b.test", [f"r{i}@x.test" for i in range(4)])
    assert r[0] == "D" and "recipients" in r[1]
    r = qmqp_send(server.port, b"Subject: x\n\nx\n", "a@b.test", ["a" * 1001 + "@x.test"])
    assert r[0] == "D" and "address" in r[1]
    assert queued(root) == []


def test_client_that_closes_early_queues_nothing(root, server):
    raw = qmqp_request(MESSAGE, "a@b.test", ["c@d.test"])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(raw[:len(raw) - 20])
    wait_for(lambda: "dropped" in server.log(), timeout=10, what="qmqpd's dropped line")
    time.sleep(0.2)
    assert queued(root) == []
    assert list((root.queue / "tmp").iterdir()) == []


def test_idle_client_times_out(root, server):
    root.set("timeoutsmtpd", "1")
    s2 = start_qmqpd(root, name="qmqpd-timeout")
    with socket.create_connection(("127.0.0.1", s2.port), timeout=10) as s:
        s.sendall(b"100:")
        start = time.monotonic()
        assert s.recv(100) == b""  # closed, no reply
        assert time.monotonic() - start < 5
    wait_for(lambda: "reason=timeout" in s2.log(), timeout=5, what="timeout log line")


def test_access_only_through_tcprules(root):
    srv = start_qmqpd(root, rules="127.0.0.2:deny\n:allow\n", name="qmqpd-rules")
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", srv.port))
    sock.sendall(qmqp_request(b"Subject: x\n\nx\n", "a@b.test", ["c@d.test"]))
    try:
        assert sock.recv(100) == b""
    except ConnectionResetError:
        pass
    sock.close()
    assert queued(root) == []


def test_sendmail_through_qmqpc_to_qmqpd(root, server, client):
    set_servers(client, f"127.0.0.1:{server.port}")
    data = b"To: bob@example.test\nSubject: from the app\n\nhello over QMQP\n"
    r = run([prog("sendmail"), "-t", "-f", "app@app.example.test"], env=client[1], input=data)
    assert r.returncode == 0, r.stderr
    [q] = queued(root)
    assert q["sender"] == "app@app.example.test"
    assert q["recipients"] == ["bob@example.test"]
    body = received_stripped(q["message"])
    assert b"Subject: from the app\n" in body and body.endswith(b"\n\nhello over QMQP\n")
    assert re.search(rb"^Message-ID: <.*@app\.example\.test>$", body, re.M)  # inject ran on the client
    assert not (client[0] / "no-queue").exists()


def test_qmqpc_falls_over_to_the_second_server(root, server, client):
    down = free_port()  # nothing listens there: connection refused
    refusing = start_qmqpd(root, rules=":deny\n", name="qmqpd-refusing")  # tcprules drop
    set_servers(client, f"127.0.0.1:{down}", f"127.0.0.1:{refusing.port}", f"127.0.0.1:{server.port}")
    code, _, err = run_qmqpc(client[1], b"Subject: x\n\nfailover\n", envelope("a@b.test", "c@d.test"))
    assert code == 0, err
    [q] = queued(root)
    assert received_stripped(q["message"]) == b"Subject: x\n\nfailover\n"
    assert err.count("unreachable") == 2, err


def test_qmqpc_exit_codes_without_servers(root, client):
    # Nothing listens: 73; a server that is not QMQP: 74; no qmqpservers: 55.
    set_servers(client, f"127.0.0.1:{free_port()}")
    assert run_qmqpc(client[1], b"x\n", envelope("a@b", "c@d"))[0] == 73
    talker = root.tcpserver(["/bin/sh", "-c", "printf '220 not qmqp\\r\\n'"], log_name="talker.log")
    set_servers(client, f"127.0.0.1:{talker.port}")
    assert run_qmqpc(client[1], b"x\n", envelope("a@b", "c@d"))[0] == 74
    (client[0] / "control" / "qmqpservers").unlink()
    assert run_qmqpc(client[1], b"x\n", envelope("a@b", "c@d"))[0] == 55
    set_servers(client, "mail.example.test")
    assert run_qmqpc(client[1], b"x\n", envelope("a@b", "c@d"))[0] == 55
    # A bad envelope is the queue's 91, as mailsuite-queue says it.
    set_servers(client, f"127.0.0.1:{free_port()}")
    assert run_qmqpc(client[1], b"x\n", b"Xa@b\0\0")[0] == 91


def test_D_and_Z_reach_the_caller(root, client):
    recorder = Recorder(root.path / "recorded")
    srv = start_qmqpd(root, env_extra={"QMAILQUEUE": str(recorder.wrapper)}, name="qmqpd-recorder")
    set_servers(client, f"127.0.0.1:{srv.port}")
    msg, env_bytes = b"Subject: x\n\nx\n", envelope("a@b.test", "c@d.test")
    # Z (the queue says 71, temporarily): 71 without fd 6, 82 + Z text with it.
    recorder.exit_with(71)
    assert run_qmqpc(client[1], msg, env_bytes)[0] == 71
    code, text, _ = run_qmqpc(client[1], msg, env_bytes, fd6=True)
    assert (code, text) == (82, "Z4.3.0 mail server temporarily refuses the message")
    # D (a filter's own text through exit 82): 31, or 82 + D text.
    recorder.exit_with(82, custom=b"D5.7.1 no thanks")
    assert run_qmqpc(client[1], msg, env_bytes)[0] == 31
    code, text, _ = run_qmqpc(client[1], msg, env_bytes, fd6=True)
    assert (code, text) == (82, "D5.7.1 no thanks")
    # sendmail shows the server's text and exits 69 (refused) / 75 (try later).
    r = run([prog("sendmail"), "c@d.test"], env=client[1], input=msg)
    assert r.returncode == 69 and b"no thanks" in r.stderr, r.stderr
    recorder.exit_with(53)
    r = run([prog("sendmail"), "c@d.test"], env=client[1], input=msg)
    assert r.returncode == 75 and b"disk full" in r.stderr, r.stderr
    assert recorder.queued() == []
    # Over databytes via qmqpc: D, exit 31, nothing queued; and the D stops
    # the list: the second server is not tried.
    root.set("databytes", "100")
    good = start_qmqpd(root, name="qmqpd-second")
    set_servers(client, f"127.0.0.1:{srv.port}", f"127.0.0.1:{good.port}")
    recorder.exit_with(0)
    assert run_qmqpc(client[1], b"x" * 5000000, env_bytes)[0] == 31
    assert queued(root) == [] and recorder.queued() == []


def test_qmqpd_behind_the_content_filter(root, client):
    root.set("filterrules", *seed_rules())
    srv = start_qmqpd(root, env_extra={"QMAILQUEUE": prog("mailsuite-filter")}, name="qmqpd-filter")
    reply = qmqp_send(srv.port, b"Subject: ILOVEYOU\n\nkiss me\n", "a@b.test", ["c@example.test"])
    assert reply == ("D", "Access Denied - This message may contain a virus. (#5.7.1)"), reply
    assert queued(root) == []
    set_servers(client, f"127.0.0.1:{srv.port}")
    r = run([prog("sendmail"), "c@example.test"], env=client[1], input=b"Subject: ILOVEYOU\n\nx\n")
    assert r.returncode == 69 and b"Access Denied" in r.stderr, r.stderr
    assert queued(root) == []
    # A clean message passes the filter into the real queue.
    assert qmqp_send(srv.port, b"Subject: hello\n\nfine\n", "a@b.test", ["c@example.test"])[0] == "K"
    [q] = queued(root)
    assert received_stripped(q["message"]).endswith(b"Subject: hello\n\nfine\n")


def test_setup_writes_a_qmqpd_service_that_is_off_and_works(tmp_path):
    """mailsuite-setup's qmqpd service: down by default, tcp.qmqp allowing
    127.0.0.1 only; its run script, started as svscan would, serves QMQP
    into the instance's queue."""
    import shutil
    import signal
    import tempfile
    d = __import__("pathlib").Path(tempfile.mkdtemp(prefix="ms-qmqp-", dir="/tmp"))
    os.chmod(d, 0o755)
    try:
        inst = d / "inst"
        port = free_port()
        r = run([prog("mailsuite-setup"), "--root", str(inst), "--me", "mail.example.test",
                 "--smtp-port", str(free_port()), "--pop3-port", str(free_port()),
                 "--qmqp-port", str(port)])
        assert r.returncode == 0, r.stderr
        svc = inst / "service" / "qmqpd"
        assert (svc / "down").exists()
        script = (svc / "run").read_text()
        assert "mailsuite-qmqpd" in script and f"127.0.0.1 {port} " in script and "tcp.qmqp.cdb" in script
        assert (inst / "tcp.qmqp.cdb").exists() and ":deny" in (inst / "tcp.qmqp").read_text()
        # A second run keeps the tree; with the down file removed, it stays removed.
        (svc / "down").unlink()
        assert run([prog("mailsuite-setup"), "--root", str(inst), "--me", "mail.example.test",
                    "--qmqp-port", str(port)]).returncode == 0
        assert not (svc / "down").exists()
        p = subprocess.Popen(["/bin/sh", str(svc / "run")], cwd=str(svc), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            from conftest import port_open
            wait_for(lambda: port_open("127.0.0.1", port), timeout=10, what="qmqpd service")
            reply = qmqp_send(port, b"Subject: via the service\n\nx\n", "a@b.test", ["c@d.test"])
            assert reply is not None and reply[0] == "K", reply
            files = mess_files(inst / "queue")
            assert len(files) == 1
            assert parse_queue_file(files[0])["recipients"] == ["c@d.test"]
        finally:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=10)
    finally:
        shutil.rmtree(d, ignore_errors=True)
