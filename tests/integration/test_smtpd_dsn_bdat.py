"""CHUNKING (RFC 3030) and DSN (RFC 3461) end to end (issue 22 points 3
and 4): mailsuite-smtpd under tcpserver with the real mailsuite-queue,
then mailsuite-send and mailsuite-local.

Clients: Debian 12's swaks (20201014) has neither BDAT nor DSN options
(checked in test_swaks_has_no_bdat_or_dsn), so BDAT is driven by a small
scripted socket client (RawClient) and the DSN parameters by Python's
smtplib (mail/rcpt options); the DSN reports are parsed with Python's
email package."""
import email
import email.policy
import os
import smtplib
import subprocess

import pytest

from conftest import prog, run, wait_for
from send_helpers import inst, maildir_messages  # noqa: F401
from smtpd_support import RawClient
from test_smtpd_queue import parse_queue_file, queue_files, real  # noqa: F401


def bdat(data: bytes, last=False):
    return b"BDAT %d%s\r\n" % (len(data), b" LAST" if last else b"") + data


def start(port):
    c = RawClient(port)
    ehlo = c.cmd("EHLO bdat.example")
    assert "250-CHUNKING" in ehlo.split("\n") and "250-DSN" in ehlo.split("\n")
    return c


def test_swaks_has_no_bdat_or_dsn():
    out = subprocess.run(["swaks", "--help"], capture_output=True, text=True, timeout=30).stdout
    assert "--bdat" not in out and "--dsn" not in out and "CHUNKING" not in out


def test_bdat_chunks_pipelined_and_zero_last(root, real):
    c = start(real.port)
    # Everything pipelined in one write: MAIL, RCPT, three chunks (a dot
    # line, a CRLF split across chunks), then a second message of BDAT 0 LAST.
    c.send(b"MAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\n" +
           bdat(b"Subject: chunks\r\n\r\n.\r\n..two dots\r") + bdat(b"\nend\r\n") + bdat(b"", True) +
           b"MAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\nBDAT 0 LAST\r\n")
    replies = [c.reply() for _ in range(8)]
    assert replies[:2] == ["250 2.1.0 ok", "250 2.1.5 ok"]
    assert replies[2] == "250 2.0.0 %d octets received" % len(b"Subject: chunks\r\n\r\n.\r\n..two dots\r")
    assert replies[3] == "250 2.0.0 6 octets received"
    assert replies[4].startswith("250 2.0.0 ok ")
    assert replies[7].startswith("250 2.0.0 ok ")
    assert c.cmd("QUIT").startswith("221")
    files = queue_files(root)
    assert len(files) == 2
    bodies = sorted((parse_queue_file(p)[0] for p in files), key=len)
    assert bodies[1].endswith(b"Subject: chunks\n\n.\n..two dots\nend\n")  # no unstuffing in BDAT
    # BDAT 0 LAST: the Received lines only (mailsuite-queue's and ours)
    assert bodies[0].split(b"\n")[-3].startswith(b"Received: from bdat.example") and bodies[0].endswith(b"\n")


def test_bdat_refused_chunks_are_discarded_and_bare_lf_refused(root, real):
    c = start(real.port)
    # No MAIL: the chunk's bytes, which look like commands, are dropped.
    c.send(bdat(b"MAIL FROM:<evil@x.example>\r\nRCPT TO:<a@example.test>\r\n", True))
    assert c.reply() == "503 5.5.1 need MAIL before BDAT"
    assert c.cmd("NOOP") == "250 2.0.0 ok"
    # A bare LF inside a chunk: refused at that chunk; the pipelined rest of
    # the message is dropped chunk by chunk.
    c.send(b"MAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\n" + bdat(b"a\nb\r\n") +
           bdat(b"QUIT\r\n", True))
    assert [c.reply() for _ in range(4)] == [
        "250 2.1.0 ok", "250 2.1.5 ok",
        "554 5.6.0 message refused: bare CR or LF in the data; lines must end with CRLF",
        "503 5.5.1 need MAIL before BDAT"]
    # DATA inside a BDAT transaction; RSET clears it.
    c.send(b"MAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\n" + bdat(b"x\r\n") + b"DATA\r\n")
    assert [c.reply() for _ in range(4)][3].startswith("503 5.5.1 DATA after BDAT")
    assert c.cmd("RSET") == "250 2.0.0 ok"
    assert c.cmd("QUIT").startswith("221")
    assert queue_files(root) == []


