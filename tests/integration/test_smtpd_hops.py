"""qmail-smtpd's hop count in mailsuite-smtpd (issue 17 point 3): more than
100 Received: plus Delivered-To: header lines get 554 5.4.6 at the end of
DATA and nothing is queued.  Under the real tcpserver, client smtplib."""
import smtplib

from smtpd_support import recorder, smtpd  # noqa: F401  (fixtures)


def message(hops):
    lines = [("Received: from hop%d.example.net by relay\r\n" if i % 2 else
              "Delivered-To: hop%d@example.test\r\n") % i for i in range(hops)]
    # Received: lines in the body are not hops
    return ("".join(lines) + "Subject: hops\r\n\r\n" +
            "Received: in the body\r\n" * 50).encode()


def test_100_hops_are_accepted(smtpd, recorder):
    with smtplib.SMTP("127.0.0.1", smtpd.port, timeout=10) as c:
        c.sendmail("a@example.net", ["u@example.test"], message(100))
    [(msg, _, _)] = recorder.queued()
    assert msg.count(b"\nDelivered-To: hop") == 50


def test_101_hops_are_refused_and_nothing_is_queued(smtpd, recorder):
    c = smtpd.raw()
    c.cmd("HELO x")
    c.cmd("MAIL FROM:<a@example.net>")
    c.cmd("RCPT TO:<u@example.test>")
    assert c.cmd("DATA").startswith("354")
    c.send(message(101) + b".\r\n")
    assert c.reply() == "554 5.4.6 too many hops, this message is looping"
    # the session goes on
    assert c.cmd("NOOP") == "250 2.0.0 ok"
    c.close()
    assert recorder.queued() == []
    smtpd.wait_log("too many hops")
    assert "result=refused" in smtpd.log()
