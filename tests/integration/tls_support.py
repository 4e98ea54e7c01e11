"""Helpers for the TLS/AUTH integration tests: a self-signed certificate
for control/servercert.pem, a users database with a real home, smtpd
under tcpserver with mailsuite-checkpassword, and a raw SMTP client that
can switch to TLS mid-dialogue."""
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import tempfile

import pytest

from conftest import prog
from smtpd_support import Recorder, RawClient


def make_cert(directory, cn="localhost", ip=None):
    """Writes key+certificate PEM (servercert.pem format); returns (pem, cert)."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", f"/CN={cn}",
                    "-addext", f"subjectAltName=DNS:{cn}" + (f",IP:{ip}" if ip else "")],
                   check=True, capture_output=True, timeout=30)
    pem = directory / "server.pem"
    pem.write_bytes(key.read_bytes() + cert.read_bytes())
    return pem, cert


def install_cert(root):
    pem, cert = make_cert(root.path / "cert")
    shutil.copy(pem, root.control / "servercert.pem")
    return cert


class Users:
    """Users in a database written by mailsuite-users, each with a home
    directory the checker can chdir into (tmp_path may be unreachable for
    the user the checker switches to)."""

    def __init__(self, root, users):
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="tls-homes-"))
        os.chmod(self.base, 0o711)
        uid = gid = 65534 if os.getuid() == 0 else None
        for address, password in users.items():
            home = self.base / address
            home.mkdir()
            u = uid if uid is not None else os.getuid()
            g = gid if gid is not None else os.getgid()
            os.chown(home, u, g)
            r = subprocess.run([prog("mailsuite-users"), "add", "-s", "sha512", address,
                                str(u), str(g), str(home)], env=root.env,
                               input=(password + "\n").encode(), capture_output=True, timeout=30)
            assert r.returncode == 0, r.stderr

    def remove(self):
        shutil.rmtree(self.base, ignore_errors=True)


class TlsSmtpd:
    """mailsuite-smtpd with mailsuite-checkpassword under tcpserver."""

    def __init__(self, root, recorder, env_extra=None):
        env = dict(root.env)
        env["QMAILQUEUE"] = str(recorder.wrapper)
        env.setdefault("SMTPAUTH_FAILDELAY_MS", "300")
        env.update(env_extra or {})
        self.server = root.tcpserver([prog("mailsuite-smtpd"), prog("mailsuite-checkpassword")],
                                     env=env, log_name="smtpd.log")
        self.port = self.server.port

    def log(self):
        return self.server.log()


def client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class TlsRawClient(RawClient):
    """RawClient that can wrap its socket in TLS after STARTTLS."""

    def starttls(self):
        assert not self.buf, self.buf
        self.sock = client_context().wrap_socket(self.sock, server_hostname="localhost")


@pytest.fixture
def tls_root(root):
    root.set("rcpthosts", "example.test")
    install_cert(root)
    return root


@pytest.fixture
def users(root):
    u = Users(root, {"alice@example.test": "wonder land", "bob@example.test": "builder"})
    yield u
    u.remove()


@pytest.fixture
def recorder(root):
    return Recorder(root.path / "recorded")
