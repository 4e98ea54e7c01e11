"""SMTPUTF8 (RFC 6531/6532) end to end with real clients: Python's
smtplib (mail(options=['SMTPUTF8']), send_message(mail_options=
['SMTPUTF8'])) against mailsuite-smtpd under the real tcpserver with the
real queue; mailsuite-send and local delivery into a Maildir (a users
database key in NFC, reached by an NFD local part); mailsuite-remote
against scripted sinks with and without SMTPUTF8; IDN domains in
rcpthosts and morercpthosts.cdb; mailsuite-inject.  swaks is not used:
it has no way to add a MAIL parameter (`swaks --help` lists none)."""
import os
import smtplib
import subprocess
import unicodedata
from email.message import EmailMessage

import pytest

from conftest import free_port, prog, run, wait_for
from queue_util import mess_files
from remote_sinks import SmtpSink
from send_helpers import inst, maildir_messages  # noqa: F401
from smtpd_support import RawClient

NFC = "j\u00f6rg"                          # jörg, as the users database has it
NFD = unicodedata.normalize("NFD", NFC)   # o + COMBINING DIAERESIS, as a client may send it
IDN = "b\u00fccher.example"               # bücher.example
ALABEL = "xn--bcher-kva.example"


def smtpd_for(root, argv_prefix=()):
    """mailsuite-smtpd under tcpserver, queueing into root's real queue."""
    env = dict(root.env)
    env.pop("QMAILQUEUE", None)
    return root.tcpserver(list(argv_prefix) + [prog("mailsuite-smtpd")], env=env, log_name="smtpd.log")


def cmd8(c, text):
    """One command with its text sent as UTF-8 (RawClient.cmd sends latin-1)."""
    c.send(text.encode() + b"\r\n")
    return c.reply()


def queue_parts(path):
    """(message, envelope) of a queue file (queue/FORMAT.md)."""
    data = path.read_bytes()
    moff, mlen, eoff, elen = (int(x) for x in data[:64].split()[1:5])
    return data[moff:moff + mlen], data[eoff:eoff + elen]


