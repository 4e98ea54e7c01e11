"""mailsuite-smtpd under the real tcpserver: commands, greeting, 8-bit
bodies, pipelining (swaks), Received:, logging, queue exit codes."""
import smtplib
import subprocess

from conftest import run, prog
from smtpd_support import recorder, smtpd, Smtpd  # noqa: F401 (fixtures)


def test_greeting_hides_version_and_ehlo_lists_extensions(root, smtpd):
    c = smtpd.raw()
    assert c.greeting == "220 mail.example.test ESMTP"
    ehlo = c.cmd("EHLO client.example")
    assert ehlo.split("\n") == ["250-mail.example.test", "250-PIPELINING", "250-8BITMIME",
                                "250-SMTPUTF8", "250-SIZE", "250-CHUNKING",
                                "250 ENHANCEDSTATUSCODES"]
    assert c.cmd("HELP").startswith("214 2.0.0")
    assert c.cmd("VRFY root").startswith("252 2.0.0")
    assert c.cmd("EXPN list").startswith("502 5.5.1")
    assert c.cmd("MAIL FROM <a@b>").startswith("501 5.5.4")
    assert c.cmd("RSET") == "250 2.0.0 ok"
    assert c.cmd("QUIT").startswith("221 2.0.0")
    assert c.closed()


def test_smtpgreeting_is_used_verbatim(root, recorder):
    root.set("smtpgreeting", "mx.example.org")
    root.set("databytes", "1000000")
    s = Smtpd(root, recorder)
    c = s.raw()
    assert c.greeting == "220 mx.example.org ESMTP"
    assert "250-SIZE 1000000" in c.cmd("EHLO x")


def test_8bit_message_is_queued_with_received_and_crlf_to_lf(root, smtpd, recorder):
    body = "Subject: caf\u00e9\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" \
           "\ud55c\uad6d\uc5b4 8-bit body\r\n.leading dot\r\n"
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="client.example", timeout=10) as s:
        code, resp = s.ehlo()
        assert code == 250
        refused = s.sendmail("sender@example.net", ["user@example.test"], body.encode("utf-8"),
                             mail_options=["BODY=8BITMIME"])
        assert refused == {}
    [(msg, sender, rcpts)] = recorder.queued()
    assert sender == "sender@example.net"
    assert rcpts == ["user@example.test"]
    first, second, rest = msg.split(b"\n", 2)
    assert first == b"Received: from client.example (unknown [127.0.0.1])"
    assert second.startswith(b"\tby mail.example.test with ESMTP; ")
    assert rest == body.replace("\r\n", "\n").encode("utf-8")
    assert b"\r" not in msg
    smtpd.wait_log("smtpd: end ip=127.0.0.1 helo=client.example messages=1")
    log = smtpd.log()
    assert "smtpd: message ip=127.0.0.1 helo=client.example from=sender@example.net rcpts=1" in log
    assert "result=accepted id=" in log


def test_swaks_pipelining_several_recipients(root, smtpd, recorder):
    out = run(["swaks", "--server", "127.0.0.1", "--port", str(smtpd.port), "--pipeline",
               "--from", "a@example.net", "--to", "u1@example.test,u2@a.sub.example.test,x@other.test",
               "--helo", "swaks.example", "--body", "pipelined body", "--timeout", "10"])
    text = out.stdout.decode()
    assert "553 5.7.1 relaying denied" in text
    assert "250 2.0.0 ok" in text
    [(msg, sender, rcpts)] = recorder.queued()
    assert rcpts == ["u1@example.test", "u2@a.sub.example.test"]
    assert b"pipelined body" in msg


def test_raw_pipelining_two_messages_in_one_write(root, smtpd, recorder):
    c = smtpd.raw()
    c.send(b"EHLO p\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<u@example.test>\r\nDATA\r\n")
    assert c.reply().startswith("250-")
    assert [c.reply(), c.reply(), c.reply()] == ["250 2.1.0 ok", "250 2.1.5 ok",
                                                 "354 go ahead, end with <CRLF>.<CRLF>"]
    c.send(b"one\r\n.\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<v@example.test>\r\nDATA\r\n")
    assert c.reply().startswith("250 2.0.0 ok ")
    assert [c.reply(), c.reply(), c.reply()][2].startswith("354")
    c.send(b"two\r\n.\r\nQUIT\r\n")
    assert c.reply().startswith("250 2.0.0 ok ")
    assert c.reply().startswith("221")
    q = recorder.queued()
    assert [m[1] for m in q] == ["a@example.net", "b@example.net"]


def test_received_is_ipv6_aware(root, recorder):
    root.set("rcpthosts", "example.test")
    s = Smtpd(root, recorder, wrapper_env={"TCPREMOTEIP": "2001:db8::25", "TCPREMOTEHOST": "v6.example.net"})
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="v6client", timeout=10) as c:
        c.sendmail("a@example.net", ["u@example.test"], b"Subject: v6\r\n\r\nx\r\n")
    [(msg, _, _)] = recorder.queued()
    assert msg.startswith(b"Received: from v6client (v6.example.net [IPv6:2001:db8::25])\n")


def test_queue_exit_codes_map_to_replies(root, smtpd, recorder):
    cases = [(0, None, "250 2.0.0 ok "), (31, None, "554 5.3.0"), (11, None, "554 5.1.3"),
             (71, None, "451 4.3.0"), (53, None, "451 4.3.1"), (111, None, "451 4.3.0"),
             (82, b"Dspam score too high", "554 5.7.1 spam score too high"),
             (82, b"Z4.2.2 mailbox busy", "451 4.2.2 mailbox busy")]
    for code, custom, expect in cases:
        (recorder.dir / "custom").unlink(missing_ok=True)
        recorder.exit_with(code, custom)
        c = smtpd.raw()
        c.cmd("HELO x")
        c.cmd("MAIL FROM:<a@example.net>")
        c.cmd("RCPT TO:<u@example.test>")
        assert c.cmd("DATA").startswith("354")
        c.send(b"Subject: e\r\n\r\nx\r\n.\r\n")
        reply = c.reply()
        assert reply.startswith(expect), (code, reply)
        if code == 0:
            # qmail's id: time and the queue program's pid ("qp")
            parts = reply.split()
            assert parts[3].isdigit() and parts[4] == "qp" and parts[5].isdigit()
        assert c.cmd("NOOP") == "250 2.0.0 ok"
        c.close()
    assert len(recorder.queued()) == 1


def test_missing_queue_program_is_temporary(root, recorder):
    root.set("rcpthosts", "example.test")
    s = Smtpd(root, recorder, env_extra={"QMAILQUEUE": str(root.path / "no-such-program")})
    c = s.raw()
    c.cmd("HELO x")
    c.cmd("MAIL FROM:<a@example.net>")
    c.cmd("RCPT TO:<u@example.test>")
    assert c.cmd("DATA").startswith("451 4.3.0")


def test_control_chars_in_log_are_escaped(root, smtpd):
    c = smtpd.raw()
    assert c.cmd("HELO evil\x1bname").startswith("501 5.5.2")
    assert c.cmd("HELO evil\x7fname\xff") == "250 mail.example.test"
    c.cmd("QUIT")
    smtpd.wait_log("reason=quit")
    assert "helo=evil\\x7fname\\xff" in smtpd.log()
