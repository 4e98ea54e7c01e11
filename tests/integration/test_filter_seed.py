"""The seed's virus rules and qmail-scanner examples through the real
smtpd with QMAILQUEUE=mailsuite-filter: refused with the seed's texts,
while "I LOVE YOU" with spaces passes, exactly as the seed explains.
Python's email package is the independent oracle for what a MIME part's
decoded name and size are."""
import re
from email.message import EmailMessage
from email import policy as email_policy
import email

import pytest

from conftest import prog, run
from filter_support import Filtered, run_filter, seed_rules


@pytest.fixture
def filtered(root):
    root.set("filterrules", *seed_rules())
    return Filtered(root)


def plain(subject, body="hello\n", extra=""):
    return f"From: a@sender.test\nTo: bob@example.test\nSubject: {subject}\n{extra}\n{body}"


ILOVEYOU_TEXT = "Access Denied - This message may contain a virus."


def test_seed_rules_parse_and_count():
    rules = seed_rules()
    assert len(rules) == 10
    assert all(len(r.split("\t")) == 3 for r in rules)


@pytest.mark.parametrize("subject", ["ILOVEYOU", "Re: ILOVEYOU", "FW: ILOVEYOU", "iloveyou"])
def test_iloveyou_refused_with_seed_text(filtered, subject):
    code, text = filtered.send(plain(subject))
    assert code == 554
    assert text == "5.7.1 " + ILOVEYOU_TEXT
    assert filtered.queued() == []


@pytest.mark.parametrize("subject", ["I LOVE YOU", "ILOVEYOU from me", "Fwd: ILOVEYOU"])
def test_i_love_you_with_spaces_passes(filtered, subject):
    code, text = filtered.send(plain(subject))
    assert code == 250, text
    [(msg, sender, rcpts)] = filtered.queued()
    assert f"Subject: {subject}".encode() in msg
    assert sender == "alice@sender.test" and rcpts == ["bob@example.test"]


def test_iloveyou_encoded_word_is_decoded(filtered):
    code, text = filtered.send(plain("=?UTF-8?B?SUxPVkVZT1U=?="))
    assert (code, text) == (554, "5.7.1 " + ILOVEYOU_TEXT)


def test_sircam_refused(filtered):
    code, text = filtered.send(plain("Hi! How are you?", extra="Content-Disposition: Multipart message\n"))
    assert (code, text) == (554, "5.7.1 Warning: I Guess Sircam.worm Virus")


@pytest.mark.parametrize("boundary", ["====_ABC1234567890DEF_====", "====_ABC123456j7890DEF_===="])
def test_nimda_refused(filtered, boundary):
    msg = (f'From: a@sender.test\nSubject: x\nMIME-Version: 1.0\n'
           f'Content-Type: multipart/related; type="multipart/alternative";\n boundary="{boundary}"\n\n'
           f'--{boundary}\nContent-Type: text/plain\n\nhi\n--{boundary}--\n')
    code, text = filtered.send(msg)
    assert (code, text) == (554, "5.7.1 I guess NIMDA.WORM!!!")


def test_other_boundary_passes(filtered):
    b = "====_ABC1234567890XYZ_===="
    msg = (f'From: a@sender.test\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="{b}"\n\n'
           f'--{b}\nContent-Type: text/plain\n\nhi\n--{b}--\n')
    assert filtered.send(msg)[0] == 250


def attachment_message(filename, payload, cte="base64", subject="files"):
    m = EmailMessage()
    m["From"] = "a@sender.test"
    m["To"] = "bob@example.test"
    m["Subject"] = subject
    m.set_content("see attached\n")
    if cte == "quoted-printable":
        m.add_attachment(payload, maintype="application", subtype="octet-stream", filename=filename,
                         cte="quoted-printable")
    else:
        m.add_attachment(payload, maintype="application", subtype="octet-stream", filename=filename)
    return m.as_bytes(policy=email_policy.SMTP.clone(linesep="\n")).replace(b"\r\n", b"\n")


def oracle_parts(raw):
    """[(decoded file name, decoded size)] per Python's email package."""
    msg = email.message_from_bytes(raw, policy=email_policy.default)
    return [(p.get_filename(), len(p.get_payload(decode=True) or b""))
            for p in msg.walk() if not p.is_multipart() and p.get_filename()]


def test_mp3_refused_any_size(filtered):
    raw = attachment_message("song.MP3", b"ID3" + b"\x00" * 5000)
    code, text = filtered.send(raw)
    assert (code, text) == (554, "5.7.1 mp3 disallowed")


def test_zero_length_doc_refused_nonzero_passes(filtered):
    assert filtered.send(attachment_message("report.doc", b""))[1] == "5.7.1 Zero-length corrupt viruses - ignore"
    assert filtered.send(attachment_message("report.doc", b"x"))[0] == 250


def test_happy99_exact_size(filtered):
    raw = attachment_message("Happy99.exe", bytes(range(256)) * 39 + b"0123456789abcdef")
    assert oracle_parts(raw) == [("Happy99.exe", 10000)]
    assert filtered.send(raw) == (554, "5.7.1 Happy99 Trojan virus")
    raw = attachment_message("Happy99.exe", b"A" * 9999)
    assert filtered.send(raw)[0] == 250


def test_viagra_subject_decoded(filtered):
    code, text = filtered.send(plain("=?iso-8859-1?Q?Cheap_VIAGRA_n=F6w?="))
    assert (code, text) == (554, "5.7.1 Spam Viagra")


def test_dumaru_mail_from(filtered):
    code, text = filtered.send(plain("hello"), sender="worm@mail.duma.gov.ru")
    assert (code, text) == (554, "5.7.1 Virus Dumaru")


