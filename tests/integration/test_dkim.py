"""DKIM end to end (issue 20 point 2): mailsuite-remote signs with the
keys of control/dkimkeys made by `mailsuite-dkim keygen`, a scripted SMTP
sink captures what it sends and dkimpy (an independent implementation)
verifies it; messages signed by dkimpy in several ways verify with our
`mailsuite-dkim verify` over the scripted DNS (dnsserver.py); tampered
messages fail in both."""
import base64
import os
import re
import stat
import subprocess

import dkim
import nacl.signing
import pytest

from conftest import ensure_account, prog
from remote_fixtures import dns, zone, rroot, start_sink, sink_ip, remote  # noqa: F401
from remote_sinks import SmtpSink

MESSAGE = (b"From: Alice Example <alice@src.test>\n"
           b"To: Bob <bob@ex.test>\n"
           b"Cc: carol@ex.test\n"
           b"Subject: DKIM test\n"
           b"Date: Sat, 05 Dec 2026 08:00:00 +0000\n"
           b"Message-ID: <dkim-1@src.test>\n"
           b"MIME-Version: 1.0\n"
           b"\n"
           b"Hello Bob,\n"
           b"\n"
           b"  indented  line with   spaces \t\n"
           b".a line with a leading dot\n"
           b"\xc3\xa9t\xc3\xa9\n"
           b"\n\n")



@pytest.fixture(autouse=True, scope="module")
def msremote_account():
    """The remote delivery account mailsuite-setup creates: keygen gives it
    the keys (root:msremote 0640) and remote becomes it.  A fresh machine
    (make fresh-check) has none until a test makes it."""
    ensure_account("msremote")


