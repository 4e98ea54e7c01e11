"""Helpers for the QMQP tests (test_qmqp.py) and the QMQP benchmark: an
INDEPENDENT QMQP client written from the protocol description
(cr.yp.to/proto/qmqp.html, netstrings from cr.yp.to/proto/netstrings.txt),
sharing no code with mailsuite-qmqpc, and mailsuite-qmqpd under the real
tcpserver with a tcprules cdb."""
import socket
import subprocess

from conftest import prog


def netstring(data):
    """[len]":"[string]"," with len in decimal, no leading zeros."""
    return str(len(data)).encode("ascii") + b":" + data + b","


def qmqp_request(message, sender, recipients):
    """One netstring holding the message, the sender and each recipient,
    each itself a netstring."""
    body = netstring(message) + netstring(sender.encode()) + b"".join(
        netstring(r.encode()) for r in recipients)
    return netstring(body)


def read_reply(sock):
    """The server's one netstring: (letter, text), or None when the server
    closed without a complete reply (a temporary failure per the spec)."""
    buf = b""
    while True:
        if b":" in buf:
            digits, rest = buf.split(b":", 1)
            if not digits.isdigit():
                raise AssertionError(f"bad reply length {buf!r}")
            n = int(digits)
            if len(rest) >= n + 1:
                assert rest[n:n + 1] == b",", buf
                content = rest[:n]
                assert content[:1] in (b"K", b"Z", b"D"), content
                return content[:1].decode(), content[1:].decode("latin-1")
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        buf += chunk


def qmqp_exchange(port, raw, ip="127.0.0.1", timeout=30, shutdown=False):
    """Sends raw octets, returns the reply (or None)."""
    with socket.create_connection((ip, port), timeout=timeout) as s:
        try:
            s.sendall(raw)
            if shutdown:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_reply(s)


def qmqp_send(port, message, sender, recipients, **kw):
    return qmqp_exchange(port, qmqp_request(message, sender, recipients), **kw)


def compile_rules(path, text):
    """tcprules: text -> path (cdb)."""
    src = path.with_suffix(".txt")
    src.write_text(text)
    with open(src, "rb") as f:
        subprocess.run(["tcprules", str(path), str(path) + ".tmp"], stdin=f, check=True, timeout=30)
    return path


def start_qmqpd(root, env_extra=None, rules="127.0.0.1:allow\n:deny\n", name="qmqpd"):
    """mailsuite-qmqpd under ucspi-tcp's tcpserver, access by tcprules."""
    env = dict(root.env)
    env.update(env_extra or {})
    cdb = compile_rules(root.path / f"tcp.{name}.cdb", rules)
    return root.tcpserver([prog("mailsuite-qmqpd")], env=env, rules_cdb=cdb, log_name=f"{name}.log")
