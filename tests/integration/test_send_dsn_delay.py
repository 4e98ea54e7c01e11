"""NOTIFY=DELAY (RFC 3461, RFC 3464 "Action: delayed"): mailsuite-send
sends one delay notice per recipient that asked for it, once it has been
deferred and the message is older than control/dsndelay; the `Y` state
record keeps a restarted send from sending it again (queue/FORMAT.md)."""
import signal
import time

from conftest import free_port, wait_for
from remote_sinks import SmtpSink
from send_helpers import inst, maildir_messages  # noqa: F401
from test_smtpd_dsn_bdat import parse, queue_with_dsn


def test_one_delay_notice_per_recipient_that_asked_and_none_after_restart(inst):  # noqa: F811
    def remote_tries():
        return [d for d in inst.events("delivery") if d["to"].endswith("@slow.test")]
    alice = inst.add_user("alice@example.test")
    sink = SmtpSink("127.0.0.1", free_port(),
                    rcpt={"a@slow.test": "451 4.3.2 come back later",
                          "b@slow.test": "451 4.3.2 come back later",
                          "c@slow.test": "451 4.3.2 come back later"}).start()
    try:
        inst.root.set("smtproutes", f"slow.test:[127.0.0.1]:{sink.port}")
        inst.root.set("dsndelay", "1")
        inst.root.set("queuelifetime", "86400")
        inst.start()
        queue_with_dsn(inst, b"Subject: slow one\nMessage-ID: <slow@example.test>\n\nhi\n",
                       b"Falice@example.test\0MENVID=E+2B7\0"
                       b"Ta@slow.test\0RNOTIFY=DELAY,FAILURE ORCPT=rfc822;A+2BO@slow.test\0"
                       b"Tb@slow.test\0RNOTIFY=FAILURE\0"
                       b"Tc@slow.test\0RNOTIFY=SUCCESS,DELAY\0\0")
        wait_for(lambda: maildir_messages(alice), timeout=30, what="the delay notice")
        assert [d["result"] for d in remote_tries()] == ["deferral"] * 3
        [notice] = [parse(m) for m in maildir_messages(alice)]
        assert notice["Subject"] == "delivery notification: delayed"
        assert notice["To"] == "alice@example.test"
        assert notice.get_content_type() == "multipart/report"
        parts = notice.get_payload()
        assert parts[1].get_content_type() == "message/delivery-status"
        blocks = parts[1].get_payload()
        assert blocks[0]["Original-Envelope-Id"] == "E+7"
        # a and c together in one notice, b (no DELAY) in none
        assert [b["Final-Recipient"] for b in blocks[1:]] == ["rfc822; a@slow.test", "rfc822; c@slow.test"]
        assert blocks[1]["Original-Recipient"] == "rfc822; A+O@slow.test"
        assert blocks[2]["Original-Recipient"] is None
        for b in blocks[1:]:
            assert b["Action"] == "delayed" and b["Status"] == "4.3.2"
            assert "come back later" in b["Diagnostic-Code"]
            assert b["Will-Retry-Until"]
        assert "Subject: slow one" in parts[2].as_string()
        assert "b@slow.test" not in parts[0].as_string()
        state = list((inst.root.queue / "state").iterdir())
        assert len(state) == 1
        codes = [line.split()[:2] for line in state[0].read_text().splitlines()]
        assert ["0", "Y"] in codes and ["2", "Y"] in codes and ["1", "Y"] not in codes

        # A retry keeps the mark (last record `Y`); a restarted send reads it.
        inst.signal(signal.SIGALRM)
        wait_for(lambda: len(remote_tries()) == 6, timeout=30, what="the retry")
        inst.signal(signal.SIGTERM)
        inst.send.proc.wait(timeout=10)
        assert inst.send.proc.returncode == 0
        news = len(inst.events("new"))
        inst.start()
        wait_for(lambda: len(inst.events("new")) == news + 1, timeout=20, what="message taken in again")
        inst.signal(signal.SIGALRM)
        wait_for(lambda: len(remote_tries()) == 9, timeout=30, what="the retry after restart")
        time.sleep(2)  # past dsndelay again: a second notice would be queued by now
        assert len(maildir_messages(alice)) == 1
        assert len([n for n in inst.events("notify")]) == 1
        assert not inst.queue_empty()  # still deferred, still queued
    finally:
        sink.stop()


def test_dsndelay_zero_sends_no_delay_notice(inst):  # noqa: F811
    alice = inst.add_user("alice@example.test")
    sink = SmtpSink("127.0.0.1", free_port(), rcpt={"a@slow.test": "451 4.3.2 later"}).start()
    try:
        inst.root.set("smtproutes", f"slow.test:[127.0.0.1]:{sink.port}")
        inst.root.set("dsndelay", "0")
        inst.start()
        queue_with_dsn(inst, b"Subject: slow\n\nhi\n",
                       b"Falice@example.test\0Ta@slow.test\0RNOTIFY=DELAY\0\0")
        wait_for(lambda: inst.events("delivery"), timeout=30, what="the deferral")
        time.sleep(2)
        inst.signal(signal.SIGALRM)
        wait_for(lambda: len(inst.events("delivery")) == 2, timeout=30, what="the retry")
        time.sleep(1)
        assert maildir_messages(alice) == [] and inst.events("notify") == []
    finally:
        sink.stop()
