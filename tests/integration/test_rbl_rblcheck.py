"""mailsuite-rblcheck: local rbldnsd-format datasets answer as the real
rbldnsd serving the same file does (rbldnsd on 127.0.0.70), the CKSUM
trailer agrees with cksum(1) and a corrupted file is refused, domain mode,
exit codes (a dnslib server on 127.0.0.72 for temporary failures)."""
import os
import re
import subprocess
import time

import pytest

from dnsserver import DnsServer
from rbl_harness import start_dns, stop_dns, RBLCHECK, RBLDNSD_IP, Rbldnsd, env_for

IP4SET = """# test ip4set
$1 see http://bl.test/
:127.0.0.2:Listed $ $1
127.0.0.2
127.0.0.3 :3:
127.0.0.4 :127.0.0.4:Own text for $
127.0.0.5 plain text $$ and $
10.0.0.0/8 :127.0.0.10:Net $
!10.1.2.3
10.1.2.0/24 :127.0.0.11:Inner net
192.168.0.0-192.168.3.255
172.16-31 :5:Suffix range
1.2.3.4-1.2.3.10
100.64/10
"""
IP4TRIE = """:127.0.0.2:Trie $
10.0.0.0/8
10.128.0.0/9 :3:Half
!10.200.0.0/16
192.0.2.0/25 :4:Small
"""
DNSET = """:127.0.1.2:Domain $ listed
example.com
.spam.test :127.0.1.3:All of spam.test: $
*.sub.test
!ok.spam.test
"""

ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "10.9.9.9",
             "10.1.2.3", "10.1.2.4", "192.168.2.200", "192.168.4.1", "172.20.1.1",
             "172.32.0.1", "1.2.3.3", "1.2.3.7", "1.2.3.11", "100.100.1.1", "100.128.0.1",
             "10.130.0.1", "10.200.1.1", "192.0.2.1", "192.0.2.200", "8.8.8.8"]
DOMAINS = ["example.com", "www.example.com", "spam.test", "a.b.spam.test", "ok.spam.test",
           "sub.test", "x.sub.test", "clean.test"]


@pytest.fixture(scope="module")
def zones(tmp_path_factory):
    base = tmp_path_factory.mktemp("rblcheck")
    server = Rbldnsd(base / "zones", {"set.test": ("ip4set", IP4SET),
                                      "trie.test": ("ip4trie", IP4TRIE),
                                      "dn.test": ("dnset", DNSET)})
    files = {}
    for name, text in (("ip4set", IP4SET), ("ip4trie", IP4TRIE), ("dnset", DNSET)):
        files[name] = base / f"{name}.txt"
        files[name].write_text(text)
    yield server, files
    server.stop()


def rblcheck(args, env=None):
    return subprocess.run([RBLCHECK] + args, capture_output=True, timeout=30,
                          env=env or env_for(RBLDNSD_IP))


def statuses(output, label):
    """{address: rest of line} for one source label."""
    out = {}
    for line in output.decode().splitlines():
        address, rest = line.split(" ", 1)
        source, result = rest.split(": ", 1)
        if source == label:
            out[address] = result
    return out


@pytest.mark.parametrize("kind,zone,subjects", [
    ("ip4set", "set.test", ADDRESSES),
    ("ip4trie", "trie.test", ADDRESSES),
    ("dnset", "dn.test", DOMAINS),
])
def test_local_dataset_answers_like_rbldnsd(zones, kind, zone, subjects):
    _, files = zones
    spec = f"{kind}:{files[kind]}"
    r = rblcheck(["-r", zone, "-d", spec] + subjects)
    assert r.returncode == 1, r.stderr
    dns, local = statuses(r.stdout, zone), statuses(r.stdout, spec)
    assert set(dns) == set(local) == set(subjects)
    assert dns == local
    assert any(v.startswith("listed") for v in local.values())
    assert any(v == "not listed" for v in local.values())


def test_ip4tset_and_not_applicable(tmp_path):
    f = tmp_path / "tset.txt"
    f.write_text(":127.0.0.2:Trivial $\n127.0.0.2\n10.0.0.0/8\n192.0.2.7 ignored value\n")
    r = rblcheck(["-d", f"ip4tset:{f}", "127.0.0.2", "10.1.1.1", "192.0.2.7", "::1"])
    lines = r.stdout.decode().splitlines()
    assert lines == [f"127.0.0.2 ip4tset:{f}: listed 127.0.0.2 \"Trivial 127.0.0.2\"",
                     f"10.1.1.1 ip4tset:{f}: not listed",
                     f"192.0.2.7 ip4tset:{f}: listed 127.0.0.2 \"Trivial 192.0.2.7\"",
                     f"::1 ip4tset:{f}: not applicable"]
    assert b"skipped 1 invalid line(s), first: 10.0.0.0/8" in r.stderr


