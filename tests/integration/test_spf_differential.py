"""Differential test of our SPF (lib/spf through mailsuite-spf) against
pyspf (python3-spf, an independent RFC 7208 implementation), issue 20
point 1.  A seeded generator writes records covering every mechanism
(all include a mx ptr ip4 ip6 exists), both modifiers, every macro letter
with transformers and delimiters (c, r and t in the exp= text every
exp= points to), dual CIDR lengths, IPv4 and IPv6
clients, the HELO identity, broken records, the lookup and void limits,
MX and include faults; one scripted DNS server (dnslib, tests/
integration/dnsserver.py) answers both implementations.  Every
(record, client) pair is evaluated by both and EVERY mismatch is a
failure.  The counts go to stdout (pytest -s) and
build/spf-differential.txt.

CNAMEs: our DNS server answers a CNAME alone, as an authoritative server
does (ours must ask again for the target, lib/dns_lookup ChaseCnames);
dnspython, under pyspf, does not ask again, so pyspf asks a second server
over the same zone that adds the chain as a recursive resolver does
(dnsserver.py chase_cnames=True, SERVFAIL for a loop).  CNAME_RECORDS more
records, from their own seed so the others stay as they were, use CNAMEs
for the record's own domain and for a, mx, include and exists targets,
two-hop chains, chains ending in NXDOMAIN or no records (void lookups)
and a loop.

pyspf's known deviations from RFC 7208 (read in its source, spf.py
2.0.14) and how this test handles them, without skipping any pair:
- it counts redirect= against the 10-lookup limit when it parses the
  record, not when it follows it (RFC 7208 6.1/4.6.4 count it only when
  used): the generator keeps records with redirect= well under the limit
  (at most 4 lookup terms), so neither count reaches 10; our behaviour
  at the limit is pinned by the unit tests.
- it expands every domain-spec, %{p} included, when it parses the record,
  before any mechanism: a %{p} term is always the record's first term and
  such records have no other void lookups, so the lookups are the same.
- a ptr or %{p} whose PTR lookup fails (SERVFAIL) is temperror in pyspf,
  "no match" in RFC 7208 5.5: no fault is put on PTR names here; the unit
  tests pin our RFC behaviour.
- delimiters other than "." on letters other than s and l rejoin with
  the delimiter in pyspf, with "." in RFC 7208 7.3: custom delimiters are
  generated on l and s only.
- %{i} of IPv6 is upper-case hex in pyspf, lower-case in the RFC: DNS
  compares names case-insensitively, so only exp= text could differ, and
  results, not texts, are compared.
"""
import collections
import ipaddress
import os
import pathlib
import random
import subprocess

import pytest

from conftest import BIN, prog
from dnsserver import DnsServer

DNS_IP = "127.0.0.53"
RECURSIVE_IP = "127.0.0.54"  # the same zone with CNAME chains added, for pyspf
SEED = 20261205
RECORDS = 360
CNAME_SEED = 20261206
CNAME_RECORDS = 60

V4 = ["192.0.2.10", "192.0.2.77", "198.51.100.5", "203.0.113.200"]
V6 = ["2001:db8::10", "2001:db8:0:1::77", "2001:db8:ffff::5"]
CLIENTS = V4 + V6
DECOY4 = ["192.0.2.250", "10.9.8.7", "198.51.100.99"]
DECOY6 = ["2001:db8::dead", "2001:db8:ab::1"]
LOCALS = ["joe", "strong-bad", "a.b", "x+tag", "postmaster", "mailer-daemon"]


# terms whose presence the generator guarantees (case-insensitive)
TERMS = ["all", "include:", "a:", " a ", "a/", "mx", "ptr", "ip4:", "ip6:", "exists:", "redirect=", "exp=",
         "//", "%{s}", "%{l}", "%{l2r.}", "%{lr-}", "%{o}", "%{d}", "%{d2}", "%{i}", "%{ir}", "%{p}", "%{h}",
         "%{v}", "%{S}", "%{L}", "moo.cow-far_out="]