def keygen(root, domain, selector, kind):
    p = subprocess.run([prog("mailsuite-dkim"), "keygen", "-t", kind, domain, selector],
                       env=root.env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    line = p.stdout.decode().strip()
    assert line.startswith(f"{selector}._domainkey.{domain}. IN TXT \"v=DKIM1; k={kind}; p="), line
    strings = re.findall(r'"([^"]*)"', line)
    assert all(len(s) <= 255 for s in strings)
    return "".join(strings), line.split(" IN TXT ", 1)[1]


def mx(zone, domain, n):
    zone.add(domain, "MX", f"10 mx{n}.{domain}.")
    zone.add(f"mx{n}.{domain}", "A", sink_ip(n))


def dkimpy_dns(records):
    def lookup(name, timeout=5):
        return records.get(name.decode().rstrip(".").lower(), "").encode() or None
    return lookup


def ours(root, message):
    p = subprocess.run([prog("mailsuite-dkim"), "verify"], input=message, env=root.env,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode()


@pytest.mark.parametrize("kind", ["rsa", "ed25519"])
def test_remote_signs_and_dkimpy_verifies(rroot, zone, kind):
    txt, _ = keygen(rroot, "src.test", "sel1", kind)
    key = rroot.control / "dkim" / "src.test.sel1.pem"
    st = os.stat(key)
    assert stat.S_IMODE(st.st_mode) == 0o640
    rroot.set("dkimkeys", "other.test:x:dkim/none.pem", "src.test:sel1:dkim/src.test.sel1.pem")
    mx(zone, "ex.test", 1)
    sink = start_sink(rroot, SmtpSink(sink_ip(1)))
    # Started as root it becomes msremote, the group that can read the key.
    report, log, rc = remote(rroot, "ex.test", "alice@src.test", ["bob@ex.test"], MESSAGE, privileged=True)
    assert [l for l, _ in report] == ["r", "K"], (report, log)
    assert "dkim result=signed d=src.test s=sel1" in log
    sent = sink.messages[0]["data"]
    assert f" SIZE={len(sent)}" in sink.messages[0]["mail"]  # the signature is counted in SIZE=
    assert sent.startswith(b"DKIM-Signature: v=1; a=" + (b"rsa" if kind == "rsa" else b"ed25519") + b"-sha256; "
                           b"c=relaxed/relaxed;")
    assert b"h=from:from:subject:subject:date:date:to:to:cc:cc;" in sent
    records = {"sel1._domainkey.src.test": txt}
    assert dkim.verify(sent, dnsfunc=dkimpy_dns(records))
    # Ours agrees, over real DNS.
    zone.add("sel1._domainkey.src.test", "TXT", " ".join(f'"{txt[i:i + 255]}"' for i in range(0, len(txt), 255)))
    rc, out = ours(rroot, sent)
    assert rc == 0 and out.startswith("d=src.test s=sel1 pass"), out
    # Tampering is noticed by both: body, signed header, added From.
    for bad in (sent.replace(b"Hello Bob", b"Hello Rob"),
                sent.replace(b"Subject: DKIM test", b"Subject: DKIM  test!"),
                sent.replace(b"To: Bob", b"From: mallory@evil.test\r\nTo: Bob")):
        assert not dkim.verify(bad, dnsfunc=dkimpy_dns(records))
        rc, out = ours(rroot, bad)
        assert rc == 1 and " fail " in out, out


def test_star_entry_signs_with_the_from_domain(rroot, zone):
    txt, _ = keygen(rroot, "any.test", "all", "ed25519")
    rroot.set("dkimkeys", "*:all:dkim/any.test.all.pem")
    mx(zone, "ex.test", 2)
    sink = start_sink(rroot, SmtpSink(sink_ip(2)))
    msg = MESSAGE.replace(b"alice@src.test>", b"alice@Sub.Example.test>")
    # From a file (seekable, as a queue file is): read once to sign, again to send.
    path = rroot.path / "message"
    path.write_bytes(msg)
    with open(path, "rb") as f:
        report, log, rc = remote(rroot, "ex.test", "bounce@elsewhere.test", ["bob@ex.test"], stdin=f,
                                 privileged=True)
    assert [l for l, _ in report] == ["r", "K"], (report, log)
    sent = sink.messages[0]["data"]
    assert b"d=sub.example.test; s=all;" in sent
    assert dkim.verify(sent, dnsfunc=dkimpy_dns({"all._domainkey.sub.example.test": txt}))


def test_unusable_key_sends_unsigned_and_logs(rroot, zone):
    keygen(rroot, "src.test", "sel1", "ed25519")
    # Run as nobody (not in group msremote): the key is unreadable.
    rroot.set("dkimkeys", "src.test:sel1:dkim/src.test.sel1.pem")
    mx(zone, "ex.test", 3)
    sink = start_sink(rroot, SmtpSink(sink_ip(3)))
    report, log, rc = remote(rroot, "ex.test", "alice@src.test", ["bob@ex.test"], MESSAGE)
    assert [l for l, _ in report] == ["r", "K"], (report, log)
    assert "dkim result=unsigned domain=src.test" in log and "Permission denied" in log, log
    assert not sink.messages[0]["data"].startswith(b"DKIM-Signature")
    # A file that is not a key: the same.
    (rroot.control / "dkim" / "junk.pem").write_text("not a key\n")
    os.chmod(rroot.control / "dkim" / "junk.pem", 0o644)
    rroot.set("dkimkeys", "src.test:sel1:dkim/junk.pem")
    report, log, rc = remote(rroot, "ex.test", "alice@src.test", ["bob@ex.test"], MESSAGE)
    assert "dkim result=unsigned" in log and "not a PEM private key" in log, log
    # No entry for the domain: unsigned, nothing logged.
    rroot.set("dkimkeys", "other.test:sel1:dkim/junk.pem")
    report, log, rc = remote(rroot, "ex.test", "alice@src.test", ["bob@ex.test"], MESSAGE)
    assert "dkim" not in log
    assert len(sink.messages) == 3 and not any(m["data"].startswith(b"DKIM") for m in sink.messages)


def _crlf(message):
    return message.replace(b"\n", b"\r\n")


def test_dkimpy_signed_messages_verify_with_ours(rroot, zone, tmp_path):
    rsa_pem_path = tmp_path / "rsa.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", str(rsa_pem_path)], check=True, capture_output=True, timeout=120)
    rsa_pem = rsa_pem_path.read_bytes()
    pub_der = subprocess.run(["openssl", "pkey", "-in", str(rsa_pem_path), "-pubout", "-outform", "DER"],
                             check=True, capture_output=True, timeout=30).stdout
    rsa_p = base64.b64encode(pub_der).decode()
    seed = bytes(range(32))
    ed_priv = base64.b64encode(seed)
    ed_p = base64.b64encode(bytes(nacl.signing.SigningKey(seed).verify_key)).decode()
    rsa_txt = f"v=DKIM1; k=rsa; p={rsa_p}"
    zone.add("r1._domainkey.src.test", "TXT", " ".join(f'"{rsa_txt[i:i + 255]}"' for i in range(0, len(rsa_txt), 255)))
    zone.add("e1._domainkey.src.test", "TXT", f'"v=DKIM1; k=ed25519; p={ed_p}"')
    message = _crlf(MESSAGE)
    header_sets = [None,
                   [b"from", b"to", b"subject"],
                   [b"From", b"Subject", b"Date", b"Message-ID", b"MIME-Version", b"X-Absent"],
                   [b"from"] + list(dkim.DKIM.SHOULD)]
    checked = 0
    for selector, algorithm, key in ((b"r1", b"rsa-sha256", rsa_pem), (b"e1", b"ed25519-sha256", ed_priv)):
        for canon in ((b"simple", b"simple"), (b"simple", b"relaxed"), (b"relaxed", b"simple"),
                      (b"relaxed", b"relaxed")):
            for headers in header_sets:
                sig = dkim.sign(message, selector, b"src.test", key, canonicalize=canon,
                                signature_algorithm=algorithm, include_headers=headers)
                rc, out = ours(rroot, sig + message)
                assert rc == 0, (selector, canon, headers, out)
                assert out.startswith(f"d=src.test s={selector.decode()} pass"), out
                rc, out = ours(rroot, sig + message.replace(b"spaces", b"space"))
                assert rc == 1 and "body hash mismatch" in out, out
                checked += 1
    assert checked == 32
    # LF line ends (a stored message) verify the same as CRLF.
    sig = dkim.sign(message, b"e1", b"src.test", ed_priv, signature_algorithm=b"ed25519-sha256")
    rc, out = ours(rroot, (sig + message).replace(b"\r\n", b"\n"))
    assert rc == 0, out
    # dkimpy's l= (length) signing: appended text makes ours say neutral.
    sig = dkim.sign(message, b"e1", b"src.test", ed_priv, signature_algorithm=b"ed25519-sha256", length=True)
    rc, out = ours(rroot, sig + message)
    assert rc == 0 and " pass " in out, out
    rc, out = ours(rroot, sig + message + b"Unsigned appendix\r\n")
    assert rc == 1 and " neutral " in out and "unsigned" in out, out


