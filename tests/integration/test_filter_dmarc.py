"""Sender authentication in mailsuite-filter (issue 20 point 3): DMARC
(RFC 7489) over the SPF result our smtpd put on top (else the filter's own
SPF check) and the DKIM results (messages signed by dkimpy),
one Authentication-Results header (RFC 8601), forged ones claiming to be
ours removed, control/dmarcenforce.  Through the real smtpd under
tcpserver, with a scripted DNS server publishing the _dmarc records;
Python's email package reads the header the filter wrote."""
import base64
import email
import email.policy

import dkim
import nacl.signing
import pytest

from conftest import prog
from dnsserver import DnsServer
from filter_support import Filtered, run_filter

DNS_IP = "127.0.0.83"
ME = "mx.example.test"
ED25519 = nacl.signing.SigningKey(b"mailsuite dmarc test key 32 byte")
ED25519_PUBLIC = base64.b64encode(bytes(ED25519.verify_key)).decode()


@pytest.fixture
def dns():
    srv = DnsServer(DNS_IP)
    srv.add("_dmarc.sender.test", "TXT", '"v=DMARC1; p=reject; sp=none; rua=mailto:d@sender.test"')
    srv.add("_dmarc.quarantined.test", "TXT", '"v=DMARC1; p=quarantine"')
    srv.add("_dmarc.relaxed.test", "TXT", '"v=DMARC1; p=none"')
    srv.fault("_dmarc.flaky.test", "TIMEOUT")
    srv.add("spfok.test", "TXT", '"v=spf1 ip4:127.0.0.1 -all"')
    srv.add("_dmarc.spfok.test", "TXT", '"v=DMARC1; p=reject"')
    srv.add("sel._domainkey.sender.test", "TXT", f'"v=DKIM1; k=ed25519; p={ED25519_PUBLIC}"')
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def filtered(root, dns):
    root.set("me", ME)
    (root.queue / "quarantine").mkdir(exist_ok=True)
    return Filtered(root, wrapper_env={"DNSCACHEIP": DNS_IP})


def message(from_addr="a@sender.test", extra=""):
    return f"{extra}From: {from_addr}\nTo: bob@example.test\nSubject: hello\n\nhi\n"


