"""CNAMEs answered alone (issue 20, a known limit removed): an
authoritative server answers `name CNAME target` without the target's
records; lib/dns_lookup's ChaseCnames then asks for the target.  Our
`mailsuite-spf` and `mailsuite-dkim verify` ask a scripted server that
answers that way (127.0.0.53); pyspf and dkimpy (dnspython, which does not
ask again) ask a second server over the same zone that answers as a
recursive resolver does, with the chain and the target's records
(127.0.0.54, dnsserver.py chase_cnames=True).  Both must agree, and the
first server's query log shows that ours asked for every target.

Cases: the SPF record's own domain, an include: target and an a: target
behind CNAMEs; SPF's limits with CNAMEs (a chase is one lookup; a chase
ending in NXDOMAIN or no records is one void lookup); a CNAME loop
(temperror, as a recursive resolver's SERVFAIL); a DKIM selector that is
a CNAME to a provider's key, and one whose target does not exist."""
import base64
import os
import subprocess

import dkim
import nacl.signing
import pytest

from conftest import prog
from dnsserver import DnsServer

AUTHORITATIVE_IP = "127.0.0.53"
RECURSIVE_IP = "127.0.0.54"
SPF_CODES = {0: "pass", 1: "fail", 2: "softfail", 3: "neutral", 4: "none", 5: "permerror", 6: "temperror"}

MESSAGE = (b"From: Alice <alice@src.test>\r\n"
           b"To: Bob <bob@ex.test>\r\n"
           b"Subject: key behind a CNAME\r\n"
           b"Date: Sat, 05 Dec 2026 08:00:00 +0000\r\n"
           b"Message-ID: <cname-1@src.test>\r\n"
           b"\r\n"
           b"Hello Bob.\r\n")


class Zone:
    """One zone served by both servers."""

    def __init__(self):
        self.authoritative = DnsServer(AUTHORITATIVE_IP)
        self.recursive = DnsServer(RECURSIVE_IP, chase_cnames=True)

    def add(self, name, rtype, text):
        self.authoritative.add(name, rtype, text)
        self.recursive.add(name, rtype, text)

    def asked(self, name):
        return any(q == name for q, _ in self.authoritative.queries)


@pytest.fixture(scope="module")
def zone():
    z = Zone()
    spf = [
        # the record's own domain, an a: target and an include: target behind CNAMEs
        ("d1.test", "CNAME", "spf.provider.test."),
        ("spf.provider.test", "TXT", '"v=spf1 a:host.d1.test include:inc.d1.test -all"'),
        ("host.d1.test", "CNAME", "web.hosting.test."),
        ("web.hosting.test", "A", "192.0.2.10"),
        ("inc.d1.test", "CNAME", "_spf.provider2.test."),
        ("_spf.provider2.test", "TXT", '"v=spf1 ip4:198.51.100.0/24 -all"'),
        # two void lookups through CNAMEs: allowed; three: permerror
        ("d2.test", "TXT", '"v=spf1 a:v1.d2.test a:v2.d2.test ip4:192.0.2.10 -all"'),
        ("d3.test", "TXT", '"v=spf1 a:v1.d2.test a:v2.d2.test a:v3.d2.test ip4:192.0.2.10 -all"'),
        ("v1.d2.test", "CNAME", "gone.test."),           # NXDOMAIN at the end
        ("v2.d2.test", "CNAME", "nodata.test."),         # no A at the end
        ("v3.d2.test", "CNAME", "v1.d2.test."),          # two hops, then NXDOMAIN
        ("nodata.test", "TXT", '"not an address"'),
        # ten a: terms, each a CNAME: ten lookups, not twenty
        ("d4.test", "TXT", '"v=spf1 ' + " ".join(f"a:a{k}.d4.test" for k in range(10)) + ' -all"'),
        # a loop behind an a: term and at the top
        ("d5.test", "TXT", '"v=spf1 a:loop1.test -all"'),
        ("loop1.test", "CNAME", "loop2.test."),
        ("loop2.test", "CNAME", "loop1.test."),
        ("d6.test", "CNAME", "loop1.test."),
    ]
    spf += [(f"a{k}.d4.test", "CNAME", f"h{k}.hosting.test.") for k in range(10)]
    spf += [(f"h{k}.hosting.test", "A", f"203.0.113.{k + 1}") for k in range(10)]
    for name, rtype, text in spf:
        z.add(name, rtype, text)
    z.authoritative.start()
    z.recursive.start()
    yield z
    z.authoritative.stop()
    z.recursive.stop()


@pytest.fixture
def resolver_for_python():
    """dnspython (pyspf's and dkimpy's DNS) pointed at the recursive server."""
    import dns.resolver
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [RECURSIVE_IP]
    resolver.lifetime = resolver.timeout = 5
    saved = dns.resolver.default_resolver
    dns.resolver.default_resolver = resolver
    yield
    dns.resolver.default_resolver = saved


