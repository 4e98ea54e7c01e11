"""mailsuite-smtpd limits and data handling under the real tcpserver:
SMTP smuggling forms and bare CR/LF sent raw, databytes, maxrcpt, long
command lines, header size, timeoutsmtpd, refusela, a nearly full queue."""
import smtplib
import time

import pytest

from smtpd_support import recorder, smtpd, Smtpd  # noqa: F401 (fixtures)

SMUGGLE_FORMS = [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n", b"\r\n.\r"]


def start_data(c, rcpt="u@example.test"):
    assert c.cmd("EHLO c").startswith("250")
    assert c.cmd("MAIL FROM:<a@example.net>") == "250 2.1.0 ok"
    assert c.cmd(f"RCPT TO:<{rcpt}>") == "250 2.1.5 ok"
    assert c.cmd("DATA").startswith("354")


@pytest.mark.parametrize("form", SMUGGLE_FORMS, ids=lambda f: repr(f))
def test_smuggling_form_neither_ends_message_nor_starts_another(root, smtpd, recorder, form):
    c = smtpd.raw()
    start_data(c)
    c.send(b"From: a@example.net\r\nSubject: outer\r\n\r\nhello" + form +
           b"MAIL FROM:<admin@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\n"
           b"From: admin@example.test\r\nSubject: smuggled\r\n\r\nbad\r\n.\r\n")
    reply = c.reply()
    assert reply.startswith("554 5.6.0"), reply
    # the session is in a clean command state: nothing smuggled was run
    assert c.cmd("NOOP") == "250 2.0.0 ok"
    assert c.cmd("QUIT").startswith("221")
    assert recorder.queued() == []
    smtpd.wait_log("result=refused")
    assert smtpd.log().count("smtpd: message ") == 1


def test_bare_lf_inside_body_refuses_but_session_goes_on(root, smtpd, recorder):
    c = smtpd.raw()
    start_data(c)
    c.send(b"Subject: x\r\n\r\nline one\nline two\r\n.\r\n")
    assert c.reply() == ("554 5.6.0 message refused: bare CR or LF in the data; "
                         "lines must end with CRLF")
    start_data(c)
    c.send(b"Subject: y\r\n\r\nclean\r\n.\r\n")
    assert c.reply().startswith("250 2.0.0 ok")
    [(msg, _, _)] = recorder.queued()
    assert msg.endswith(b"Subject: y\n\nclean\n")


def test_bare_cr_refused(root, smtpd, recorder):
    c = smtpd.raw()
    start_data(c)
    c.send(b"Subject: x\r\n\r\na\rb\r\n.\r\n")
    assert c.reply().startswith("554 5.6.0")
    assert recorder.queued() == []


def test_databytes_size_at_mail_and_during_data(root, smtpd, recorder):
    root.set("databytes", "2000")
    c = smtpd.raw()
    assert "250-SIZE 2000" in c.cmd("EHLO c")
    assert c.cmd("MAIL FROM:<a@example.net> SIZE=2001").startswith("552 5.3.4")
    assert c.cmd("MAIL FROM:<a@example.net> SIZE=1999") == "250 2.1.0 ok"
    assert c.cmd("RCPT TO:<u@example.test>") == "250 2.1.5 ok"
    assert c.cmd("DATA").startswith("354")
    # far over the limit: the server keeps reading and answers at the end
    c.send(b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 3000 + b".\r\n")
    assert c.reply() == "552 5.3.4 message size exceeds fixed maximum message size"
    assert c.cmd("NOOP") == "250 2.0.0 ok"
    assert recorder.queued() == []
    assert len(recorder.aborted()) == 1  # the queue program got no envelope


def test_maxrcpt(root, smtpd, recorder):
    root.set("maxrcpt", "20")
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="c", timeout=10) as s:
        s.ehlo()
        s.mail("a@example.net")
        codes = [s.rcpt(f"u{i}@example.test")[0] for i in range(23)]
        assert codes == [250] * 20 + [452] * 3
        assert s.rcpt("u@example.test")[1].startswith(b"4.5.3")
        assert s.data(b"Subject: many\r\n\r\nx\r\n")[0] == 250
    [(_, _, rcpts)] = recorder.queued()
    assert rcpts == [f"u{i}@example.test" for i in range(20)]


def test_long_command_line_gets_500_and_session_continues(root, smtpd):
    c = smtpd.raw()
    assert c.cmd("HELO " + "a" * 600).startswith("500 5.5.2")
    assert c.cmd("HELO " + "b" * 505) == "250 mail.example.test"  # 512 with CRLF
    c.send(b"NOOP " + b"z" * 100000 + b"\r\n")
    assert c.reply().startswith("500 5.5.2")
    assert c.cmd("NOOP") == "250 2.0.0 ok"


def test_header_section_is_bounded(root, smtpd, recorder):
    c = smtpd.raw()
    start_data(c)
    c.send(b"".join(b"X-Fill-%d: %s\r\n" % (i, b"h" * 100) for i in range(1100)) + b"\r\nbody\r\n.\r\n")
    assert c.reply() == "552 5.3.4 message header section too large"
    assert recorder.queued() == []


def test_timeoutsmtpd_idle_and_in_data(root, recorder):
    root.set("rcpthosts", "example.test")
    root.set("timeoutsmtpd", "1")
    s = Smtpd(root, recorder)
    c = s.raw()
    t0 = time.monotonic()
    assert c.reply() == "421 4.4.2 mail.example.test timeout, closing connection"
    assert c.closed()
    assert time.monotonic() - t0 < 4
    c = s.raw()
    start_data(c)
    c.send(b"Subject: slow\r\n\r\npartial")
    assert c.reply().startswith("421 4.4.2")
    assert c.closed()
    assert recorder.queued() == []
    s.wait_log("reason=timeout")


def load_average():
    return float(open("/proc/loadavg").read().split()[0])


def test_refusela(root, recorder):
    root.set("rcpthosts", "example.test")
    root.set("refusela", "100000")
    s = Smtpd(root, recorder)
    assert s.raw().greeting.startswith("220 ")
    if load_average() < 0.02:
        pytest.skip("load average too low to exceed any positive refusela")
    root.set("refusela", "0.01")
    c = s.raw()
    assert c.greeting == "421 4.3.2 mail.example.test system overloaded, try again later"
    assert c.closed()


def test_queue_nearly_full_refuses_mail(root, smtpd, recorder):
    root.queue.mkdir(parents=True, exist_ok=True)  # statvfs needs the queue to exist
    root.set("queueminfree", str(1 << 59))
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="c", timeout=10) as s:
        s.ehlo()
        code, text = s.mail("a@example.net")
        assert (code, text) == (452, b"4.3.1 insufficient system storage, try again later")
    root.set("queueminfree", "1")
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="c", timeout=10) as s:
        s.ehlo()
        assert s.mail("a@example.net")[0] == 250
        # SIZE= counts against the free space too
        s.rset()
        assert s.mail("a@example.net", ["SIZE=%d" % (1 << 58)])[0] == 452


def test_unreadable_control_file_answers_421(root, smtpd):
    root.set("databytes", "not-a-number")
    c = smtpd.raw()
    assert c.greeting == "421 4.3.0 unable to read controls"
    assert c.closed()
