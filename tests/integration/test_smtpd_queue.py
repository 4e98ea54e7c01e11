"""End to end: mailsuite-smtpd under tcpserver hands messages to the real
mailsuite-queue (the default QMAILQUEUE); the queue file holds our
Received: line, the message and the envelope; refused and abandoned
messages leave nothing in the queue."""
import os
import pathlib
import smtplib

import pytest

from conftest import prog, wait_for
from smtpd_support import RawClient

pytestmark = pytest.mark.skipif(not os.path.exists(prog("mailsuite-queue")),
                                reason="mailsuite-queue is not built yet (queue issue)")


def queue_files(root):
    mess = root.queue / "mess"
    return sorted(mess.iterdir()) if mess.exists() else []


def parse_queue_file(path):
    data = path.read_bytes()
    fields = data[:64].split()
    assert fields[0] == b"MSQ1"
    moff, mlen, eoff, elen = (int(x) for x in fields[1:5])
    return data[moff:moff + mlen], data[eoff:eoff + elen]


@pytest.fixture
def real(root):
    root.set("rcpthosts", "example.test")
    if not (root.queue / "mess").exists():
        # the layout of queue/FORMAT.md, when mailsuite-setup did not make it
        for d in ("tmp", "mess", "state", "bad", "lock"):
            (root.queue / d).mkdir(parents=True, exist_ok=True)
        os.mkfifo(root.queue / "trigger", 0o622)
    env = dict(root.env)
    env.pop("QMAILQUEUE", None)
    return root.tcpserver([prog("mailsuite-smtpd")], env=env, log_name="smtpd.log")


def test_message_reaches_the_real_queue(root, real):
    body = "Subject: e2e\r\n\r\n8-bit caf\u00e9\r\n..stuffed\r\n".encode()
    with smtplib.SMTP("127.0.0.1", real.port, local_hostname="e2e.example", timeout=20) as s:
        s.ehlo()
        s.mail("sender@example.net", ["BODY=8BITMIME"])
        s.rcpt("a@example.test")
        s.rcpt("b@example.test")
        code, text = s.data(body)
        assert code == 250 and text.startswith(b"2.0.0 ok "), text
        # a 250 means durable: the file is already in mess/
        [path] = queue_files(root)
    message, envelope = parse_queue_file(path)
    assert b"Received: from e2e.example (unknown [127.0.0.1])\n\tby mail.example.test with ESMTP; " in message
    # smtplib stuffed "..stuffed" to "...stuffed"; we unstuff it back
    assert message.endswith("Subject: e2e\n\n8-bit caf\u00e9\n..stuffed\n".encode())
    # "qp <pid>" in the reply is the queue program that wrote this file
    qp = text.split()[-1].decode()
    assert message.startswith(f"Received: (mailsuite-queue {qp} ".encode())
    assert envelope == b"Fsender@example.net\0Ta@example.test\0Tb@example.test\0\0"


def test_refused_and_abandoned_messages_leave_nothing(root, real):
    root.set("databytes", "1000")
    c = RawClient(real.port)
    c.cmd("EHLO x")
    c.cmd("MAIL FROM:<a@example.net>")
    c.cmd("RCPT TO:<u@example.test>")
    assert c.cmd("DATA").startswith("354")
    c.send(b"Subject: big\r\n\r\n" + b"x" * 5000 + b"\r\n.\r\n")
    assert c.reply().startswith("552 5.3.4")
    c.cmd("MAIL FROM:<a@example.net>")
    c.cmd("RCPT TO:<u@example.test>")
    assert c.cmd("DATA").startswith("354")
    c.send(b"Subject: smuggle\r\n\r\nx\n.\nMAIL FROM:<e@x>\r\n.\r\n")
    assert c.reply().startswith("554 5.6.0")
    c.cmd("MAIL FROM:<a@example.net>")
    c.cmd("RCPT TO:<u@example.test>")
    assert c.cmd("DATA").startswith("354")
    c.send(b"Subject: cut\r\n\r\npartial")
    c.close()  # client vanishes mid-DATA
    wait_for(lambda: "result=aborted" in real.log(), what="aborted message logged")
    assert queue_files(root) == []
    assert list((root.queue / "tmp").iterdir()) == []