def with_trailer(path, text):
    body = text.encode()
    ck = subprocess.run(["cksum"], input=body, capture_output=True, check=True).stdout.split()
    path.write_bytes(body + b"# CKSUM: " + ck[0] + b" " + ck[1] + b"\n")


def test_cksum_trailer_verified_and_corruption_refused(tmp_path):
    good = tmp_path / "good.txt"
    with_trailer(good, IP4SET)
    r = rblcheck(["-k", "-d", f"ip4set:{good}", "127.0.0.2"])
    assert r.returncode == 1 and b"listed 127.0.0.2" in r.stdout, r.stderr
    bad = tmp_path / "bad.txt"
    bad.write_bytes(good.read_bytes().replace(b"127.0.0.4 ", b"127.0.0.8 "))
    r = rblcheck(["-d", f"ip4set:{bad}", "127.0.0.2"])
    assert r.returncode == 111 and r.stdout == b""
    assert b"checksum mismatch" in r.stderr and b"refusing it" in r.stderr
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(good.read_bytes()[:-60])
    r = rblcheck(["-k", "-d", f"ip4set:{truncated}", "127.0.0.2"])
    assert r.returncode == 111 and b"no \"# CKSUM:\" last line" in r.stderr
    r = rblcheck(["-d", f"ip4set:{truncated}", "127.0.0.2"])   # without -k: accepted
    assert r.returncode == 1


def test_domain_mode_and_exit_codes(zones):
    r = rblcheck(["-r", "dn.test", "x.sub.test"])
    # rbldnsd's "$" is the listed entry (sub.test), not the name asked
    assert r.stdout == b'x.sub.test dn.test: listed 127.0.1.2 "Domain sub.test listed"\n'
    r = rblcheck(["-r", "dn.test", "-r", "set.test", "clean.test", "8.8.8.8"])
    assert r.returncode == 0
    r = rblcheck(["-r", "set.test:127.0.0.4-127.0.0.4", "127.0.0.2", "127.0.0.4"])
    assert r.stdout.decode().splitlines() == [
        "127.0.0.2 set.test: not listed",
        "127.0.0.4 set.test: listed 127.0.0.4 \"Own text for 127.0.0.4\""]
    r = rblcheck(["-a", "set.test", "127.0.0.3", "8.8.8.8"])
    assert r.returncode == 0
    assert r.stdout.decode().splitlines() == ["127.0.0.3 set.test: anti-listed 127.0.0.3",
                                              "8.8.8.8 set.test: not listed"]
    assert rblcheck(["127.0.0.2"]).returncode == 100
    assert rblcheck(["-d", "nosuchtype:/dev/null", "127.0.0.2"]).returncode == 111


def test_temporary_failure_exit_111():
    srv = DnsServer("127.0.0.72")
    srv.fault("2.0.0.127.fail.test", "SERVFAIL")
    srv.add("2.0.0.127.ok.test", "A", "127.0.0.2")
    start_dns(srv)
    try:
        env = env_for("127.0.0.72", MAILSUITE_DNS_TIMEOUT="1")
        r = rblcheck(["-r", "fail.test", "127.0.0.2"], env)
        assert (r.returncode, r.stdout) == (111, b"127.0.0.2 fail.test: temporary failure\n")
        r = rblcheck(["-r", "fail.test", "-r", "ok.test", "127.0.0.2"], env)
        assert r.returncode == 1   # a listing is an answer even when another zone failed
    finally:
        stop_dns(srv)


def test_failed_server_gives_up_at_once():
    """lib/dns: a server that answers SERVFAIL, or a port nobody listens on,
    is not asked again until the lookup's own timeout (djbdns would resend
    to it for about 11 s)."""
    srv = DnsServer("127.0.0.72")
    srv.fault("2.0.0.127.fail.test", "SERVFAIL")
    start_dns(srv)
    try:
        for server in ("127.0.0.72", "127.0.0.73"):   # .73: nobody listens
            env = env_for(server, MAILSUITE_DNS_TIMEOUT="30")
            started = time.monotonic()
            r = rblcheck(["-r", "fail.test", "127.0.0.2"], env)
            assert (r.returncode, r.stdout) == (111, b"127.0.0.2 fail.test: temporary failure\n")
            assert time.monotonic() - started < 10
    finally:
        stop_dns(srv)


def test_ipv6_address_in_dns_zone(zones):
    r = rblcheck(["-r", "set.test", "2001:db8::1", "::ffff:127.0.0.2"])
    assert r.stdout.decode().splitlines() == [
        "2001:db8::1 set.test: not listed",
        "::ffff:127.0.0.2 set.test: listed 127.0.0.2 \"Listed 127.0.0.2 see http://bl.test/\""]
