"""Sender authentication in mailsuite-filter (issue 20 point 3): DMARC
(RFC 7489) over the SPF result our smtpd put on top and the DKIM results,
one Authentication-Results header (RFC 8601), forged ones claiming to be
ours removed, control/dmarcenforce.  Through the real smtpd under
tcpserver, with a scripted DNS server publishing the _dmarc records;
Python's email package reads the header the filter wrote."""
import email
import email.policy

import pytest

from conftest import prog
from dnsserver import DnsServer
from filter_support import Filtered, run_filter

DNS_IP = "127.0.0.83"
ME = "mx.example.test"


@pytest.fixture
def dns():
    srv = DnsServer(DNS_IP)
    srv.add("_dmarc.sender.test", "TXT", '"v=DMARC1; p=reject; sp=none; rua=mailto:d@sender.test"')
    srv.add("_dmarc.quarantined.test", "TXT", '"v=DMARC1; p=quarantine"')
    srv.add("_dmarc.relaxed.test", "TXT", '"v=DMARC1; p=none"')
    srv.fault("_dmarc.flaky.test", "TIMEOUT")
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
    assert ar.startswith(f"{ME}; spf=none; dkim=none; dmarc=fail (p=reject dis=reject) header.from=sender.test")


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
    assert ars[0].startswith(f"{ME}; spf=none; dkim=none; dmarc=fail")
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