def auth_results(raw):
    """The Authentication-Results fields of a queued message, unfolded."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return [" ".join(str(v).split()) for v in msg.get_all("Authentication-Results", [])]


def test_reject_policy_refused_when_enforced(root, filtered, dns):
    root.set("dmarcenforce", "1")
    code, text = filtered.send(message())
    assert code == 554
    assert text.startswith("5.7.1 DMARC policy of sender.test refuses this message")
    assert filtered.queued() == []
    assert ("_dmarc.sender.test", "TXT") in dns.queries
    [line] = filtered.filter_log()
    assert "source=dmarc" in line and "dmarc=fail" in line


def test_not_enforced_by_default_header_says_fail(root, filtered):
    code, text = filtered.send(message())
    assert code == 250, text
    [(raw, _, _)] = filtered.queued()
    [ar] = auth_results(raw)
    # No Received-SPF from smtpd (spfbehavior 0): the filter checked SPF itself.
    assert ar.startswith(f"{ME}; spf=none smtp.mailfrom=sender.test; dkim=none; "
                         "dmarc=fail (p=reject dis=reject) header.from=sender.test")


def test_client_written_received_spf_is_not_trusted(root, filtered):
    # Anything the client sends sits below smtpd's own Received: line.
    root.set("dmarcenforce", "1")
    forged = "Received-SPF: pass (forged) client-ip=1.2.3.4; envelope-from=a@sender.test; identity=mailfrom\n"
    code, _ = filtered.send(message(extra=forged))
    assert code == 554


def test_quarantine_policy_holds_the_message(root, filtered):
    root.set("dmarcenforce", "1")
    code, text = filtered.send(message("x@quarantined.test"))
    assert code == 250, text
    assert filtered.queued() == []
    [line] = filtered.filter_log()
    assert "verdict=quarantine" in line and "source=dmarc" in line


def test_subdomain_takes_sp_from_organizational_domain(root, filtered, dns):
    root.set("dmarcenforce", "1")
    code, _ = filtered.send(message("a@news.sender.test"))
    assert code == 250  # sp=none
    [(raw, _, _)] = filtered.queued()
    assert "dmarc=fail (p=none dis=none) header.from=news.sender.test" in auth_results(raw)[0]
    names = [q for q, t in dns.queries if t == "TXT"]
    assert names[-2:] == ["_dmarc.news.sender.test", "_dmarc.sender.test"]


def test_dns_timeout_is_temperror_and_accepted(root, filtered):
    root.set("dmarcenforce", "1")
    code, _ = filtered.send(message("a@flaky.test"))
    assert code == 250
    [(raw, _, _)] = filtered.queued()
    assert "dmarc=temperror" in auth_results(raw)[0]


def test_forged_authentication_results_removed_others_kept(root, filtered):
    extra = (f"Authentication-Results: {ME}; dkim=pass header.d=sender.test; dmarc=pass\n"
             f"Authentication-Results: (comment) {ME.upper()};\n\tspf=pass\n"
             "Authentication-Results: other.example; spf=pass\n")
    code, _ = filtered.send(message(extra=extra))
    assert code == 250
    [(raw, _, _)] = filtered.queued()
    ars = auth_results(raw)
    assert len(ars) == 2
    assert ars[0].startswith(f"{ME}; spf=none smtp.mailfrom=sender.test; dkim=none; dmarc=fail")
    assert ars[1] == "other.example; spf=pass"
    assert b"\n\nhi\n" in raw  # the body follows the rewritten header whole


def test_filtercontrol_dmarc_no_turns_it_off(root, filtered, dns):
    root.set("dmarcenforce", "1")
    root.set("filtercontrol", "@sender.test:dmarc=no")
    code, _ = filtered.send(message())
    assert code == 250
    [(raw, _, _)] = filtered.queued()
    assert auth_results(raw) == []
    assert ("_dmarc.sender.test", "TXT") not in dns.queries


def test_spf_pass_on_top_aligns(root, dns):
    # Our smtpd's Received-SPF is the first line: aligned SPF pass is a DMARC pass.
    root.set("me", ME)
    root.set("dmarcenforce", "1")
    msg = ("Received-SPF: pass (mx.example.test: domain of a@bounce.sender.test designates 127.0.0.1 as"
           "\n\tpermitted sender) client-ip=127.0.0.1; envelope-from=\"a@bounce.sender.test\";"
           " helo=client.test; receiver=mx.example.test; identity=mailfrom;\n" + message()).encode()
    out = root.path / "next.out"
    catcher = root.path / "next-queue"
    catcher.write_text(f"#!/bin/sh\nexec cat > {out}\n")
    catcher.chmod(0o755)
    code, fd6, err, _, _ = run_filter(root, msg, env_extra={"DNSCACHEIP": DNS_IP}, next_program=str(catcher))
    assert code == 0, (fd6, err)
    ars = auth_results(out.read_bytes())
    assert ars == [f"{ME}; spf=pass smtp.mailfrom=bounce.sender.test; dkim=none; "
                   "dmarc=pass (p=reject dis=none) header.from=sender.test"]


def test_two_from_fields_are_permerror(root, filtered):
    code, _ = filtered.send("From: a@sender.test\nFrom: b@other.test\nSubject: x\n\nhi\n")
    assert code == 250
    [(raw, _, _)] = filtered.queued()
    assert "dmarc=permerror" in auth_results(raw)[0]


def dkimpy_signed(text, domain=b"sender.test"):
    """text signed by dkimpy (ed25519-sha256, relaxed/relaxed)."""
    raw = text.replace("\n", "\r\n").encode()
    seed = base64.b64encode(bytes(ED25519)).decode()
    sig = dkim.sign(raw, b"sel", domain, seed.encode(), signature_algorithm=b"ed25519-sha256",
                    canonicalize=(b"relaxed", b"relaxed"), include_headers=[b"from", b"to", b"subject"])
    return (sig + raw).decode().replace("\r\n", "\n")


def test_aligned_dkim_signature_passes_enforced_policy(root, filtered):
    root.set("dmarcenforce", "1")
    code, text = filtered.send(dkimpy_signed(message()))
    assert code == 250, text
    [(raw, _, _)] = filtered.queued()
    [ar] = auth_results(raw)
    assert "dkim=pass header.d=sender.test header.s=sel" in ar
    assert "dmarc=pass (p=reject dis=none) header.from=sender.test" in ar


def test_tampered_dkim_signature_fails(root, filtered):
    root.set("dmarcenforce", "1")
    signed = dkimpy_signed(message()).replace("\nhi\n", "\nhi, changed\n")
    code, text = filtered.send(signed)
    assert code == 554, text
    assert "DMARC policy of sender.test" in text


def test_filter_checks_spf_itself_without_received_spf(root, filtered):
    root.set("dmarcenforce", "1")
    code, text = filtered.send(message("a@spfok.test"), sender="bounce@spfok.test")
    assert code == 250, text
    [(raw, _, _)] = filtered.queued()
    assert "spf=pass smtp.mailfrom=spfok.test; dkim=none; dmarc=pass" in auth_results(raw)[0]


def test_smtpd_received_spf_is_used(root, dns):
    # spfbehavior 1: smtpd writes Received-SPF on top; the filter takes it.
    root.set("me", ME)
    root.set("spfbehavior", "1")
    root.set("dmarcenforce", "1")
    (root.queue / "quarantine").mkdir(exist_ok=True)
    f = Filtered(root, wrapper_env={"DNSCACHEIP": DNS_IP})
    code, text = f.send(message("a@spfok.test"), sender="bounce@spfok.test")
    assert code == 250, text
    [(raw, _, _)] = f.queued()
    assert raw.startswith(b"Authentication-Results: ")
    assert b"\nReceived-SPF: pass " in raw
    assert "spf=pass smtp.mailfrom=spfok.test" in auth_results(raw)[0]


def test_relay_clients_mail_is_not_judged(root, dns):
    # Our own users (RELAYCLIENT) send as any domain: no SPF, no DMARC, no header.
    root.set("me", ME)
    root.set("dmarcenforce", "1")
    f = Filtered(root, wrapper_env={"DNSCACHEIP": DNS_IP, "RELAYCLIENT": ""})
    code, text = f.send(message())
    assert code == 250, text
    [(raw, _, _)] = f.queued()
    assert auth_results(raw) == []
    assert ("_dmarc.sender.test", "TXT") not in dns.queries


@pytest.mark.parametrize("from_domain", ["news.shop.xn--55qx5d.cn", "news.shop.公司.cn"])
def test_idn_from_domain_finds_organizational_domain_record(root, filtered, dns, from_domain):
    # 公司.cn (xn--55qx5d.cn) is a public suffix written in U-labels in
    # Debian's list: the Organizational Domain of news.shop.公司.cn is
    # shop.xn--55qx5d.cn, whose p=quarantine applies (no sp=).
    dns.add("_dmarc.shop.xn--55qx5d.cn", "TXT", '"v=DMARC1; p=quarantine"')
    dns.add("_dmarc.xn--55qx5d.cn", "TXT", '"v=DMARC1; p=none"')  # the registry's, never to be used
    root.set("dmarcenforce", "1")
    code, text = filtered.send(message(f"a@{from_domain}").encode())
    assert code == 250, text
    assert filtered.queued() == []
    [line] = filtered.filter_log()
    assert "verdict=quarantine" in line and "source=dmarc" in line, line
    names = [q for q, t in dns.queries if t == "TXT" and q.startswith("_dmarc.")]
    assert names[-2:] == ["_dmarc.news.shop.xn--55qx5d.cn", "_dmarc.shop.xn--55qx5d.cn"]
