"""mailsuite-qmqpd under mailsuite-tcpserver (tcpserver/TCPSERVER.md
"QMQP", qmqp/QMQP.md): the connection's child runs qmqpd's code without
an exec and hands the message to a pooled queue helper (no exec of
mailsuite-queue either), as the session user alone; a bad request still
gets D and queues nothing; tcprules (-x) deny; a $QMAILQUEUE set by a rule
is exec'd per message.  Talked to by the independent QMQP client of
qmqp_support.py, the real queue, every wait bounded."""
import os
import re
import socket
import subprocess

from conftest import prog, wait_for
from qmqp_support import qmqp_exchange, qmqp_request, qmqp_send, read_reply
from queue_util import mess_files, parse_queue_file
from test_qmqp import received_stripped
# The private instance, its fixtures and the /proc helpers of the SMTP tests.
from test_tcpserver import (TCPSERVER, children, identities, inst, needs_root,  # noqa: F401
                            idle_fds, pool_helpers, session_child, status_ids)

QMQPD = prog("mailsuite-qmqpd")
MESSAGE = (b"From: app@app.example.test\nTo: bob@example.test\nSubject: pooled\n\n"
           b"binary \xe9\xff\x00 octets\n" + b"y" * 100000 + b"\nlast line\n")


def start(inst, rules="127.0.0.1:allow\n:deny\n", options=()):
    cdb = inst.rules(rules, name=f"qmqp{inst.count}")
    return inst.server(["-v", "-x", str(cdb), *options], program=[QMQPD])


def queued(inst):
    return [parse_queue_file(f) for f in mess_files(inst.root.queue)]


def received_pid(message):
    """The queue's own trace line: the pid of the process that wrote the file."""
    return int(re.match(rb"Received: \(mailsuite-queue (\d+) invoked by uid \d+\)", message).group(1))


def qp(text):
    return int(re.search(r"qp (\d+)$", text).group(1))


def test_qmqpd_runs_in_process_and_queues_through_a_pooled_helper(inst):
    server = start(inst)
    assert re.search(r"listening .*qmqpd=in-process", server.log()), server.log()
    reply = qmqp_send(server.port, MESSAGE, "app@app.example.test", ["bob@example.test", "carol@x.test"])
    assert reply is not None and reply[0] == "K", reply
    helper = qp(reply[1])
    # The qp is a helper of the listener's pool, still there after the
    # session: no mailsuite-queue was exec'd for the message.
    assert helper in pool_helpers(server.pid), (helper, children(server.pid))
    [q] = queued(inst)
    assert received_pid(q["message"]) == helper
    assert q["sender"] == "app@app.example.test"
    assert q["recipients"] == ["bob@example.test", "carol@x.test"]
    assert received_stripped(q["message"]) == MESSAGE
    assert re.search(rb"^Received: from \S+ \(\S+ \[127\.0\.0\.1\]\)\n\tby mail\.example\.test with QMQP; ",
                     q["message"], re.M), q["message"][:300]
    # The next connection gets the same helper back from the pool, once the
    # pool has seen it ready again (a faster caller gets a second helper).
    wait_for(lambda: len(children(server.pid)) == 1, timeout=10, what="the session's end")
    wait_for(lambda: idle_fds(helper), timeout=10, what="the helper idle again")
    reply = qmqp_send(server.port, b"Subject: two\n\nx\n", "", ["bob@example.test"])
    assert reply[0] == "K" and qp(reply[1]) == helper, reply
    assert {received_pid(q["message"]) for q in queued(inst)} == {helper}
    assert "mailsuite-qmqpd: message ip=127.0.0.1" in server.log(), server.log()


def test_the_session_is_the_forked_listener_without_an_exec(inst):
    server = start(inst)
    raw = qmqp_request(b"Subject: slow\n\nx\n", "a@b.test", ["c@d.test"])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(raw[:10])
        session = session_child(server.pid)
        assert os.readlink(f"/proc/{session}/exe") == TCPSERVER
        assert children(session) == []  # no helper, no queue program of its own
        s.sendall(raw[10:])
        reply = read_reply(s)
    assert reply[0] == "K" and qp(reply[1]) in pool_helpers(server.pid), reply


