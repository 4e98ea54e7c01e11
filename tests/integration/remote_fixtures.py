"""Fixtures for mailsuite-remote's integration tests.

The DNS server listens on 127.0.0.60 port 53 (remote's own address, see
the brief); SMTP sinks on 127.0.0.61-69 port 25 (MX delivery always uses
port 25) or on free ports through smtproutes.  mailsuite-remote never runs
as root: under a root test run it is started as `nobody` (the "invoking
user" case), so the instance lives in a world-readable directory.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import Root, prog
from dnsserver import DnsServer

DNS_IP = "127.0.0.60"


def sink_ip(n):
    """127.0.0.61 .. 127.0.0.69."""
    assert 1 <= n <= 9
    return f"127.0.0.6{n}"


@pytest.fixture(scope="module")
def dns():
    srv = DnsServer(DNS_IP).start()
    yield srv
    srv.stop()


@pytest.fixture
def zone(dns):
    """The module's DNS server with an empty zone for this test."""
    dns.records.clear()
    dns.faults.clear()
    dns.delays.clear()
    dns.queries.clear()
    return dns


@pytest.fixture
def rroot():
    path = tempfile.mkdtemp(prefix="ms-remote-")
    os.chmod(path, 0o755)
    r = Root(os.path.join(path, "root"))
    os.chmod(r.path, 0o755)
    os.chmod(r.control, 0o755)
    r.env["DNSCACHEIP"] = DNS_IP
    r.set("timeoutconnect", "2")
    r.set("timeoutremote", "10")
    sinks = []
    r.sinks = sinks
    yield r
    for s in sinks:
        s.stop()
    r.stop_all()
    shutil.rmtree(path, ignore_errors=True)


def start_sink(root, sink):
    sink.start()
    root.sinks.append(sink)
    return sink


def as_unprivileged():
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def parse_report(out):
    """[(letter, text), ...] from qmail-remote's format."""
    assert out.endswith(b"\0"), out
    return [(f[:1].decode(), f[1:].decode("utf-8", "replace")) for f in out[:-1].split(b"\0")]


def remote(root, host, sender, recipients, message=b"Subject: t\n\nbody\n", stdin=None,
           timeout=60, privileged=False):
    """Runs mailsuite-remote; returns (report, stderr text, exit code)."""
    argv = ([] if privileged else as_unprivileged()) + [prog("mailsuite-remote"), host, sender] + list(recipients)
    kw = {"stdin": stdin} if stdin is not None else {"input": message}
    p = subprocess.run(argv, env=root.env, capture_output=True, timeout=timeout, **kw)
    return parse_report(p.stdout), p.stderr.decode(errors="replace"), p.returncode