def reverse_name(ip):
    return ipaddress.ip_address(ip).reverse_pointer


def txt(record):
    """A TXT value in zone syntax: strings of at most 255 octets."""
    parts = [record[i:i + 255] for i in range(0, len(record), 255)] or [""]
    return " ".join('"' + p + '"' for p in parts)


class World:
    """The zone: hosts, MX domains, PTRs, include and redirect targets."""

    def __init__(self, rnd, dns):
        self.rnd, self.dns = rnd, dns
        self.hosts = []
        for k in range(10):
            name = f"h{k}.hosts.test"
            for ip in rnd.sample(V4 + DECOY4, rnd.randint(0, 2)):
                dns.add(name, "A", ip)
            for ip in rnd.sample(V6 + DECOY6, rnd.randint(0, 2)):
                dns.add(name, "AAAA", ip)
            dns.add(name, "TXT", '"host"')  # exists as a name even without addresses
            self.hosts.append(name)
        self.mx = []
        for k in range(6):
            name = f"mx{k}.mx.test"
            for pref, host in enumerate(rnd.sample(self.hosts, rnd.randint(1, 3))):
                dns.add(name, "MX", f"{10 * pref} {host}.")
            self.mx.append(name)
        for k in range(11):
            dns.add("many.mx.test", "MX", f"{k} {self.hosts[k % 10]}.")
        dns.add("gone.mx.test", "MX", "10 nohost.void.test.")
        # PTRs: validated (forward name has the address), unvalidated, none
        self.ptr_names = {}
        for n, ip in enumerate(CLIENTS):
            kind = rnd.choice(["valid", "valid", "invalid", "none"])
            if kind == "none":
                continue
            name = f"c{n}.ptr.test"
            dns.add(reverse_name(ip), "PTR", name + ".")
            rtype = "AAAA" if ":" in ip else "A"
            dns.add(name, rtype, ip if kind == "valid" else (DECOY6[0] if rtype == "AAAA" else DECOY4[0]))
            self.ptr_names[ip] = (name, kind)
            dns.add(name + ".pv.test", "A", "127.0.0.2")
        # exists targets
        for ip in CLIENTS:
            addr = ipaddress.ip_address(ip)
            if rnd.random() < 0.5:
                dotted = ip if addr.version == 4 else ".".join(addr.exploded.replace(":", ""))
                dns.add(f"{dotted}.ex.test", "A", "127.0.0.2")
            if rnd.random() < 0.5:
                labels = reverse_name(ip).rsplit(".", 2)[0]  # %{ir}.%{v}
                dns.add(f"{labels}.{'in-addr' if addr.version == 4 else 'ip6'}.rev.test", "A", "127.0.0.2")
        for local in rnd.sample(LOCALS, 3):
            dns.add(f"{local}.users.test", "A", "127.0.0.2")
        dns.add("b.a.lp.test", "A", "127.0.0.2")      # %{l2r.} of a.b
        dns.add("bad.strong.lp.test", "A", "127.0.0.2")  # %{lr-} of strong-bad
        dns.add("spf.test.dom.test", "A", "127.0.0.2")   # %{d2}
        dns.add("helo.example.helo.test", "A", "127.0.0.2")
        # include / redirect targets of every kind
        self.targets = []
        kinds = ["pass4", "pass6", "fail", "soft", "neutral", "all", "none", "nxdomain", "servfail",
                 "syntax", "mx", "nested"]
        for k, kind in enumerate(kinds):
            name = f"t{k}.inc.test"
            self.targets.append(name)
            net4 = rnd.choice(V4 + DECOY4)
            net6 = rnd.choice(V6 + DECOY6)
            record = {
                "pass4": f"v=spf1 ip4:{net4}/{rnd.choice([16, 24, 32])} -all",
                "pass6": f"v=spf1 ip6:{net6}/{rnd.choice([32, 48, 64, 128])} -all",
                "fail": "v=spf1 -all",
                "soft": f"v=spf1 a:{rnd.choice(self.hosts)} ~all",
                "neutral": "v=spf1 ?all",
                "all": "v=spf1 +all",
                "syntax": "v=spf1 ip4:192.0.2.0/33 -all",
                "mx": f"v=spf1 mx:{rnd.choice(self.mx)} -all",
                "nested": f"v=spf1 include:t0.inc.test -all",
            }.get(kind)
            if record:
                dns.add(name, "TXT", txt(record))
            elif kind == "none":
                dns.add(name, "A", "192.0.2.1")
            elif kind == "servfail":
                dns.fault(name, "SERVFAIL")
        dns.add("exp.test", "TXT", txt("%{c} %{i} not allowed for %{s} (%{l} at %{o}) via %{d} helo %{h} "
                                       "%{v} at %{r} t=%{t}"))


