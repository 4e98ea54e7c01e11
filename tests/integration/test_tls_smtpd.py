"""STARTTLS and AUTH in mailsuite-smtpd under the real tcpserver, with
real clients (openssl s_client, swaks, Python ssl/smtplib) and the real
mailsuite-checkpassword over a mailsuite-users database."""
import base64
import smtplib
import socket
import subprocess
import time

from conftest import wait_for
from tls_support import (TlsRawClient, TlsSmtpd, client_context, recorder, tls_root,  # noqa: F401
                         users)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def ehlo_keywords(client):
    return [l[4:] for l in client.cmd("EHLO c.example").split("\n")[1:]]


def test_starttls_offered_only_with_a_certificate_and_before_tls(root, recorder):
    root.set("rcpthosts", "example.test")
    plain = TlsSmtpd(root, recorder)
    c = TlsRawClient(plain.port)
    kw = ehlo_keywords(c)
    assert "STARTTLS" not in kw
    assert c.cmd("STARTTLS").startswith("502 ")
    c.close()
    from tls_support import install_cert
    install_cert(root)
    c = TlsRawClient(plain.port)
    assert "STARTTLS" in ehlo_keywords(c)
    assert not any(k.startswith("AUTH") for k in ehlo_keywords(c)), "AUTH before TLS"
    assert c.cmd("STARTTLS extra").startswith("501 ")
    assert c.cmd("STARTTLS").startswith("220 ")
    c.starttls()
    kw = ehlo_keywords(c)
    assert "STARTTLS" not in kw
    assert "AUTH PLAIN LOGIN" in kw
    assert c.cmd("STARTTLS").startswith("503 ")
    assert c.cmd("QUIT").startswith("221 ")


def test_openssl_s_client_starttls_smtp(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect",
                        f"127.0.0.1:{server.port}", "-crlf", "-ign_eof"],
                       input=b"EHLO s-client.example\nQUIT\n", capture_output=True, timeout=30)
    out = r.stdout.decode(errors="replace")
    assert "BEGIN CERTIFICATE" in out
    assert "CN = localhost" in out
    assert "250 ENHANCEDSTATUSCODES" in out
    assert "221 2.0.0" in out
    assert "New, TLSv1.3" in out or "New, TLSv1.2" in out
    wait_for(lambda: "tls ip=127.0.0.1 result=ok" in server.log(), what="tls log line")


def test_tls_1_1_is_refused(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-tls1_1", "-connect",
                        f"127.0.0.1:{server.port}"], input=b"", capture_output=True, timeout=30)
    assert "Cipher is (NONE)" in r.stdout.decode(errors="replace") or r.returncode != 0
    wait_for(lambda: "result=failed" in server.log(), what="failed handshake logged")


