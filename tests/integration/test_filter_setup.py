"""What mailsuite-setup writes for the content filter (issue 25 point 3):
the commented-out QMAILQUEUE line in the smtpd run script, the commented
tcp.smtp examples (a client range filtered, as simscan and qmail-scanner
sites set QMAILQUEUE in tcp.smtp; a range exempted), each of which works
when uncommented under the real mailsuite-tcpserver; the quarantine
directory; and mailsuite-check against control/quarantinewarn."""
import os
import re
import smtplib
import types

from conftest import BIN, prog, run
from filter_support import run_filter, seed_rules
from instance_support import instance_dir, run_setup  # noqa: F401 (fixture)
from test_tcpserver import Instance, inst  # noqa: F401 (inst is a fixture)

FILTER = f"{BIN}/mailsuite-filter"


def example_rules(root):
    """tcp.smtp's commented-out rules, uncommented."""
    text = (root / "tcp.smtp").read_text()
    return [l[2:] for l in text.splitlines() if re.match(r"# [0-9.]+:allow,", l)]


def test_setup_writes_the_filter_line_tcprules_examples_and_quarantine(instance_dir):
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    run_script = (root / "service/smtpd/run").read_text()
    assert f"\n# QMAILQUEUE={BIN}/mailsuite-filter; export QMAILQUEUE\n" in run_script
    assert f"MAILSUITE_QUARANTINE={root}/queue/quarantine\n" in run_script
    assert example_rules(root) == [f'192.0.2.:allow,QMAILQUEUE="{BIN}/mailsuite-filter"',
                                   '10.:allow,RELAYCLIENT="",QMAILQUEUE=""']
    # the examples stay comments: the compiled rules are setup's two
    assert (root / "tcp.smtp.cdb").exists()
    assert (root / "queue/quarantine").is_dir()
    assert (root / "queue/quarantine").stat().st_mode & 0o777 == 0o700


def send(port, subject):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.ehlo("client.test")
        s.mail("alice@sender.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(f"From: a@sender.test\r\nTo: bob@example.test\r\nSubject: {subject}\r\n\r\nhi\r\n")
        return code, text.decode(errors="replace")


def test_the_tcprules_examples_filter_a_range_and_exempt_one(inst, instance_dir):
    """Each example, with 127.0.0.1 as its range, does what tcp.smtp says
    under the real mailsuite-tcpserver and smtpd (the real queue behind)."""
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    filtered, exempt = example_rules(root)
    inst.root.set("filterrules", *seed_rules())
    # a range filtered by its rule; the run script sets no QMAILQUEUE
    cdb = inst.rules(filtered.replace("192.0.2.", "127.0.0.1") + "\n:allow\n",
                     name="filtered")
    server = inst.server(["-x", str(cdb)])
    assert send(server.port, "ILOVEYOU") == (554, "5.7.1 Access Denied - This message may contain a virus.")
    assert send(server.port, "I LOVE YOU")[0] == 250
    # a range exempted from the run script's filter
    cdb = inst.rules(exempt.replace("10.", "127.0.0.1") + "\n:allow\n", name="exempt")
    server = inst.server(["-x", str(cdb)], env=dict(inst.env, QMAILQUEUE=FILTER))
    assert send(server.port, "ILOVEYOU")[0] == 250
    # and without the rule, the run script's filter applies
    cdb = inst.rules(":allow\n", name="plain")
    server = inst.server(["-x", str(cdb)], env=dict(inst.env, QMAILQUEUE=FILTER))
    assert send(server.port, "ILOVEYOU")[0] == 554


def test_check_fails_when_the_quarantine_holds_more_than_quarantinewarn(instance_dir):
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    quarantine = root / "queue/quarantine"
    env = dict(os.environ, MAILSUITE_CONTROL=str(root / "control"), MAILSUITE_QUEUE=str(root / "queue"),
               MAILSUITE_QUARANTINE=str(quarantine), MAILSUITE_BIN=str(BIN))
    (root / "control/filterrules").write_text("hold me\tPolicy-Subject:\tsuspicious\tquarantine\n")

    def check_line():
        out = run([prog("mailsuite-check"), "--root", str(root)]).stdout.decode()
        [line] = [l for l in out.splitlines() if " quarantine: " in l]
        return line

    assert check_line() == "ok   quarantine: 0 messages (limit 100)"
    for _ in range(2):
        code, _, err, _, _ = run_filter(types.SimpleNamespace(env=env), b"Subject: hold me\n\nx\n")
        assert code == 0 and "verdict=quarantine" in err, err
    assert len(os.listdir(quarantine)) == 2
    (quarantine / ".1.2.3.tmp").write_text("being written")  # not counted
    (root / "control/quarantinewarn").write_text("1\n")
    assert check_line() == "FAIL quarantine: 2 messages (limit 1): see mailsuite-quarantine list"
    (root / "control/quarantinewarn").write_text("2\n")
    assert check_line() == "ok   quarantine: 2 messages (limit 2)"
    os.rename(quarantine, root / "gone")
    assert check_line() == f"ok   quarantine: none (no {quarantine})"