class Aliases:
    """CNAMEs into the World (all answered alone by our server)."""

    def __init__(self, rnd, dns, world):
        self.a, self.mx, self.include = [], [], []
        for k, host in enumerate(world.hosts):
            dns.add(f"a{k}.alias.test", "CNAME", host + ".")
            dns.add(f"b{k}.alias.test", "CNAME", f"a{k}.alias.test.")  # two hops
            self.a += [f"a{k}.alias.test", f"b{k}.alias.test"]
        for k, name in enumerate(world.mx):
            dns.add(f"m{k}.alias.test", "CNAME", name + ".")
            self.mx.append(f"m{k}.alias.test")
        dns.add("mxa.alias.test", "MX", "10 a0.alias.test.")  # an MX exchange behind a CNAME
        self.mx.append("mxa.alias.test")
        for k, name in enumerate(world.targets):
            dns.add(f"i{k}.alias.test", "CNAME", name + ".")
            self.include.append(f"i{k}.alias.test")
        dns.add("nx.alias.test", "CNAME", "nothing.void.test.")       # NXDOMAIN at the end
        dns.add("nodata.alias.test", "CNAME", "text.alias.test.")    # no address at the end
        dns.add("text.alias.test", "TXT", '"no address here"')
        self.void = ["nx.alias.test", "nodata.alias.test"]
        dns.add("loop1.alias.test", "CNAME", "loop2.alias.test.")
        dns.add("loop2.alias.test", "CNAME", "loop1.alias.test.")
        for ip in CLIENTS:  # exists:%{i}.ex.alias.test -> %{i}.ex.test, when that exists
            addr = ipaddress.ip_address(ip)
            dotted = ip if addr.version == 4 else ".".join(addr.exploded.replace(":", ""))
            dns.add(f"{dotted}.ex.alias.test", "CNAME", f"{dotted}.ex.test.")


def cname_record(rnd, aliases):
    """A record whose DNS-querying terms go through CNAMEs."""
    terms, voids = [], 0
    for _ in range(rnd.randint(1, 5)):
        q = rnd.choice(["", "", "+", "-", "~", "?"])
        kind = rnd.choice(["a", "a", "mx", "include", "exists", "void", "ip4"])
        if kind == "a":
            terms.append(f"{q}a:{rnd.choice(aliases.a)}" + rnd.choice(["", "/24", "//64"]))
        elif kind == "mx":
            terms.append(f"{q}mx:{rnd.choice(aliases.mx)}")
        elif kind == "include":
            terms.append(f"{q}include:{rnd.choice(aliases.include)}")
        elif kind == "exists":
            terms.append(f"{q}exists:%{{i}}.ex.alias.test")
        elif kind == "void":
            voids += 1
            terms.append(f"{q}a:{rnd.choice(aliases.void)}")
        else:
            terms.append(f"{q}ip4:{rnd.choice(V4 + DECOY4)}/{rnd.randint(24, 32)}")
    if rnd.random() < 0.08:
        terms.insert(rnd.randrange(len(terms) + 1), "a:loop1.alias.test")
    terms.append(rnd.choice(["-all", "~all", "?all", "+all"]))
    return "v=spf1 " + " ".join(terms)


