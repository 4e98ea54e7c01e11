"""mailsuite-remote's STARTTLS: opportunistic TLS with a Python ssl sink,
a sink that requires TLS, control/tlsdestinations (verified certificate
or deferral), the TLS result in the log line."""
import shutil

from conftest import free_port
from remote_fixtures import remote, rroot, sink_ip, start_sink  # noqa: F401 (fixtures)
from tls_remote_sink import TlsSink
from tls_support import make_cert

def tls_sink(rroot, **kw):
    # Routed to an address literal: no DNS needed, and the certificate is
    # checked against the address (an IP subjectAltName).
    ip = sink_ip(8)
    port = free_port(ip)
    pem, cert = make_cert(rroot.path / "sinkcert", cn="mx.tls.test", ip=ip)
    rroot.set("smtproutes", f"tls.test:[{ip}]:{port}")
    sink = start_sink(rroot, TlsSink(ip, port, pem, **kw))
    return sink, cert


def letters(report):
    return [l for l, _ in report]


def test_opportunistic_starttls_and_the_log_line(rroot):
    sink, _ = tls_sink(rroot)
    report, log, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report) == ["r", "K"], report
    assert sink.messages[0]["tls"] in ("TLSv1.3", "TLSv1.2")
    assert b"body" in sink.messages[0]["data"]
    assert "STARTTLS" in sink.sessions[0]
    assert sink.sessions[0].count("EHLO " + sink.sessions[0][0][5:]) == 2  # EHLO again inside TLS
    assert "tls=\"TLSv1.3 TLS_AES_256_GCM_SHA384 unverified\"" in log or "unverified" in log, log


def test_sink_that_requires_tls(rroot):
    sink, _ = tls_sink(rroot, require_tls=True)
    report, _, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report) == ["r", "K"], report
    assert sink.messages[0]["tls"] is not None


def test_plain_server_still_gets_mail_unless_tlsdestinations(rroot):
    sink, _ = tls_sink(rroot, offer_tls=False)
    report, log, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report) == ["r", "K"], report
    assert "tls=none" in log, log
    rroot.set("tlsdestinations", "tls.test")
    report, _, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report)[0] == "s" and letters(report)[-1] == "Z", report
    assert "does not offer STARTTLS" in report[0][1]
    assert len(sink.messages) == 1


def test_tlsdestinations_defers_unless_the_certificate_verifies(rroot):
    sink, cert = tls_sink(rroot)
    rroot.set("tlsdestinations", ".other.test", "tls.test")
    # A self-signed certificate not in the trust store: deferred, nothing sent.
    report, log, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report)[0] == "s" and letters(report)[-1] == "Z", report
    assert "does not verify" in report[0][1], report
    assert sink.messages == []
    # Trusted through control/tlsclientca.pem: delivered, logged as verified.
    shutil.copy(cert, rroot.control / "tlsclientca.pem")
    report, log, _ = remote(rroot, "tls.test", "s@src.test", ["u@tls.test"])
    assert letters(report) == ["r", "K"], report
    assert " verified" in log, log
    assert len(sink.messages) == 1