def test_injected_commands_after_starttls_are_discarded(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    c = TlsRawClient(server.port)
    c.cmd("EHLO c.example")
    # CVE-2011-0411: commands pipelined in plaintext behind STARTTLS.
    c.send(b"STARTTLS\r\nRSET\r\nMAIL FROM:<evil@example.net>\r\n")
    assert c.reply().startswith("220 ")
    c.starttls()
    first = c.cmd("EHLO c.example")
    assert first.startswith("250-mail.example.test"), first  # not RSET's or MAIL's reply
    # The injected MAIL did not open a transaction inside TLS.
    assert c.cmd("RCPT TO:<u@example.test>").startswith("503 ")
    assert c.cmd("NOOP").startswith("250 ")
    c.sock.settimeout(0.5)
    try:
        extra = c.sock.recv(4096)
    except (socket.timeout, TimeoutError):
        extra = b""
    assert extra == b""


def test_session_is_reset_by_starttls(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    c = TlsRawClient(server.port)
    c.cmd("EHLO c.example")
    assert c.cmd("MAIL FROM:<a@example.net>").startswith("250 ")
    assert c.cmd("STARTTLS").startswith("220 ")
    c.starttls()
    assert c.cmd("MAIL FROM:<a@example.net>").startswith("503 "), "HELO state must be gone"
    c.cmd("EHLO c.example")
    assert c.cmd("RCPT TO:<u@example.test>").startswith("503 "), "transaction must be gone"


def test_client_that_aborts_the_handshake(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    c = TlsRawClient(server.port)
    c.cmd("EHLO c.example")
    assert c.cmd("STARTTLS").startswith("220 ")
    c.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # half a ClientHello
    c.sock.close()
    c2 = TlsRawClient(server.port)
    c2.cmd("EHLO c.example")
    assert c2.cmd("STARTTLS").startswith("220 ")
    c2.send(b"QUIT\r\n")  # plaintext where TLS is due: no plaintext answer
    assert c2.closed()
    assert "221" not in c2.buf.decode(errors="replace")
    wait_for(lambda: server.log().count("reason=\"tls handshake failed\"") == 2
             or server.log().count("reason=tls handshake failed") == 2, what="two failed sessions")


def swaks(port, *args):
    return subprocess.run(["swaks", "--server", f"127.0.0.1:{port}", "--ehlo", "c.example",
                           "--from", "alice@example.test", "--to", "friend@elsewhere.test",
                           "--timeout", "20", *args], capture_output=True, timeout=60)


def test_swaks_tls_auth_plain_and_login_may_relay(tls_root, recorder, users):
    server = TlsSmtpd(tls_root, recorder)
    for mech in ("PLAIN", "LOGIN"):
        r = swaks(server.port, "--tls", "--auth", mech, "--auth-user", "alice@example.test",
                  "--auth-password", "wonder land", "--header", f"Subject: {mech}")
        out = r.stdout.decode(errors="replace")
        assert r.returncode == 0, out
        assert "235 2.7.0" in out
    queued = recorder.queued()
    assert len(queued) == 2
    for msg, sender, rcpts in queued:
        assert rcpts == ["friend@elsewhere.test"]  # relayed: not in rcpthosts
        received = msg.split(b"\n\t", 2)[1].decode()
        assert "with ESMTPSA (TLSv1.3 " in received or "with ESMTPSA (TLSv1.2 " in received, received
    log = server.log()
    assert "auth ip=127.0.0.1 mechanism=PLAIN user=alice@example.test result=ok" in log
    assert "auth ip=127.0.0.1 mechanism=LOGIN user=alice@example.test result=ok" in log
    assert "wonder" not in log


def test_unauthenticated_tls_client_may_not_relay(tls_root, recorder):
    server = TlsSmtpd(tls_root, recorder)
    r = swaks(server.port, "--tls", "--quit-after", "RCPT")
    assert r.returncode != 0
    assert "553 5.7.1" in r.stdout.decode(errors="replace")


def test_bad_credentials_are_refused_after_the_delay(tls_root, recorder, users):
    server = TlsSmtpd(tls_root, recorder, {"SMTPAUTH_FAILDELAY_MS": "700"})
    c = TlsRawClient(server.port)
    c.cmd("EHLO c.example")
    c.cmd("STARTTLS")
    c.starttls()
    c.cmd("EHLO c.example")
    for response in (b64("\0alice@example.test\0wrong"), b64("\0nobody@example.test\0x")):
        start = time.monotonic()
        reply = c.cmd("AUTH PLAIN " + response)
        assert reply.startswith("535 5.7.8"), reply
        assert time.monotonic() - start >= 0.65
    assert c.cmd("AUTH PLAIN " + b64("bob@example.test\0alice@example.test\0wonder land")).startswith("535")
    assert c.cmd("AUTH PLAIN not-base64!").startswith("501 ")
    assert c.cmd("AUTH CRAM-MD5").startswith("504 ")
    assert c.cmd("AUTH LOGIN").startswith("334 VXNlcm5hbWU6")
    assert c.cmd("*").startswith("501 ")
    assert c.cmd("AUTH PLAIN").startswith("334")
    assert c.cmd(b64("\0bob@example.test\0builder")).startswith("235 ")
    assert c.cmd("AUTH PLAIN " + b64("\0bob@example.test\0builder")).startswith("503 ")
    log = server.log()
    assert "user=alice@example.test result=bad" in log
    assert "user=nobody@example.test result=bad" in log
    assert "user=bob@example.test result=ok" in log


def test_auth_not_offered_in_plaintext_unless_allowed(tls_root, recorder, users):
    server = TlsSmtpd(tls_root, recorder)
    c = TlsRawClient(server.port)
    assert not any(k.startswith("AUTH") for k in ehlo_keywords(c))
    assert c.cmd("AUTH PLAIN " + b64("\0bob@example.test\0builder")).startswith("538 5.7.11")
    tls_root.set("smtpauthplaintext", "1")
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="c.example", timeout=10) as s:
        s.ehlo()
        assert s.has_extn("auth")
        s.login("bob@example.test", "builder")
        s.sendmail("bob@example.test", ["x@elsewhere.test"], b"Subject: plain\r\n\r\nhi\r\n")
    msg = recorder.queued()[0][0].decode()
    assert "with ESMTPA;" in msg


def test_submission_requires_auth(tls_root, recorder, users):
    server = TlsSmtpd(tls_root, recorder, {"SMTPAUTH_REQUIRED": "1"})
    with smtplib.SMTP("127.0.0.1", server.port, local_hostname="c.example", timeout=10) as s:
        s.starttls(context=client_context())
        s.ehlo()
        code, text = s.mail("bob@example.test")
        assert code == 530 and text.startswith(b"5.7.0"), text
        s.login("bob@example.test", "builder")
        code, _ = s.docmd("MAIL FROM:<bob@example.test> AUTH=<>")
        assert code == 250
        assert s.rcpt("x@elsewhere.test")[0] == 250
        assert s.data(b"Subject: sub\r\n\r\nhi\r\n")[0] == 250
    assert recorder.queued()[0][1] == "bob@example.test"