def mechanism(rnd, world, lookups, allow_void):
    """One directive; lookups[0] counts DNS-querying terms."""
    q = rnd.choice(["", "", "+", "-", "~", "?"])
    kinds = ["ip4", "ip6", "a", "mx", "include", "exists", "ptr"]
    kind = rnd.choice(kinds)
    if kind == "ip4":
        base = rnd.choice(V4 + DECOY4)
        return f"{q}ip4:{base}" + rnd.choice(["", f"/{rnd.randint(8, 32)}", "/32", "/24"])
    if kind == "ip6":
        base = rnd.choice(V6 + DECOY6)
        return f"{q}ip6:{base}" + rnd.choice(["", f"/{rnd.randint(16, 128)}", "/64", "/128"])
    lookups[0] += 1
    cidr = rnd.choice(["", "", f"/{rnd.randint(16, 32)}", f"//{rnd.randint(32, 128)}",
                       f"/{rnd.randint(8, 32)}//{rnd.randint(16, 128)}"])
    if kind == "a":
        target = rnd.choice([f":{rnd.choice(world.hosts)}", "", ":%{d}", ":h%{d1}.hosts.test"
                             if False else f":{rnd.choice(world.hosts)}"])
        if allow_void and rnd.random() < 0.15:
            target = f":nx{rnd.randint(0, 3)}.void.test"
        return f"{q}a{target}{cidr}"
    if kind == "mx":
        target = rnd.choice([f":{rnd.choice(world.mx)}", f":{rnd.choice(world.mx)}", ""])
        if rnd.random() < 0.05:
            target = ":many.mx.test"
        elif allow_void and rnd.random() < 0.1:
            target = ":gone.mx.test"
        return f"{q}mx{target}{cidr}"
    if kind == "include":
        return f"{q}include:{rnd.choice(world.targets)}"
    if kind == "exists":
        spec = rnd.choice(["%{i}.ex.test", "%{ir}.%{v}.rev.test", "%{l}.users.test", "%{L}.users.test",
                           "%{l2r.}.lp.test", "%{lr-}.lp.test", "%{d2}.dom.test", "%{h}.helo.test",
                           "%{o}.%{d}", "%{s}.x.test", "%{S}.x.test", "%{ir}.%{v}._spf.%{d2}"])
        return f"{q}exists:{spec}"
    return f"{q}ptr" + rnd.choice(["", ":ptr.test", ":hosts.test", ":%{d}", ":c1.ptr.test"])