def test_bdat_over_databytes_and_unreadable_size(root, real):
    root.set("databytes", "1000")
    c = start(real.port)
    c.send(b"MAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\n" + bdat(b"y" * 5000, True) +
           b"NOOP\r\n")
    replies = [c.reply() for _ in range(4)]
    assert replies[2] == "552 5.3.4 message size exceeds fixed maximum message size"
    assert replies[3] == "250 2.0.0 ok"
    assert c.cmd("BDAT 18446744073709551616 LAST").startswith("501 5.5.4 syntax: BDAT size [LAST]")
    assert c.closed()
    assert queue_files(root) == []


def test_dsn_parameters_reach_the_queue_and_mailq(root, real):
    with smtplib.SMTP("127.0.0.1", real.port, local_hostname="dsn.example", timeout=20) as s:
        s.ehlo()
        assert s.has_extn("dsn") and s.has_extn("chunking")
        assert s.mail("s@example.net", ["RET=HDRS", "ENVID=QQ+2B314159"])[0] == 250
        assert s.rcpt("a@example.test", ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;A+2Bx@example.test"])[0] == 250
        assert s.rcpt("b@example.test")[0] == 250
        code, _ = s.data(b"Subject: dsn\r\n\r\nhi\r\n")
        assert code == 250
        # bad parameters: 501 5.5.4, the transaction goes on
        s.rset()
        s.mail("s@example.net")
        for bad in (["NOTIFY=NEVER,SUCCESS"], ["ORCPT=rfc822;a+zz"], ["ORCPT=rfc822"],
                    ["NOTIFY=SUCCESS", "NOTIFY=DELAY"]):
            code, text = s.rcpt("a@example.test", bad)
            assert (code, text[:5]) == (501, b"5.5.4"), (bad, text)
        code, text = s.docmd("MAIL FROM:<s@example.net> RET=WHOLE")
        assert code in (501, 503)
    [path] = queue_files(root)
    _, envelope = parse_queue_file(path)
    assert envelope == (b"Fs@example.net\0MRET=HDRS ENVID=QQ+2B314159\0Ta@example.test\0"
                        b"RNOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2Bx@example.test\0Tb@example.test\0\0")
    out = run([prog("mailsuite-qread")], env=root.env).stdout.decode()
    assert "<s@example.net>  RET=HDRS ENVID=QQ+2B314159" in out
    assert "<a@example.test>  pending " in out and "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2Bx@example.test" in out


def test_old_envelope_without_dsn_is_unchanged(root, real):
    with smtplib.SMTP("127.0.0.1", real.port, local_hostname="old.example", timeout=20) as s:
        s.sendmail("s@example.net", ["a@example.test"], b"Subject: plain\r\n\r\nhi\r\n")
    [path] = queue_files(root)
    assert parse_queue_file(path)[1] == b"Fs@example.net\0Ta@example.test\0\0"


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def smtpd_for(inst):
    inst.root.set("rcpthosts", "example.test")
    env = dict(inst.root.env)
    env.pop("QMAILQUEUE", None)
    return inst.root.tcpserver(inst.as_user() + [prog("mailsuite-smtpd")], env=env, log_name="smtpd.log")


def test_send_honours_notify_and_ret(inst):  # noqa: F811
    alice = inst.add_user("alice@example.test")
    bob = inst.add_user("bob@example.test")
    inst.start()
    server = smtpd_for(inst)
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="dsn.example", timeout=20) as s:
        s.ehlo()
        # 1. success notice for bob (ORCPT, ENVID in it); NEVER for a lost one
        s.mail("alice@example.test", ["ENVID=ENV+2B1"])
        s.rcpt("bob@example.test", ["NOTIFY=SUCCESS", "ORCPT=rfc822;Bob+2BOrig@example.test"])
        s.rcpt("nosuch1@example.test", ["NOTIFY=NEVER"])
        assert s.data(b"Subject: first\r\n\r\nbody one\r\n")[0] == 250
        # 2. RET=FULL: the bounce carries the whole message
        s.mail("alice@example.test", ["RET=FULL"])
        s.rcpt("nosuch2@example.test")
        assert s.data(b"Subject: second\r\n\r\nbody two\r\n")[0] == 250
    wait_for(lambda: len(maildir_messages(alice)) == 2 and maildir_messages(bob), timeout=30,
             what="notices")
    wait_for(inst.queue_empty, timeout=20, what="empty queue")
    notices = [parse(m) for m in maildir_messages(alice)]
    by_subject = {m["Subject"]: m for m in notices}
    ok = by_subject["delivery notification: success"]
    assert ok.get_content_type() == "multipart/report"
    status = ok.get_payload()[1]
    assert status.get_content_type() == "message/delivery-status"
    blocks = status.get_payload()  # per-message fields, then one per recipient
    assert blocks[0]["Original-Envelope-Id"] == "ENV+1"
    assert blocks[1]["Original-Recipient"] == "rfc822; Bob+Orig@example.test"
    assert blocks[1]["Final-Recipient"] == "rfc822; bob@example.test"
    assert blocks[1]["Action"] == "delivered" and blocks[1]["Status"] == "2.0.0"
    assert len(blocks) == 2  # nosuch1 (NEVER) is not in any report
    bounce = by_subject["failure notice"]
    parts = bounce.get_payload()
    assert parts[2].get_content_type() == "message/rfc822"
    assert "body two" in parts[2].as_string()
    assert "nosuch1" not in bounce.as_string()
    drops = inst.events("drop")
    assert [d["to"] for d in drops] == ["nosuch1@example.test"]


