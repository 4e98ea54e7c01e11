"""STLS (RFC 2595) in mailsuite-pop3d under the real tcpserver, with the
real mailsuite-checkpassword: openssl s_client -starttls pop3, poplib,
pipelining through the TLS relay, the injection case."""
import poplib
import socket
import ssl
import subprocess

from conftest import wait_for
from pop3d_support import RawClient, deliver, pop3  # noqa: F401 (fixture)
from tls_support import client_context, install_cert

USERS = {"alice@example.test": "pw"}


def tls_client(port):
    c = RawClient(port)
    c.send("STLS\r\n")
    assert c.line() == b"+OK begin TLS negotiation\r\n"
    c.file.close()
    c.sock = client_context().wrap_socket(c.sock, server_hostname="localhost")
    c.file = c.sock.makefile("rb")
    return c


def capa(c):
    c.send("CAPA\r\n")
    assert c.line().startswith(b"+OK")
    return c.multiline()


def test_capa_shows_stls_only_with_a_certificate_and_before_tls(root, pop3):
    server = pop3(USERS)
    c = RawClient(server.port)
    assert b"STLS\r\n" not in capa(c)
    c.send("STLS\r\n")
    assert c.line().startswith(b"-ERR")
    c.close()
    install_cert(root)
    c = RawClient(server.port)
    assert b"STLS\r\n" in capa(c)
    c.close()
    c = tls_client(server.port)
    assert b"STLS\r\n" not in capa(c)
    c.send("STLS\r\n")
    assert c.line().startswith(b"-ERR")
    c.close()


def test_openssl_s_client_starttls_pop3(root, pop3):
    install_cert(root)
    server = pop3(USERS)
    deliver(server.maildir("alice@example.test"), "Subject: hello\n\nbody\n")
    r = subprocess.run(["openssl", "s_client", "-starttls", "pop3", "-connect",
                        f"127.0.0.1:{server.port}", "-crlf", "-ign_eof"],
                       input=b"USER alice@example.test\nPASS pw\nSTAT\nQUIT\n",
                       capture_output=True, timeout=30)
    out = r.stdout.decode(errors="replace")
    assert "New, TLSv1.3" in out or "New, TLSv1.2" in out, out
    assert "+OK 1 " in out, out  # STAT inside TLS, from the post-login process
    wait_for(lambda: "result=ok version=TLSv" in server.log(), what="tls log line")


def test_poplib_stls_login_retr_and_pipelining(root, pop3):
    install_cert(root)
    server = pop3(USERS)
    md = server.maildir("alice@example.test")
    deliver(md, "Subject: a\n\n" + ("x" * 70 + "\n") * 5000, when=1000)
    deliver(md, "Subject: b\n\nB\n", when=2000)
    p = poplib.POP3("127.0.0.1", server.port, timeout=10)
    p.stls(context=client_context())
    with_wrong = None
    try:
        p.user("alice@example.test")
        p.pass_("wrong")
    except poplib.error_proto as e:
        with_wrong = e
    assert with_wrong is not None
    p.user("alice@example.test")
    p.pass_("pw")
    assert p.stat()[0] == 2
    resp, lines, _ = p.retr(1)
    assert lines[2:] == [b"x" * 70] * 5000  # 355 kB through the relay
    p.quit()
    # Everything in one TLS write: the commands after PASS reach the
    # post-login process through the relay.
    c = tls_client(server.port)
    c.send("USER alice@example.test\r\nPASS pw\r\nSTAT\r\nQUIT\r\n")
    assert c.line() == b"+OK send PASS\r\n"
    assert c.line().startswith(b"+OK")
    assert c.line().startswith(b"+OK 2 ")
    assert c.line() == b"+OK bye\r\n"
    assert c.closed()


def test_commands_injected_before_the_handshake_are_never_run(root, pop3):
    install_cert(root)
    server = pop3(USERS)
    c = RawClient(server.port)
    c.send("STLS\r\nUSER alice@example.test\r\n")
    assert c.line() == b"+OK begin TLS negotiation\r\n"
    c.file.close()
    try:
        c.sock = client_context().wrap_socket(c.sock, server_hostname="localhost")
    except (ssl.SSLError, ConnectionError, OSError):
        return  # the handshake failed on the plaintext bytes: nothing ran
    c.file = c.sock.makefile("rb")
    c.send("PASS pw\r\n")
    assert c.line().startswith(b"-ERR"), "USER injected before TLS was taken"


def test_client_that_aborts_the_handshake(root, pop3):
    install_cert(root)
    server = pop3(USERS)
    c = RawClient(server.port)
    c.send("STLS\r\n")
    assert c.line().startswith(b"+OK")
    c.send(b"\x16\x03\x01\x02\x00\x01\x00")
    c.sock.shutdown(socket.SHUT_WR)
    assert c.closed()
    wait_for(lambda: "result=failed" in server.log(), what="failed handshake logged")