def make_record(rnd, world, i, domain):
    """(record text or None, extra TXT values, fault) for case i."""
    special = i % 13
    if special == 0:
        return None, [], None  # no SPF record at all (none)
    if special == 1:
        bad = rnd.choice(["v=spf1 ip4:192.0.2.0/33 -all", "v=spf1 ip4:1.2.3 -all", "v=spf1 foo -all",
                          "v=spf1 a: -all", "v=spf1 redirect=a.test redirect=b.test",
                          "v=spf1 exists:%{x}.test -all", "v=spf1 exists -all", "v=spf1 a:%{c}.test",
                          "v=spf1 ip6:2001:db8::/129", "v=spf1 mx//129", "v=spf1 -all:foo",
                          "v=spf1 include:%{d -all", "v=spf1 a:example -all", "v=spf1 ip4:192.0.02.1",
                          "v=spf1 exp=a.test exp=b.test -all", "v=spf1 ~all%"])
        return bad, [], None
    if special == 2:
        return "v=spf1 -all", ["v=spf1 +all"], None  # two records: permerror
    if special == 3:  # more than 10 DNS-querying terms
        terms = [f"a:{world.hosts[k % 10]}" for k in range(11)]
        return "v=spf1 " + " ".join(terms) + " " + rnd.choice(["+all", "-all"]), [], None
    if special == 4:  # void lookups
        n = rnd.choice([2, 3, 4])
        terms = [f"a:nx{k}.void.test" for k in range(n)]
        return "v=spf1 " + " ".join(terms) + " " + rnd.choice(["ip4:0.0.0.0/0 ip6:::/0 ", ""]) + "~all", [], None
    if special == 5:
        return None, [], "SERVFAIL"  # temperror at the top
    if special == 6:  # %{p} first, no voids after
        return (f"v=spf1 exists:%{{p}}.pv.test {mechanism(rnd, world, [0], False)} "
                + rnd.choice(["-all", "~all", "?all", ""])), [], None
    if special == 7:  # a long record split over strings, not SPF-prefixed texts around it
        terms = [f"ip4:{rnd.choice(DECOY4)}/{rnd.randint(24, 32)}" for _ in range(30)]
        terms.insert(rnd.randint(0, 30), mechanism(rnd, world, [0], False))
        return "v=spf1 " + " ".join(terms) + " -all", ["google-site-verification=abc", "v=spf10 -all"], None
    lookups = [0]
    with_redirect = rnd.random() < 0.25
    limit = 4 if with_redirect else 9
    terms = []
    for _ in range(rnd.randint(0, 6)):
        t = mechanism(rnd, world, lookups, allow_void=True)
        if lookups[0] > limit:
            break
        terms.append(t)
    if with_redirect:
        terms.append(f"redirect={rnd.choice(world.targets)}")
    elif rnd.random() < 0.8:
        terms.append(rnd.choice(["-all", "~all", "?all", "+all", "all"]))
    if rnd.random() < 0.3:
        terms.append("exp=exp.test")
    if rnd.random() < 0.1:
        terms.append("moo.cow-far_out=%{d}.x")  # unknown modifier: ignored
    rnd.shuffle(terms) if rnd.random() < 0.2 else None
    sep = "  " if rnd.random() < 0.1 else " "
    version = rnd.choice(["v=spf1", "v=spf1", "V=SPF1"])
    return version + sep + sep.join(terms), [], None


def ours(ip, sender, helo, env):
    r = subprocess.run([prog("mailsuite-spf"), "-r", "mx.receiver.test", ip, sender, helo],
                       env=env, capture_output=True, timeout=60)
    codes = {0: "pass", 1: "fail", 2: "softfail", 3: "neutral", 4: "none", 5: "permerror", 6: "temperror"}
    first = r.stdout.decode().split("\n")[0]
    assert first == "result=" + codes.get(r.returncode, "?"), (r.returncode, r.stdout, r.stderr)
    return codes[r.returncode]


@pytest.fixture
def pyspf():
    import dns.resolver
    import spf
    assert spf.DNSLookup is spf.DNSLookup_dnspython, "pyspf must use dnspython (python3-dnspython)"
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [RECURSIVE_IP]
    resolver.lifetime = resolver.timeout = 5
    saved = dns.resolver.default_resolver
    dns.resolver.default_resolver = resolver
    yield spf
    dns.resolver.default_resolver = saved