def test_verify_exit_codes_and_dns_failures(rroot, zone):
    seed = bytes(range(1, 33))
    sig = dkim.sign(_crlf(MESSAGE), b"gone", b"src.test", base64.b64encode(seed),
                    signature_algorithm=b"ed25519-sha256")
    rc, out = ours(rroot, sig + _crlf(MESSAGE))
    assert rc == 1 and "d=src.test s=gone permerror (no key at gone._domainkey.src.test)" in out, out
    zone.fault("gone._domainkey.src.test", "SERVFAIL")
    rc, out = ours(rroot, sig + _crlf(MESSAGE))
    assert rc == 111 and " temperror " in out, out
    rc, out = ours(rroot, _crlf(MESSAGE))
    assert rc == 1 and out == "no DKIM signature\n"
    p = subprocess.run([prog("mailsuite-dkim"), "verify", "extra"], env=rroot.env, capture_output=True, timeout=30)
    assert p.returncode == 100


def test_keygen_refuses_to_overwrite_and_checks_arguments(rroot):
    keygen(rroot, "src.test", "k1", "rsa")
    before = (rroot.control / "dkim" / "src.test.k1.pem").read_bytes()
    for argv in (["keygen", "src.test", "k1"], ["keygen", "-t", "dsa", "src.test", "k2"],
                 ["keygen", "-b", "512", "src.test", "k2"], ["keygen", "../evil", "k2"], ["keygen", "src.test"]):
        p = subprocess.run([prog("mailsuite-dkim")] + argv, env=rroot.env, capture_output=True, timeout=60)
        assert p.returncode == 100, argv
    assert (rroot.control / "dkim" / "src.test.k1.pem").read_bytes() == before
    assert sorted(os.listdir(rroot.control / "dkim")) == ["src.test.k1.pem"]


def _check_lines(root):
    p = subprocess.run([prog("mailsuite-check"), "--root", str(root.path), "--smtp", "127.0.0.1:1"],
                       env=root.env, capture_output=True, timeout=60)
    return [l for l in p.stdout.decode().splitlines() if " dkim " in l or l.split(" ", 1)[-1].startswith("dkim")]


def test_mailsuite_check_reports_unreadable_and_mismatching_keys(rroot, zone):
    txt, zone_text = keygen(rroot, "src.test", "good", "rsa")
    keygen(rroot, "src.test", "other", "ed25519")
    keygen(rroot, "src.test", "locked", "ed25519")
    os.chmod(rroot.control / "dkim" / "src.test.locked.pem", 0o600)
    zone.add("good._domainkey.src.test", "TXT", zone_text)
    zone.add("other._domainkey.src.test", "TXT", '"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="')
    rroot.set("dkimkeys", "src.test:good:dkim/src.test.good.pem", "src.test:other:dkim/src.test.other.pem",
              "src.test:locked:dkim/src.test.locked.pem", "src.test:unpublished:dkim/src.test.good.pem",
              "*:good:dkim/src.test.good.pem")
    lines = _check_lines(rroot)
    assert len(lines) == 5, lines
    assert lines[0].startswith("ok   dkim src.test good: key readable, good._domainkey.src.test matches"), lines
    assert lines[1].startswith("FAIL dkim src.test other: the record at other._domainkey.src.test does not match")
    assert lines[2].startswith("FAIL dkim src.test locked:") and "not readable by msremote" in lines[2]
    assert lines[3].startswith("FAIL dkim src.test unpublished: no DKIM record published")
    assert lines[4].startswith("ok   dkim * good:")
    rroot.unset("dkimkeys")
    assert _check_lines(rroot) == []
