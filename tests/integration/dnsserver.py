"""A scriptable DNS server for tests (dnslib, Debian's /usr/bin/python3).

    srv = DnsServer("127.0.0.53")          # UDP and TCP on port 53 of that address
    srv.add("example.test", "MX", "10 mx1.example.test.")
    srv.add("mx1.example.test", "A", "127.0.0.2")
    srv.fault("broken.test", "SERVFAIL")    # or "TIMEOUT", "NXDOMAIN", "TRUNCATE"
    srv.delay("slow.test", 0.3)             # answer after 300 ms
    srv.start(); ...; srv.stop()

Point programs at it with DNSCACHEIP=127.0.0.53 (libowfat's resolver).
DnsServer(ip, udp_limit=512) truncates (TC=1, no records, the question
kept) UDP answers over 512 octets as a server without EDNS does, so
clients retry over TCP.
Names not added answer NXDOMAIN; names added without the queried type
answer NOERROR with no records.
A name with a CNAME answers with that CNAME alone, as an authoritative
server does for a target outside its zone; DnsServer(ip, chase_cnames=True)
adds the chain and the target's records (or its NXDOMAIN), as a recursive
resolver does, and answers SERVFAIL for a CNAME loop or more than 8 CNAMEs
(the target's fault, if any, is applied to the answer).
"""
import threading
import time

from dnslib import DNSRecord, QTYPE, RCODE, RR
from dnslib.server import DNSServer, BaseResolver, DNSLogger


class _Resolver(BaseResolver):
    def __init__(self, owner):
        self.owner = owner

    def resolve(self, request, handler):
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        reply = request.reply()
        owner = self.owner
        owner.queries.append((qname, qtype))
        for suffix, seconds in owner.delays.items():
            if qname == suffix or qname.endswith("." + suffix):
                time.sleep(seconds)
        fault = owner.faults.get(qname)
        if fault == "TIMEOUT":
            return None
        if fault == "SERVFAIL":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if fault == "NXDOMAIN":
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if fault == "TRUNCATE" and handler.protocol == "udp":
            reply.header.tc = 1
            return reply
        name, seen = qname, {qname}
        for _ in range(9 if owner.chase_cnames else 1):
            records = owner.records.get(name)
            if records is None:
                reply.header.rcode = RCODE.NXDOMAIN
                return reply
            target = None
            for rtype, text in records:
                if rtype == qtype or (rtype == "CNAME" and qtype != "CNAME"):
                    reply.add_answer(*RR.fromZone(f"{name}. 60 IN {rtype} {text}"))
                    if rtype == "CNAME" and qtype != "CNAME":
                        target = text.rstrip(".").lower()
            if target is None or not owner.chase_cnames:
                break
            # the target's fault, as a recursive resolver would meet it
            fault = owner.faults.get(target)
            if fault == "TIMEOUT":
                return None
            if fault == "SERVFAIL":
                reply.rr = []
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            if fault == "NXDOMAIN":
                reply.header.rcode = RCODE.NXDOMAIN
                return reply
            if fault:
                break
            if target in seen or len(seen) > 8:  # a loop or a long chain: SERVFAIL, as BIND
                reply.rr = []
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            name = target
            seen.add(name)
        if owner.udp_limit and handler.protocol == "udp" and len(reply.pack()) > owner.udp_limit:
            reply.rr = []
            reply.header.tc = 1
        return reply


class _QuietLogger(DNSLogger):
    def __init__(self):
        super().__init__(log="-request,-reply,-truncated,-error,-recv,-send,-data")


class DnsServer:
    def __init__(self, ip="127.0.0.53", port=53, udp_limit=0, chase_cnames=False):
        self.ip, self.port = ip, port
        self.chase_cnames = chase_cnames
        self.udp_limit = udp_limit
        self.records, self.faults, self.delays = {}, {}, {}
        self.queries = []
        self._servers = []

    def add(self, name, rtype, text):
        self.records.setdefault(name.rstrip(".").lower(), []).append((rtype, text))

    def fault(self, name, kind):
        self.faults[name.rstrip(".").lower()] = kind

    def delay(self, name, seconds):
        self.delays[name.rstrip(".").lower()] = seconds

    def start(self):
        resolver = _Resolver(self)
        for tcp in (False, True):
            s = DNSServer(resolver, address=self.ip, port=self.port, tcp=tcp,
                          logger=_QuietLogger())
            s.start_thread()
            self._servers.append(s)
        return self

    def stop(self):
        for s in self._servers:
            s.stop()
        self._servers.clear()


def main(argv):
    """`dnsserver.py IP RECORDS.json`: serves [[name, type, text], ...] on
    IP port 53 until killed; for a test that needs the server inside a
    network namespace (test_multihost.py runs it under nsenter)."""
    import json
    import signal
    srv = DnsServer(argv[1])
    with open(argv[2]) as f:
        for name, rtype, text in json.load(f):
            srv.add(name, rtype, text)
    srv.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    srv.stop()


if __name__ == "__main__":
    import sys
    signal_mask = __import__("signal")
    signal_mask.pthread_sigmask(signal_mask.SIG_BLOCK, {signal_mask.SIGTERM, signal_mask.SIGINT})
    main(sys.argv)
