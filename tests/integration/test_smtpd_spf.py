"""SPF in mailsuite-smtpd (issue 20 point 1, DESIGN.md "SPF in
mailsuite-smtpd" and the Received-SPF wave-2 details): each spfbehavior
level 0-6 through the real smtpd under ucspi-tcp's tcpserver against a
scripted DNS server (dnslib) on 127.0.0.53, raw SMTP and smtplib as
clients.  Per level: which SPF results are refused at RCPT with which
reply, that postmaster of a local domain is still accepted, that the
Received-SPF field is the message's first header line (above smtpd's
Received:), RELAYCLIENT and AUTH clients (swaks) exempt, SPFBEHAVIOR from tcprules, and the
counts mailsuite-stats takes from smtpd's spf log lines."""
import re
import smtplib
import subprocess

import pytest

from conftest import prog, run
from dnsserver import DnsServer
from smtpd_support import RawClient, Smtpd, recorder  # noqa: F401  (fixture)

DNS_IP = "127.0.0.53"

# sender domain -> the SPF result it gives the client 127.0.0.1
DOMAINS = {
    "pass.test": "pass",
    "neutral.test": "neutral",
    "soft.test": "softfail",
    "fail.test": "fail",
    "none.test": "none",
    "perm.test": "permerror",
    "temp.test": "temperror",
}

# level -> {result: reply prefix} for the results that level refuses
REFUSED = {
    0: {},
    1: {},
    2: {"temperror": "451 4.7.24"},
    3: {"temperror": "451 4.7.24", "fail": "550 5.7.23"},
    4: {"temperror": "451 4.7.24", "fail": "550 5.7.23", "softfail": "550 5.7.23"},
    5: {"temperror": "451 4.7.24", "fail": "550 5.7.23", "softfail": "550 5.7.23", "neutral": "550 5.7.23"},
    6: {"temperror": "451 4.7.24", "fail": "550 5.7.23", "softfail": "550 5.7.23", "neutral": "550 5.7.23",
        "none": "550 5.7.23", "permerror": "550 5.7.24"},
}


@pytest.fixture
def dns(root):
    srv = DnsServer(DNS_IP)
    srv.add("pass.test", "TXT", '"v=spf1 ip4:127.0.0.0/8 -all"')
    srv.add("neutral.test", "TXT", '"v=spf1 ?all"')
    srv.add("soft.test", "TXT", '"v=spf1 ip4:192.0.2.1 ~all"')
    srv.add("fail.test", "TXT", '"v=spf1 a:nowhere.fail.test -all exp=why.fail.test"')
    srv.add("nowhere.fail.test", "A", "192.0.2.9")
    srv.add("why.fail.test", "TXT", '"%{i} is not a mail server of %{d}"')
    srv.add("none.test", "A", "192.0.2.10")
    srv.add("none.test", "TXT", '"some other text"')
    srv.add("perm.test", "TXT", '"v=spf1 ip4:127.0.0.1/33 -all"')
    srv.fault("temp.test", "SERVFAIL")
    srv.add("client.example", "TXT", '"v=spf1 ip4:127.0.0.1 -all"')
    srv.add("bad-helo.example", "TXT", '"v=spf1 -all"')
    srv.start()
    root.env["DNSCACHEIP"] = DNS_IP
    yield srv
    srv.stop()


def start(root, recorder, level=None, env_extra=None, rules_cdb=None):
    root.set("rcpthosts", "example.test")
    if level is None:
        root.unset("spfbehavior")
    else:
        root.set("spfbehavior", str(level))
    return Smtpd(root, recorder, env_extra=env_extra, rules_cdb=rules_cdb)


def first_header_lines(message):
    return message.split(b"\n")[:2]