def test_bat_x_mailer(filtered):
    assert filtered.send(plain("hi", extra="X-Mailer: The Bat! (v1.52f)\n")) == (554, "5.7.1 Spammailer sender")


def test_remote_ip_rule(root):
    root.set("filterrules", *seed_rules())
    f = Filtered(root, wrapper_env={"TCPREMOTEIP": "192.0.2.66"})
    assert f.send(plain("hello")) == (554, "5.7.1 Blocked IP from blocked")


@pytest.mark.parametrize("filename,cte", [
    ("plain.bin", "base64"),
    ("ünïcödé файл.bin", "base64"),                      # RFC 2231 with charset
    ("a" * 90 + ".bin", "base64"),                         # RFC 2231 continuations
    ("résumé.bin", "quoted-printable"),
])
def test_decoded_names_and_sizes_match_python_email(root, filename, cte):
    payload = bytes((i * 7 + 3) % 256 for i in range(3001)) + b"=\n\r.."
    raw = attachment_message(filename, payload, cte=cte)
    [(name, size)] = oracle_parts(raw)
    assert name == filename
    pattern = re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", name)
    root.set("filterrules", f"{pattern}\tSIZE={size + 1}\twrong size", f"{pattern}\tSIZE={size}\tright size")
    f = Filtered(root)
    assert f.send(raw) == (554, "5.7.1 right size")


def test_rfc2047_file_name(root):
    raw = (b'From: a@sender.test\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
           b'--b\nContent-Type: application/octet-stream;\n name="=?UTF-8?B?bG92ZS1sZXR0ZXIudmJz?="\n'
           b'Content-Transfer-Encoding: base64\n\nSGVsbG8=\n--b--\n')
    [(name, size)] = oracle_parts(raw)
    assert (name, size) == ("love-letter.vbs", 5)
    root.set("filterrules", ".*\\.vbs\tSIZE=5\tVBS attachment")
    assert Filtered(root).send(raw) == (554, "5.7.1 VBS attachment")


def test_log_line_names_rule_and_time(filtered):
    filtered.send(plain("ILOVEYOU"))
    filtered.send(plain("I LOVE YOU"))
    import time
    from conftest import wait_for
    wait_for(lambda: len(filtered.filter_log()) >= 2, timeout=10, what="two filter log lines")
    refused, passed = filtered.filter_log()[:2]
    assert "verdict=reject" in refused and "source=rule:1" in refused and re.search(r" ms=\d+", refused)
    assert "verdict=accept" in passed and "exit=0" in passed


def test_actions(root):
    root.set("filterrules",
             "tempme\tPolicy-Subject:\tcome back later\ttempfail",
             "dropme\tPolicy-Subject:\tdropped\tdiscard",
             "tagme\tPolicy-Subject:\tlooks odd\ttag",
             "warnme\tPolicy-Subject:\tjust saying\twarn",
             "bad line .*\tPolicy-Body:\tbody rule hit")
    f = Filtered(root)
    assert f.send(plain("tempme")) == (451, "4.7.1 come back later")
    assert f.send(plain("dropme"))[0] == 250 and f.queued() == []
    assert f.send(plain("tagme"))[0] == 250
    assert f.queued()[-1][0].startswith(b"X-Mailsuite-Rule: looks odd\n")
    assert f.send(plain("warnme"))[0] == 250
    assert not f.queued()[-1][0].startswith(b"X-Mailsuite-Rule")
    qp = plain("b", body="first\nbad =\nline here\n", extra="Content-Transfer-Encoding: quoted-printable\n")
    assert f.send(qp) == (554, "5.7.1 body rule hit")


def test_fd6_closed_gives_31_and_71(root):
    root.set("filterrules", "ILOVEYOU\tPolicy-Subject:\tvirus", "later\tPolicy-Subject:\twait\ttempfail")
    code, custom, err, _, _ = run_filter(root, b"Subject: ILOVEYOU\n\nx\n", fd6=False)
    assert code == 31, err
    code, custom, err, _, _ = run_filter(root, b"Subject: later\n\nx\n", fd6=False)
    assert code == 71, err
    code, custom, err, _, _ = run_filter(root, b"Subject: ILOVEYOU\n\nx\n", fd6=True)
    assert (code, custom) == (82, "D5.7.1 virus")


def test_chained_filter_reply_and_failures_reach_smtpd(root, tmp_path):
    """The hand-off goes through lib/queue_client: a next filter's own D/Z
    text is relayed on our fd 6 (31/71 without one), and a next program
    that takes part of the message and exits 0 is a temporary failure."""
    chained = tmp_path / "chained"
    chained.write_text('#!/bin/sh\ncat >/dev/null\nprintf "D5.7.1 chained says no" >&6\nexit 82\n')
    partial = tmp_path / "partial"
    partial.write_text("#!/bin/sh\nhead -c 100 >/dev/null\nexit 0\n")
    for p in (chained, partial):
        p.chmod(0o755)
    code, custom, err, _, _ = run_filter(root, b"Subject: hi\n\nx\n", next_program=str(chained))
    assert (code, custom) == (82, "D5.7.1 chained says no"), err
    code, custom, err, _, _ = run_filter(root, b"Subject: hi\n\nx\n", fd6=False, next_program=str(chained))
    assert code == 31, err
    big = b"Subject: big\n\n" + (b"y" * 999 + b"\n") * 2000
    code, custom, err, _, _ = run_filter(root, big, next_program=str(partial))
    assert code == 71 and "write error" in err, err


def test_broken_rules_tempfail(root):
    root.set("filterrules", "([unclosed\tPolicy-Subject:\tx")
    code, custom, err, _, _ = run_filter(root, b"Subject: hi\n\nx\n")
    assert code == 55 and "filterrules line 1" in err