def test_bad_netstring_gets_D_or_close_and_queues_nothing(inst):
    server = start(inst)
    for raw in (b"35:9:Subject:\n,0:,16:bob@example.test;,",   # missing inner comma
                b"34:9:Subject:\n,0:,16:bob@example.test,,",   # outer shorter than its items
                b"99999999999999999999:"):                     # a length beyond any limit
        reply = qmqp_exchange(server.port, raw, shutdown=True)
        assert reply is None or reply[0] == "D", (raw, reply)
    assert queued(inst) == []
    assert "result=refused" in server.log()
    # The helper the refused sessions held went back to the pool and works.
    reply = qmqp_send(server.port, b"Subject: fine\n\nx\n", "a@b.test", ["c@d.test"])
    assert reply[0] == "K" and qp(reply[1]) in pool_helpers(server.pid), reply
    assert len(queued(inst)) == 1


def test_tcprules_deny(inst):
    server = start(inst, rules="127.0.0.2:deny\n:allow\n")
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", server.port))
    try:
        sock.sendall(qmqp_request(b"Subject: x\n\nx\n", "a@b.test", ["c@d.test"]))
        assert sock.recv(100) == b""
    except (ConnectionResetError, BrokenPipeError):
        pass
    sock.close()
    assert queued(inst) == []
    assert qmqp_send(server.port, b"Subject: x\n\nx\n", "a@b.test", ["c@d.test"])[0] == "K"
    assert len(queued(inst)) == 1


def test_a_qmailqueue_set_by_a_rule_is_execd_per_message(inst):
    queue = prog("mailsuite-queue")
    server = start(inst, rules=f'127.0.0.1:allow,QMAILQUEUE="{queue}"\n:deny\n')
    reply = qmqp_send(server.port, b"Subject: exec\n\nx\n", "a@b.test", ["c@d.test"])
    assert reply[0] == "K", reply
    [q] = queued(inst)
    # Written by the exec'd program (the reply's qp), not by a pooled helper.
    assert received_pid(q["message"]) == qp(reply[1])
    assert qp(reply[1]) not in pool_helpers(server.pid)


@needs_root
def test_root_start_with_u_g_runs_the_session_as_the_session_user(inst, identities):
    owner, uid, gid = identities
    server = start(inst, options=["-u", str(uid), "-g", str(gid)])
    raw = qmqp_request(b"Subject: ids\n\nx\n", "a@b.test", ["c@d.test"])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(raw[:10])
        session = session_child(server.pid)
        [helper] = pool_helpers(server.pid)
        # The session user alone, never root nor the queue owner; the
        # helper the queue owner alone.
        assert status_ids(session, "Uid") == [str(uid)] * 4
        assert status_ids(session, "Gid") == [str(gid)] * 4
        assert status_ids(session, "Groups") == [str(gid)]
        assert status_ids(helper, "Uid") == [str(owner)] * 4
        # and it cannot signal the listener or the helper
        for target in (server.pid, helper):
            probe = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--",
                                    "/bin/sh", "-c", f"kill -0 {target}"], capture_output=True, timeout=10)
            assert probe.returncode != 0, probe
        s.sendall(raw[10:])
        reply = read_reply(s)
    assert reply[0] == "K" and qp(reply[1]) == helper, reply
    [f] = mess_files(inst.root.queue)
    assert f.stat().st_uid == owner
    message = parse_queue_file(f)["message"]
    assert re.match(rb"Received: \(mailsuite-queue %d invoked by uid \d+\)" % helper, message), message


def test_maxperip_and_ratelimit_are_not_applied_to_qmqp_clients(inst):
    """smtpd's per-address defences (control/maxperip, ratelimit) are not
    for QMQP: its clients are the site's own hosts, admitted by the rules
    cdb alone.  With maxperip 2 and ratelimit 3, one address holds 6
    sessions at once (each has sent half its request) and every one gets
    its K; then 4 more connections in the same minute are served too."""
    inst.root.set("maxperip", "2")
    inst.root.set("ratelimit", "3")
    server = start(inst)
    raws = [qmqp_request(f"Subject: n{i}\n\nx\n".encode(), "app@app.example.test", ["bob@example.test"])
            for i in range(6)]
    socks = []
    try:
        for raw in raws:
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            s.sendall(raw[:len(raw) // 2])
            socks.append(s)
        wait_for(lambda: len([c for c in children(server.pid) if c not in pool_helpers(server.pid)]) >= 6,
                 timeout=10, what="six sessions at once")
        for s, raw in zip(socks, raws):
            s.sendall(raw[len(raw) // 2:])
            reply = read_reply(s)
            assert reply is not None and reply[0] == "K", reply
    finally:
        for s in socks:
            s.close()
    for i in range(4):
        reply = qmqp_send(server.port, b"Subject: more\n\nx\n", "", ["bob@example.test"])
        assert reply is not None and reply[0] == "K", reply
    assert len(queued(inst)) == 10
    assert "category=maxperip" not in server.log() and "category=ratelimit" not in server.log()