@pytest.mark.parametrize("level", range(7))
def test_spfbehavior_level(root, recorder, dns, level):
    s = start(root, recorder, level)
    c = s.raw()
    assert c.cmd("EHLO client.example").startswith("250")
    for domain, result in DOMAINS.items():
        assert c.cmd(f"MAIL FROM:<joe@{domain}>").startswith("250 ")
        got = c.cmd("RCPT TO:<u@example.test>")
        want = REFUSED[level].get(result)
        if want:
            assert got.startswith(want + " "), (domain, got)
            assert ("SPF " + result) in got
        else:
            assert got.startswith("250 "), (domain, got)
        # postmaster of a local domain is reachable whatever the result
        assert c.cmd("RCPT TO:<Postmaster@example.test>").startswith("250 "), domain
        assert c.cmd("DATA").startswith("354")
        c.send(b"Subject: spf\r\n\r\nbody\r\n.\r\n")
        assert c.reply().startswith("250 "), domain
    assert c.cmd("QUIT").startswith("221")
    c.close()
    queued = recorder.queued()
    assert len(queued) == len(DOMAINS)
    for (message, sender, rcpts), (domain, result) in zip(queued, DOMAINS.items()):
        assert sender == f"joe@{domain}"
        if level == 0:
            assert b"Received-SPF" not in message
            assert message.startswith(b"Received: from client.example")
        else:
            assert message.startswith(f"Received-SPF: {result} (".encode()), message[:300]
            # one field, folded; smtpd's Received: right after it
            header = message.split(b"\nReceived: from client.example", 1)
            assert len(header) == 2 and b"\n" not in header[0].replace(b"\n\t", b""), message[:400]
            assert b"client-ip=127.0.0.1;" in header[0]
            assert b"identity=mailfrom;" in header[0]
            assert f'envelope-from="joe@{domain}"'.encode() in header[0]
            assert b"helo=client.example;" in header[0]
            assert b"receiver=mail.example.test;" in header[0]
    log = s.log()
    if level == 0:
        assert "smtpd: spf " not in log
    else:
        for domain, result in DOMAINS.items():
            assert re.search(rf"smtpd: spf ip=127\.0\.0\.1 identity=mailfrom from=joe@{re.escape(domain)} "
                             rf"helo=client\.example result={result}\b", log), (domain, log)


def test_fail_reply_carries_the_exp_text(root, recorder, dns):
    s = start(root, recorder, 3)
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="client.example", timeout=20) as c:
        c.ehlo()
        assert c.mail("joe@fail.test")[0] == 250
        code, text = c.rcpt("u@example.test")
        assert (code, text) == (550, b"5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.test")
        assert c.rcpt("postmaster")[0] == 250  # the bare postmaster of RFC 5321
    assert "category=spf" in s.log()


def test_null_sender_checks_the_helo_identity(root, recorder, dns):
    s = start(root, recorder, 3)
    c = s.raw()
    assert c.cmd("HELO bad-helo.example").startswith("250")
    assert c.cmd("MAIL FROM:<>").startswith("250 ")
    assert c.cmd("RCPT TO:<u@example.test>").startswith("550 5.7.23 SPF fail")
    assert c.cmd("RSET").startswith("250")
    assert c.cmd("HELO client.example").startswith("250")
    assert c.cmd("MAIL FROM:<>").startswith("250 ")
    assert c.cmd("RCPT TO:<u@example.test>").startswith("250 ")
    assert c.cmd("DATA").startswith("354")
    c.send(b"Subject: bounce\r\n\r\nx\r\n.\r\n")
    assert c.reply().startswith("250 ")
    c.close()
    message = recorder.queued()[0][0]
    assert message.startswith(b"Received-SPF: pass (")
    assert b"identity=helo;" in message.split(b"\nReceived:")[0]
    assert b'envelope-from="";' in message.split(b"\nReceived:")[0]


