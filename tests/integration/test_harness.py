"""The harness itself works: a real tcpserver and the dnslib server."""
import socket
import subprocess

from conftest import run, free_port
from dnsserver import DnsServer


def test_tcpserver_runs_a_program(root):
    p = root.tcpserver(["/bin/sh", "-c", "echo hello $TCPREMOTEIP"])
    with socket.create_connection(("127.0.0.1", p.port), timeout=5) as s:
        data = s.makefile("rb").read()
    assert data == b"hello 127.0.0.1\n"


def test_dns_server_answers_and_faults():
    srv = DnsServer("127.0.0.53", free_port("127.0.0.53")).start()
    try:
        srv.add("example.test", "MX", "10 mx1.example.test.")
        srv.fault("broken.test", "SERVFAIL")
        out = run(["/usr/bin/python3", "-c", f"""
from dnslib import DNSRecord
q = DNSRecord.question('example.test', 'MX')
print(DNSRecord.parse(q.send('127.0.0.53', {srv.port}, timeout=2)).rr[0].rdata)
q = DNSRecord.question('broken.test', 'A')
print(DNSRecord.parse(q.send('127.0.0.53', {srv.port}, timeout=2)).header.rcode)
"""])
        assert out.stdout.decode().split() == ["10", "mx1.example.test.", "2"]
    finally:
        srv.stop()