def queue_utf8(inst, message, sender, recipients):
    """Queues through the real mailsuite-queue with the SMTPUTF8 mark."""
    env = (b"F" + sender.encode() + b"\0U\0" +
           b"".join(b"T" + r.encode() + b"\0" for r in recipients) + b"\0")
    r, w = os.pipe()
    os.write(w, env)
    os.close(w)
    try:
        p = subprocess.run(inst.as_user() + [prog("mailsuite-queue")], env=inst.root.env,
                           input=message, stdout=r, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.close(r)
    assert p.returncode == 0, p.stderr


def test_smtplib_utf8_envelope_is_queued_with_the_mark(root):
    root.set("rcpthosts", "example.test", ALABEL)
    srv = smtpd_for(root)
    with smtplib.SMTP("127.0.0.1", srv.port, local_hostname="client.example", timeout=20) as s:
        s.ehlo()
        assert s.has_extn("smtputf8")
        s.mail(f"{NFC}@{IDN}", ["SMTPUTF8"])
        assert s.rcpt(f"\u7528\u6237@{IDN}")[0] == 250           # 用户@bücher.example (A-label entry)
        assert s.rcpt(f"{NFC}@example.test")[0] == 250
        code, text = s.data(f"From: {NFC}@{IDN}\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nhi\r\n".encode())
        assert code == 250, text
    [path] = mess_files(root.queue)
    message, envelope = queue_parts(path)
    # the addresses as UTF-8, as they were given, and the mark after F
    assert envelope == (f"F{NFC}@{IDN}\0U\0T\u7528\u6237@{IDN}\0T{NFC}@example.test\0\0").encode()
    assert b"with UTF8SMTP;" in message
    assert "Subject: Gr\u00fc\u00dfe".encode() in message


def test_non_ascii_without_smtputf8_and_malformed_utf8_are_refused(root):
    root.set("rcpthosts", "example.test")
    srv = smtpd_for(root)
    c = RawClient(srv.port)
    c.cmd("EHLO client.example")
    assert cmd8(c, f"MAIL FROM:<{NFC}@example.test>").startswith("553 5.6.7")
    assert c.cmd("MAIL FROM:<a@example.net>").startswith("250")
    assert cmd8(c, f"RCPT TO:<{NFC}@example.test>").startswith("553 5.6.7")
    assert c.cmd("RSET").startswith("250")
    c.send(b"MAIL FROM:<a\xc0\xaf@example.net> SMTPUTF8\r\n")     # overlong '/'
    assert c.reply().startswith("553 5.6.7")
    assert c.cmd("MAIL FROM:<a@example.net> SMTPUTF8").startswith("250")
    for bad in (b"\xed\xa0\x80", b"\xff", b"a\xc2\x85b", b"\xf4\x90\x80\x80"):
        c.send(b"RCPT TO:<" + bad + b"@example.test>\r\n")
        assert c.reply().startswith("553 5.6.7"), bad
    c.send(b"RCPT TO:<a\x00b@example.test>\r\n")
    assert c.reply().startswith("501")
    assert cmd8(c, "RCPT TO:<" + "\u00fc" * 40 + "@example.test>").startswith("501 5.1.3")  # 80 octets
    assert c.cmd("QUIT").startswith("221")
    assert mess_files(root.queue) == []


def test_idn_rcpthosts_and_morercpthosts_match_either_form(root):
    root.set("rcpthosts", IDN)                         # U-label entry
    (root.control / "morercpthosts").write_text("\u4f8b\u5b50.\u5e7f\u544a\n")  # 例子.广告
    assert run([prog("mailsuite-newmrh")], env=root.env).returncode == 0
    srv = smtpd_for(root)
    c = RawClient(srv.port)
    c.cmd("EHLO client.example")
    assert c.cmd("MAIL FROM:<a@example.net> SMTPUTF8").startswith("250")
    assert c.cmd(f"RCPT TO:<x@{ALABEL}>").startswith("250")           # A-label finds U-label entry
    assert cmd8(c, "RCPT TO:<x@B\u00dcCHER.example>").startswith("250")         # UTS #46 case mapping
    assert cmd8(c, f"RCPT TO:<x@{IDN}>").startswith("250")
    assert c.cmd("RCPT TO:<x@xn--fsqu00a.xn--4rr70v>").startswith("250")  # cdb holds the A-label
    assert cmd8(c, "RCPT TO:<x@\u4f8b\u5b50.\u5e7f\u544a>").startswith("250")
    assert c.cmd("RCPT TO:<x@bucher.example>").startswith("553 5.7.1")
    c.cmd("QUIT")


def test_nfd_local_part_reaches_the_nfc_user_through_smtpd_and_send(inst):
    home = inst.add_user(f"{NFC}@example.test")
    inst.root.set("rcpthosts", "example.test")
    inst.start()
    srv = smtpd_for(inst.root, inst.as_user())
    msg = EmailMessage()
    msg["From"] = f"J\u00f6rg <{NFC}@{IDN}>"
    msg["To"] = f"{NFD}@example.test"
    msg["Subject"] = "Gr\u00fc\u00dfe aus M\u00fcnchen"
    msg.set_content("Hall\u00f6chen\n")
    with smtplib.SMTP("127.0.0.1", srv.port, local_hostname="client.example", timeout=20) as s:
        s.send_message(msg, mail_options=["SMTPUTF8"])
    wait_for(lambda: maildir_messages(home), timeout=20, what="delivery to the NFC user")
    [got] = maildir_messages(home)
    assert f"Delivered-To: {NFD}@example.test\n".encode() in got
    assert "Subject: Gr\u00fc\u00dfe aus M\u00fcnchen".encode() in got     # RFC 6532 header, raw UTF-8
    assert b"with UTF8SMTP;" in got
    wait_for(inst.queue_empty, timeout=10, what="empty queue")
    done = [e for e in inst.events("delivery") if e.get("result") == "success"]
    assert done, inst.log()


@pytest.fixture
def utf8_sink():
    s = SmtpSink("127.0.0.1", free_port(),
                 extensions=("PIPELINING", "8BITMIME", "SMTPUTF8", "SIZE 10000000")).start()
    yield s
    s.stop()


@pytest.fixture
def ascii_sink():
    s = SmtpSink("127.0.0.1", free_port()).start()
    yield s
    s.stop()


def utf8(text):
    return text.encode("latin-1").decode("utf-8")  # the sinks read lines as latin-1


def test_remote_uses_smtputf8_when_offered(inst, utf8_sink):
    inst.root.set("smtproutes", f"{ALABEL}:[127.0.0.1]:{utf8_sink.port}")
    inst.start()
    queue_utf8(inst, "Subject: Gr\u00fc\u00dfe\n\nhi\n".encode(), f"{NFC}@example.org",
               [f"\u7528\u6237@{IDN}", f"plain@{IDN}"])
    wait_for(lambda: utf8_sink.messages, timeout=20, what="remote delivery")
    wait_for(inst.queue_empty, timeout=10, what="empty queue")
    [m] = utf8_sink.messages
    assert utf8(m["mail"]).startswith(f"MAIL FROM:<{NFC}@example.org>")
    assert m["mail"].split()[-1] == "SMTPUTF8"
    assert [utf8(r) for r in m["rcpts"]] == [f"\u7528\u6237@{IDN}", f"plain@{IDN}"]


def test_remote_without_smtputf8_bounces_utf8_local_parts_and_sends_alabels(inst, ascii_sink):
    alice = inst.add_user("alice@example.test")
    inst.root.set("smtproutes", f"{ALABEL}:[127.0.0.1]:{ascii_sink.port}")
    inst.start()
    queue_utf8(inst, b"Subject: mixed\n\nhi\n", "alice@example.test",
               [f"{NFC}@{IDN}", f"plain@{IDN}"])
    wait_for(lambda: maildir_messages(alice), timeout=20, what="the bounce")
    wait_for(inst.queue_empty, timeout=10, what="empty queue")
    [m] = ascii_sink.messages
    assert "SMTPUTF8" not in m["mail"]
    assert m["mail"].startswith("MAIL FROM:<alice@example.test>")
    assert m["rcpts"] == [f"plain@{ALABEL}"]
    assert not any(NFC.encode().decode("latin-1") in c for s in ascii_sink.sessions for c in s)
    [bounce] = maildir_messages(alice)
    assert b"does not support SMTPUTF8" in bounce
    assert b"Status: 5.6.7" in bounce
    results = {e["to"]: e["result"] for e in inst.events("delivery")}
    assert [r for to, r in results.items() if to.startswith("plain@")] == ["success"], results


def test_remote_without_smtputf8_bounces_a_utf8_sender_for_all(inst, ascii_sink):
    inst.root.set("smtproutes", f"remote.test:[127.0.0.1]:{ascii_sink.port}")
    inst.start()
    queue_utf8(inst, b"Subject: s\n\nhi\n", f"{NFC}@example.org", ["a@remote.test"])
    wait_for(lambda: [e for e in inst.events("delivery") if e.get("result") == "failure"],
             timeout=20, what="the permanent failure")
    assert ascii_sink.messages == []


def test_inject_accepts_utf8_addresses_and_marks_the_message(root):
    r = run([prog("mailsuite-inject"), "-f", f"{NFC}@{IDN}", f"\u7528\u6237@{IDN}"],
            env=root.env, input=b"Subject: x\n\nhi\n")
    assert r.returncode == 0, r.stderr
    [path] = mess_files(root.queue)
    data = path.read_bytes()
    assert f"F{NFC}@{IDN}\0U\0T\u7528\u6237@{IDN}\0\0".encode() in data
    r = run([prog("sendmail").encode(), b"a\xc0\xaf@x.example"], env=root.env,
            input=b"Subject: x\n\nhi\n")                        # overlong: refused, nothing queued
    assert r.returncode != 0 and b"UTF-8" in r.stderr, r.stderr
    assert len(mess_files(root.queue)) == 1
    r = run([prog("sendmail"), "-f", "a@x.example", "plain@x.example"], env=root.env,
            input=b"Subject: x\n\nhi\n")
    assert r.returncode == 0, r.stderr
    envs = [queue_parts(p)[1] for p in mess_files(root.queue)]
    assert b"Fa@x.example\0Tplain@x.example\0\0" in envs       # ASCII: no mark, qmail's bytes