def test_relayclient_is_never_checked(root, recorder, dns):
    s = start(root, recorder, 6, env_extra={"RELAYCLIENT": ""})
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="client.example", timeout=20) as c:
        c.sendmail("joe@fail.test", ["u@elsewhere.test"], b"Subject: r\r\n\r\nx\r\n")
        c.sendmail("joe@temp.test", ["u@example.test"], b"Subject: r\r\n\r\nx\r\n")
    queued = recorder.queued()
    assert len(queued) == 2
    for message, _, _ in queued:
        assert b"Received-SPF" not in message
    assert "smtpd: spf " not in s.log()
    assert not any(q for q in dns.queries if q[1] == "TXT")


def test_spfbehavior_from_tcprules_overrides_the_control_file(root, recorder, dns):
    rules = root.path / "rules.txt"
    rules.write_text('127.0.0.1:allow,SPFBEHAVIOR="3"\n:allow\n')
    cdb = root.path / "rules.cdb"
    out = run(["tcprules", str(cdb), str(root.path / "rules.tmp")], input=rules.read_bytes())
    assert out.returncode == 0, out.stderr
    s = start(root, recorder, 0, rules_cdb=cdb)
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="client.example", timeout=20) as c:
        c.ehlo()
        c.mail("joe@fail.test")
        assert c.rcpt("u@example.test")[0] == 550
        c.rset()
        c.mail("joe@pass.test")
        assert c.rcpt("u@example.test")[0] == 250


def test_bad_spfbehavior_is_a_configuration_error(root, recorder, dns):
    s = start(root, recorder, None, env_extra={"SPFBEHAVIOR": "7"})
    c = s.raw()
    assert c.greeting.startswith("4"), c.greeting
    c.close()


def test_stats_count_spf_results(root, recorder, dns):
    s = start(root, recorder, 3)
    c = s.raw()
    assert c.cmd("EHLO client.example").startswith("250")
    for domain in ("pass.test", "fail.test", "fail.test", "soft.test"):
        assert c.cmd(f"MAIL FROM:<joe@{domain}>").startswith("250 ")
        c.cmd("RCPT TO:<u@example.test>")
        assert c.cmd("RSET").startswith("250")
    c.cmd("QUIT")
    c.close()
    s.wait_log("from=joe@soft.test")
    out = run([prog("mailsuite-stats"), "-P", "all", str(s.server.log_path)], env=root.env)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^  spf: fail=2 pass=1 softfail=1$", out.stdout.decode(), re.M), out.stdout
    assert re.search(r"^  rejected:.* spf=2\b", out.stdout.decode(), re.M), out.stdout
    prom = run([prog("mailsuite-stats"), "-P", "all", "-p", str(s.server.log_path)], env=root.env)
    assert 'mailsuite_spf_total{result="fail"} 2' in prom.stdout.decode(), prom.stdout


def test_authenticated_client_is_never_checked(root, recorder, dns):
    from tls_support import TlsSmtpd, Users, install_cert
    root.set("rcpthosts", "example.test")
    root.set("spfbehavior", "6")
    install_cert(root)
    users = Users(root, {"alice@example.test": "wonder land"})
    try:
        server = TlsSmtpd(root, recorder)
        r = subprocess.run(["swaks", "--server", f"127.0.0.1:{server.port}", "--ehlo", "client.example",
                            "--from", "joe@fail.test", "--to", "u@example.test", "--timeout", "20",
                            "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.test",
                            "--auth-password", "wonder land"], capture_output=True, timeout=60)
        assert r.returncode == 0, r.stdout.decode(errors="replace")
    finally:
        users.remove()
    (message, sender, _), = recorder.queued()
    assert sender == "joe@fail.test"
    assert b"Received-SPF" not in message
    assert "smtpd: spf " not in server.log()
    # the same sender unauthenticated is refused at this level
    c = RawClient(server.port)
    c.cmd("EHLO client.example")
    assert c.cmd("MAIL FROM:<joe@fail.test>").startswith("250")
    assert c.cmd("RCPT TO:<u@example.test>").startswith("550 5.7.23")
    c.close()
