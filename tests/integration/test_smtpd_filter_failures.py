"""A content filter ($QMAILQUEUE) that fails must never get the client a
250: mailsuite-smtpd under the real tcpserver, real filter scripts, the
client smtplib.  issue 17 point 2; the rule lives in lib/queue_client.h."""
import os
import smtplib
import time

import pytest

from smtpd_support import Recorder, Smtpd, recorder  # noqa: F401  (fixture)

BIG = b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 1050  # about 1 MB


def filter_script(root, name, body):
    path = root.path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def start(root, recorder, qq):
    root.set("rcpthosts", "example.test")
    return Smtpd(root, recorder, env_extra={"QMAILQUEUE": str(qq)})


def send(port, message, timeout=30):
    """The reply to DATA's end as (code, text); smtplib raises on 4xx/5xx."""
    with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as c:
        try:
            c.sendmail("a@example.net", ["u@example.test"], message)
        except smtplib.SMTPDataError as e:
            return e.smtp_code, e.smtp_error.decode()
        return 250, ""


def test_filter_that_reads_4k_of_1mb_and_exits_0_gets_451(root, recorder):
    qq = filter_script(root, "partial-filter", "head -c 4096 > /dev/null\nexit 0")
    s = start(root, recorder, qq)
    code, text = send(s.port, BIG)
    assert code == 451, text
    assert text.startswith("4.3.0 queue write error"), text
    s.wait_log("result=deferred")
    assert "queue write error" in s.log()
    assert "result=accepted" not in s.log()


def test_filter_that_never_reads_the_envelope_and_exits_0_gets_451(root, recorder):
    # fd 1 (the envelope) is closed before the message is through, so the
    # envelope write at the end finds no reader.
    qq = filter_script(root, "no-envelope-filter", "exec 1>&-\ncat > /dev/null\nexit 0")
    s = start(root, recorder, qq)
    code, text = send(s.port, BIG)
    assert code == 451, text
    assert text.startswith("4.3.0 queue write error"), text
    s.wait_log("result=deferred")


@pytest.mark.parametrize("message", [b"Subject: small\r\n\r\nx\r\n", BIG], ids=["small", "1MB"])
def test_hanging_filter_is_killed_after_timeoutsmtpd(root, recorder, message):
    pidfile = root.path / "filter.pid"
    qq = filter_script(root, "hang-filter", f"echo $$ > {pidfile}\nexec sleep 300")
    root.set("timeoutsmtpd", "2")
    s = start(root, recorder, qq)
    t0 = time.monotonic()
    code, text = send(s.port, message)
    took = time.monotonic() - t0
    assert code == 451, text
    assert text.startswith("4.3.0 the queue program did not answer in time"), text
    # one timeoutsmtpd for the message writes, one for the verdict
    assert took < 2 * 2 + 3, took
    s.wait_log("result=deferred")
    assert "did not answer in time" in s.log()
    # killed and reaped: its pid is gone
    pid = int(pidfile.read_text())
    assert not os.path.exists(f"/proc/{pid}"), pid


def test_working_filter_still_gets_250(root, recorder):
    # The control: a filter that reads everything and hands it on queues.
    qq = filter_script(root, "pass-filter", f"exec {recorder.wrapper}")
    s = start(root, recorder, qq)
    assert send(s.port, BIG)[0] == 250
    assert len(recorder.queued()) == 1