def test_differential_against_pyspf(pyspf, tmp_path):
    rnd = random.Random(SEED)
    dns = DnsServer(DNS_IP, udp_limit=512)
    world = World(rnd, dns)
    cases = []
    for i in range(RECORDS):
        domain = f"d{i}.spf.test"
        record, extra, fault = make_record(rnd, world, i, domain)
        if record is not None:
            dns.add(domain, "TXT", txt(record))
        for e in extra:
            dns.add(domain, "TXT", txt(e))
        if fault:
            dns.fault(domain, fault)
        if record is None and not fault:
            dns.add(domain, "A", "192.0.2.1")
        if rnd.random() < 0.4:  # the domain's own addresses and MX, for a and mx
            dns.add(domain, "A", rnd.choice(V4 + DECOY4))
            dns.add(domain, "AAAA", rnd.choice(V6 + DECOY6))
        if rnd.random() < 0.4:
            dns.add(domain, "MX", f"10 {rnd.choice(world.hosts)}.")
        clients = rnd.sample(V4, 2) + rnd.sample(V6, 2)
        for ip in clients:
            local = rnd.choice(LOCALS)
            if rnd.random() < 0.1:
                sender, helo = "", domain  # HELO identity: postmaster@helo
            else:
                sender, helo = f"{local}@{domain}", "helo.example"
            cases.append((record, ip, sender, helo))
    # CNAME cases, from their own generator: the record's own domain is
    # a CNAME for half of them
    crnd = random.Random(CNAME_SEED)
    aliases = Aliases(crnd, dns, world)
    cname_cases = []
    for i in range(CNAME_RECORDS):
        domain = f"c{i}.cname.test"
        record = cname_record(crnd, aliases)
        if crnd.random() < 0.5:
            dns.add(domain, "CNAME", f"r{i}.real.test.")
            dns.add(f"r{i}.real.test", "TXT", txt(record))
        else:
            dns.add(domain, "TXT", txt(record))
        for ip in crnd.sample(V4, 2) + crnd.sample(V6, 2):
            cname_cases.append((record, ip, f"{crnd.choice(LOCALS)}@{domain}", "helo.example"))
    cases += cname_cases
    recursive = DnsServer(RECURSIVE_IP, udp_limit=512, chase_cnames=True)
    recursive.records, recursive.faults = dns.records, dns.faults  # one zone
    # every mechanism, modifier and domain-spec macro is in the generated records
    records = {r for r, _, _, _ in cases if r}
    coverage = {t: sum(t.lower() in r.lower() for r in records) for t in TERMS}
    missing = [t for t, n in coverage.items() if not n]
    assert not missing, missing
    assert sum(":" in ip for _, ip, _, _ in cases) >= len(cases) // 2  # IPv6 clients
    assert any(not sender for _, _, sender, _ in cases)  # the HELO identity
    dns.start()
    recursive.start()
    env = dict(os.environ, DNSCACHEIP=DNS_IP)
    histogram, cname_histogram = collections.Counter(), collections.Counter()
    mismatches, retried = [], []

    def both(ip, sender, helo):
        a = ours(ip, sender, helo, env)
        b, _ = pyspf.check2(i=ip, s=sender, h=helo, receiver="mx.receiver.test", querytime=20)
        return a, b

    try:
        for n, (record, ip, sender, helo) in enumerate(cases):
            a, b = both(ip, sender, helo)
            if a != b:
                # Under a loaded machine one side's DNS wait can run out
                # (ours: 5 s a query, 20 s in all): both are asked again
                # once, and every retry is listed in the report.
                first = (a, b)
                a, b = both(ip, sender, helo)
                retried.append(f"{ip} {sender or '<>'} {helo}: first ours={first[0]} pyspf={first[1]}, "
                               f"again ours={a} pyspf={b}")
            histogram[a] += 1
            if n >= len(cases) - len(cname_cases):
                cname_histogram[a] += 1
            if a != b:
                mismatches.append(f"{ip} {sender or '<>'} {helo}: ours={a} pyspf={b} record={record!r}")
    finally:
        dns.stop()
        recursive.stop()
    report = [f"records: {RECORDS} + {CNAME_RECORDS} with CNAMEs ({len(records)} distinct)",
              f"comparisons: {len(cases)} ({len(cname_cases)} through CNAMEs answered alone)",
              "records with: " + " ".join(f"{t}={n}" for t, n in coverage.items()),
              "results: " + " ".join(f"{k}={v}" for k, v in sorted(histogram.items())),
              "results through CNAMEs: " + " ".join(f"{k}={v}" for k, v in sorted(cname_histogram.items())),
              f"retried after a first disagreement: {len(retried)}"] + retried + [
              f"mismatches: {len(mismatches)}"] + mismatches
    text = "\n".join(report) + "\n"
    print(text)
    out = BIN.parent / "spf-differential.txt"
    out.write_text(text)
    assert not mismatches, text
    # the generator really covers every result
    for result in ("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"):
        assert histogram[result] > 0, result
    for result in ("pass", "fail", "permerror", "temperror"):  # void limit; the loop
        assert cname_histogram[result] > 0, result