def queue_with_dsn(inst, message, envelope):  # noqa: F811
    """Queues through the real mailsuite-queue with a raw envelope (DSN records)."""
    r, w = os.pipe()
    os.write(w, envelope)
    os.close(w)
    try:
        p = subprocess.run(inst.as_user() + [prog("mailsuite-queue")], input=message, stdout=r,
                           env=inst.root.env, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.close(r)
    assert p.returncode == 0, p.stderr


def test_remote_passes_dsn_on_only_to_a_dsn_hop(inst):  # noqa: F811
    from conftest import free_port
    from remote_sinks import SmtpSink
    alice = inst.add_user("alice@example.test")
    with_dsn = SmtpSink("127.0.0.1", free_port(),
                        extensions=("PIPELINING", "8BITMIME", "DSN", "SIZE 10000000")).start()
    without = SmtpSink("127.0.0.1", free_port()).start()
    try:
        inst.root.set("smtproutes", f"dsn.test:[127.0.0.1]:{with_dsn.port}",
                      f"plain.test:[127.0.0.1]:{without.port}")
        inst.start()
        queue_with_dsn(inst, b"Subject: onward\n\nhi\n",
                       b"Falice@example.test\0MRET=HDRS ENVID=E+2B1\0"
                       b"Ta@dsn.test\0RNOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2BO@dsn.test\0"
                       b"Tb@plain.test\0RNOTIFY=SUCCESS\0\0")
        wait_for(lambda: with_dsn.messages and without.messages and maildir_messages(alice),
                 timeout=30, what="both hops and the notice")
        wait_for(inst.queue_empty, timeout=20, what="empty queue")
        sent = with_dsn.sessions[0]
        mail = [c for c in sent if c.upper().startswith("MAIL FROM:")][0]
        rcpt = [c for c in sent if c.upper().startswith("RCPT TO:")][0]
        assert mail.endswith(" RET=HDRS ENVID=E+2B1")
        assert rcpt == "RCPT TO:<a@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2BO@dsn.test"
        plain = without.sessions[0]
        assert not any("NOTIFY" in c or "RET=" in c or "ENVID" in c for c in plain)
        # Only b@plain.test is reported "relayed"; dsn.test notifies itself.
        [notice] = [parse(m) for m in maildir_messages(alice)]
        blocks = notice.get_payload()[1].get_payload()
        assert [b["Final-Recipient"] for b in blocks[1:]] == ["rfc822; b@plain.test"]
        assert blocks[1]["Action"] == "relayed"
    finally:
        with_dsn.stop()
        without.stop()