def env():
    return dict(os.environ, DNSCACHEIP=AUTHORITATIVE_IP)


def ours_spf(ip, sender):
    r = subprocess.run([prog("mailsuite-spf"), "-r", "mx.receiver.test", ip, sender, "helo.example"],
                       env=env(), capture_output=True, timeout=60)
    assert r.stdout.decode().split("\n")[0] == "result=" + SPF_CODES.get(r.returncode, "?"), r
    return SPF_CODES[r.returncode], r.stdout.decode()


@pytest.mark.parametrize("ip,sender,expected", [
    ("192.0.2.10", "joe@d1.test", "pass"),        # d1 -> spf.provider, a:host.d1 -> web.hosting
    ("198.51.100.5", "joe@d1.test", "pass"),      # include:inc.d1 -> _spf.provider2
    ("203.0.113.200", "joe@d1.test", "fail"),
    ("192.0.2.10", "joe@d2.test", "pass"),        # two void lookups behind CNAMEs
    ("192.0.2.10", "joe@d3.test", "permerror"),   # the third void lookup
    ("203.0.113.10", "joe@d4.test", "pass"),      # the tenth a: term, through its CNAME
    ("192.0.2.99", "joe@d4.test", "fail"),        # ten lookups are allowed
    ("192.0.2.10", "joe@d5.test", "temperror"),   # a CNAME loop behind a:
    ("192.0.2.10", "joe@d6.test", "temperror"),   # a CNAME loop at the top
])
def test_spf_follows_cnames_answered_alone(zone, resolver_for_python, ip, sender, expected):
    import spf
    assert spf.DNSLookup is spf.DNSLookup_dnspython
    result, out = ours_spf(ip, sender)
    theirs, _ = spf.check2(i=ip, s=sender, h="helo.example", receiver="mx.receiver.test", querytime=20)
    assert (result, theirs) == (expected, expected), out


def test_spf_asked_for_every_target_and_counted_chases_once(zone):
    zone.authoritative.queries.clear()
    result, out = ours_spf("192.0.2.10", "joe@d1.test")
    assert result == "pass", out
    for name in ("d1.test", "spf.provider.test", "host.d1.test", "web.hosting.test"):
        assert zone.asked(name), (name, zone.authoritative.queries)
    zone.authoritative.queries.clear()
    result, out = ours_spf("192.0.2.99", "joe@d4.test")
    assert result == "fail", out
    assert sum(q.startswith("h") and q.endswith(".hosting.test") for q, _ in zone.authoritative.queries) >= 10
    zone.authoritative.queries.clear()
    result, out = ours_spf("192.0.2.10", "joe@d5.test")
    assert result == "temperror" and "CNAME loop" in out, out


@pytest.fixture(scope="module")
def dkim_key(zone):
    seed = bytes(range(7, 39))
    public = base64.b64encode(bytes(nacl.signing.SigningKey(seed).verify_key)).decode()
    zone.add("s1._domainkey.src.test", "CNAME", "s1.keys.provider.test.")
    zone.add("s1.keys.provider.test", "TXT", f'"v=DKIM1; k=ed25519; p={public}"')
    zone.add("s2._domainkey.src.test", "CNAME", "missing.keys.provider.test.")
    zone.add("s3._domainkey.src.test", "CNAME", "loop1.test.")
    return base64.b64encode(seed)


def ours_dkim(message):
    p = subprocess.run([prog("mailsuite-dkim"), "verify"], input=message, env=env(),
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode()


def test_dkim_key_behind_a_cname(zone, dkim_key, resolver_for_python):
    signed = dkim.sign(MESSAGE, b"s1", b"src.test", dkim_key, signature_algorithm=b"ed25519-sha256") + MESSAGE
    zone.authoritative.queries.clear()
    rc, out = ours_dkim(signed)
    assert rc == 0 and out.startswith("d=src.test s=s1 pass"), out
    assert zone.asked("s1.keys.provider.test")
    assert dkim.verify(signed)  # dkimpy over the recursive server
    rc, out = ours_dkim(signed.replace(b"Hello", b"Hallo"))
    assert rc == 1 and "body hash mismatch" in out, out
    assert not dkim.verify(signed.replace(b"Hello", b"Hallo"))


def test_dkim_selector_cname_to_nothing_or_a_loop(zone, dkim_key, resolver_for_python):
    signed = dkim.sign(MESSAGE, b"s2", b"src.test", dkim_key, signature_algorithm=b"ed25519-sha256") + MESSAGE
    rc, out = ours_dkim(signed)
    assert rc == 1 and "s=s2 permerror (no key at s2._domainkey.src.test)" in out, out
    assert not dkim.verify(signed)
    signed = dkim.sign(MESSAGE, b"s3", b"src.test", dkim_key, signature_algorithm=b"ed25519-sha256") + MESSAGE
    rc, out = ours_dkim(signed)
    assert rc == 111 and " temperror " in out and "CNAME loop" in out, out
    assert not dkim.verify(signed)
