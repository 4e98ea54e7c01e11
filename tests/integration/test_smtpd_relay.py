"""mailsuite-smtpd relay control under the real tcpserver: rcpthosts,
morercpthosts.cdb, RELAYCLIENT (environment and tcprules), every
open-relay trick, badmailfrom/badrcptto."""
import smtplib

import pytest

from conftest import run
from smtpd_support import recorder, smtpd, Smtpd, write_cdb  # noqa: F401 (fixtures)


def rcpt(port, address, sender="a@example.net"):
    with smtplib.SMTP("127.0.0.1", port, local_hostname="c.example", timeout=10) as s:
        s.ehlo()
        s.mail(sender)
        code, text = s.docmd("RCPT TO:" + address)
        return code, text.decode()


TRICKS = [
    "<u@other.test>",                      # plain relay attempt
    "<u%other.test@example.test>",         # percent hack
    "<@example.test:u@other.test>",        # source route to someone else
    "<\"u@other.test\"@example.test>",     # quoted @ in the local part
    "<other.test!u@example.test>",         # bang path
    "<u@[198.51.100.7]>",                  # an IP literal that is not ours
    "<u@[IPv6:2001:db8::1]>",
    "<u@other.test@example.test>",         # two @: a syntax error
    "<u@example.test.other.test>",
]


@pytest.mark.parametrize("address", TRICKS)
def test_open_relay_tricks_are_refused(root, smtpd, recorder, address):
    code, text = rcpt(smtpd.port, address)
    assert code in (553, 501), text
    assert text.startswith("5.7.1 relaying denied") or text.startswith("5.1.3"), text


def test_ours_accepted(root, smtpd, recorder):
    assert rcpt(smtpd.port, "<u@example.test>")[0] == 250
    assert rcpt(smtpd.port, "<u@deep.sub.example.test>")[0] == 250
    assert rcpt(smtpd.port, "<@other.test:u@example.test>")[0] == 250  # route dropped, RFC 5321 C
    assert rcpt(smtpd.port, "<Postmaster>")[0] == 250
    # [TCPLOCALIP] is ours and becomes localiphost
    root.set("localiphost", "lit.example.test")
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="c", timeout=10) as s:
        s.sendmail("a@example.net", ["u@[127.0.0.1]"], b"Subject: lit\r\n\r\nx\r\n")
    assert recorder.queued()[0][2] == ["u@lit.example.test"]


def test_percenthack_lists_the_domain(root, smtpd, recorder):
    assert rcpt(smtpd.port, "<u%other.test@example.test>")[0] == 553
    root.set("percenthack", "example.test")
    assert rcpt(smtpd.port, "<u%other.test@example.test>")[0] == 250


def test_morercpthosts_cdb(root, smtpd, recorder):
    assert rcpt(smtpd.port, "<u@more.test>")[0] == 553
    write_cdb(root.control / "morercpthosts.cdb", ["more.test", ".wild.test"])
    assert rcpt(smtpd.port, "<u@more.test>")[0] == 250
    assert rcpt(smtpd.port, "<u@x.wild.test>")[0] == 250
    assert rcpt(smtpd.port, "<u@wild.test>")[0] == 553
    assert rcpt(smtpd.port, "<u@other.test>")[0] == 553


def test_relayclient_from_environment_appends(root, recorder):
    root.set("rcpthosts", "example.test")
    s = Smtpd(root, recorder, env_extra={"RELAYCLIENT": "@fixup"})
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="c", timeout=10) as c:
        c.sendmail("a@example.net", ["u@other.test"], b"Subject: r\r\n\r\nx\r\n")
    assert recorder.queued()[0][2] == ["u@other.test@fixup"]


def test_relayclient_from_tcprules(root, recorder):
    rules = root.path / "rules.txt"
    rules.write_text('127.0.0.1:allow,RELAYCLIENT=""\n:allow\n')
    cdb = root.path / "rules.cdb"
    out = run(["tcprules", str(cdb), str(root.path / "rules.tmp")], input=rules.read_bytes())
    assert out.returncode == 0, out.stderr
    root.set("rcpthosts", "example.test")
    s = Smtpd(root, recorder, rules_cdb=cdb)
    with smtplib.SMTP("127.0.0.1", s.port, local_hostname="c", timeout=10) as c:
        c.sendmail("a@example.net", ["u@other.test", "v@[198.51.100.7]"], b"Subject: r\r\n\r\nx\r\n")
    assert recorder.queued()[0][2] == ["u@other.test", "v@[198.51.100.7]"]


def test_badmailfrom_and_badrcptto(root, smtpd, recorder):
    root.set("badmailfrom", "@spam.test", "known@bad.test")
    root.set("badrcptto", "@sub.example.test", "nobody@example.test")
    with smtplib.SMTP("127.0.0.1", smtpd.port, local_hostname="c", timeout=10) as s:
        s.ehlo()
        assert s.mail("x@SPAM.test")[0] == 553
        assert s.mail("Known@bad.test")[0] == 553
        assert s.mail("ok@bad.test")[0] == 250
        assert s.rcpt("u@x.sub.example.test")[0] == 250  # @domain is that domain only
        assert s.rcpt("u@sub.example.test") == (553, b"5.7.1 recipient refused (badrcptto)")
        assert s.rcpt("nobody@example.test")[0] == 553
        assert s.rcpt("somebody@example.test")[0] == 250
