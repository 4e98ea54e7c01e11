"""mailsuite-send with the real mailsuite-remote against an SMTP sink
(smtproutes to 127.0.0.1): one SMTP run per domain, report parsing,
remote bounces and retries."""
import signal

import pytest

from conftest import free_port, wait_for
from remote_sinks import SmtpSink
from send_helpers import inst, make_message, maildir_messages  # noqa: F401


@pytest.fixture
def sink():
    s = SmtpSink("127.0.0.1", free_port()).start()
    yield s
    s.stop()


def rcpt_commands(sink):
    """Every RCPT TO address the sink was sent, accepted or not."""
    return [c[8:].strip().strip("<>") for session in sink.sessions for c in session
            if c[:8].upper() == "RCPT TO:"]


def test_one_remote_run_per_domain_and_bounce_of_refused(inst, sink):
    alice = inst.add_user("alice@example.test")
    inst.root.set("smtproutes", f"remote.test:[127.0.0.1]:{sink.port}",
                  f"other.test:[127.0.0.1]:{sink.port}")
    sink.rcpt["bad@remote.test"] = "550 5.1.1 no such user here"
    inst.start()
    inst.inject(make_message("outgoing"), "alice@example.test",
                ["a@remote.test", "alice@example.test", "b@Remote.test", "bad@remote.test",
                 "c@other.test"])
    wait_for(lambda: len(maildir_messages(alice)) == 2, timeout=20, what="local copy and bounce")
    wait_for(inst.queue_empty, what="empty queue")
    by_domain = {t["rcpts"][0].split("@")[1].lower(): t for t in sink.messages}
    assert len(sink.messages) == 2
    assert by_domain["remote.test"]["rcpts"] == ["a@remote.test", "b@Remote.test"]
    assert "bad@remote.test" in rcpt_commands(sink)  # offered, refused, not delivered
    assert by_domain["remote.test"]["mail"].upper().startswith("MAIL FROM:<ALICE@EXAMPLE.TEST>")
    assert b"Subject: outgoing" in by_domain["remote.test"]["data"]
    assert by_domain["other.test"]["rcpts"] == ["c@other.test"]
    starts = [s for s in inst.events("starting") if s["channel"] == "remote"]
    remote_runs = {s["delivery"] for s in starts if s["to"].lower().endswith("@remote.test")}
    assert len(remote_runs) == 1 and len(starts) == 4
    bounce = [m for m in maildir_messages(alice) if b"failure notice" in m][0]
    assert b"<bad@remote.test>:" in bounce and b"550 5.1.1 no such user here" in bounce
    assert b"Status: 5.1.1" in bounce
    results = {e["to"]: e["result"] for e in inst.events("delivery")}
    assert results["bad@remote.test"] == "failure"
    assert results["a@remote.test"] == results["c@other.test"] == "success"


def test_remote_deferral_is_retried(inst, sink):
    inst.root.set("smtproutes", f"remote.test:[127.0.0.1]:{sink.port}")
    sink.rcpt["slow@remote.test"] = "451 4.2.1 try again later"
    inst.start()
    inst.inject(make_message("retry me"), "x@example.org", ["slow@remote.test"])
    wait_for(lambda: inst.events("delivery"), timeout=20, what="first attempt")
    first = inst.events("delivery")[0]
    assert first["result"] == "deferral" and "451 4.2.1" in first["reason"]
    state = next((inst.root.queue / "state").iterdir()).read_text()
    assert state.startswith("0 Z ")
    del sink.rcpt["slow@remote.test"]
    inst.signal(signal.SIGALRM)
    wait_for(inst.queue_empty, timeout=20, what="delivered on retry")
    assert [t["rcpts"] for t in sink.messages] == [["slow@remote.test"]]
    assert inst.events("delivery")[-1]["result"] == "success"
