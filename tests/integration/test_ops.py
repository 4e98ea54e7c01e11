"""Operations (issue 9): mailsuite-setup, the generated run scripts under a
real svscan, mailsuite-check and mailsuite-stats on a real log."""
import os
import pathlib
import poplib
import socket
import subprocess
import time

from conftest import prog, run, wait_for, free_port, port_open
from instance_support import instance_dir, run_setup, start_instance, stop_instance  # noqa: F401 (fixture)


def tree(root):
    """Every path with its mode and content (files) — setup's whole output."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            content = None
            if os.path.isfile(p) and not p.endswith("trigger"):
                content = pathlib.Path(p).read_bytes()
            out[os.path.relpath(p, root)] = (st.st_mode, st.st_uid, content)
    return out


def test_setup_is_idempotent(instance_dir):
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    first = tree(root)
    for part in ("control/me", "control/rcpthosts", "control/locals", "queue/mess",
                 "service/smtpd/run", "service/smtpd/log/run", "service/send/run",
                 "service/pop3d/run", "tcp.smtp.cdb", "users"):
        assert part in first, part
    assert first["control/me"][2] == b"mail.example.test\n"
    assert run_setup(root, 2600, 2601).returncode == 0
    assert tree(root) == first
    # An operator's edit survives a second run.
    (root / "control" / "rcpthosts").write_text("example.org\n")
    assert run_setup(root, 2600, 2601).returncode == 0
    assert (root / "control" / "rcpthosts").read_text() == "example.org\n"


def test_setup_usage_errors():
    assert run([prog("mailsuite-setup"), "--bogus"]).returncode == 100
    assert run([prog("mailsuite-setup"), "--root", "/tmp/x", "--smtp-port", "0"]).returncode == 100


def test_services_under_svscan_smtp_to_pop3_and_check(instance_dir):
    root = instance_dir / "inst"
    smtp, pop3 = free_port(), free_port()
    env, home, svscan = start_instance(root, smtp, pop3)
    try:
        wait_for(lambda: port_open("127.0.0.1", smtp) and port_open("127.0.0.1", pop3),
                 timeout=20, what="smtpd and pop3d under svscan")
        time.sleep(1.2)  # so every service has been up for a second
        check = run([prog("mailsuite-check"), "--root", str(root), "--smtp", f"127.0.0.1:{smtp}"])
        assert check.returncode == 0, check.stdout.decode()
        assert b"ok   smtp 127.0.0.1" in check.stdout

        r = run(["swaks", "--server", f"127.0.0.1:{smtp}", "--to", "ann@mail.example.test",
                 "--from", "bob@example.org", "--header", "Subject: through svscan",
                 "--silent", "2"])
        assert r.returncode == 0, r.stdout
        wait_for(lambda: list((home / "Maildir" / "new").iterdir()), timeout=20,
                 what="delivery to ann's Maildir")
        p = poplib.POP3("127.0.0.1", pop3, timeout=10)
        p.user("ann@mail.example.test")
        p.pass_("secret")
        assert p.stat()[0] == 1
        body = b"\n".join(p.retr(1)[1])
        assert b"Subject: through svscan" in body
        assert b"Delivered-To: ann@mail.example.test" in body
        p.quit()

        # The logs went through multilog and mailsuite-stats reads them.
        wait_for(lambda: b"delivery" in (root / "log" / "send" / "current").read_bytes(),
                 timeout=10, what="send's log")
        stats = run([prog("mailsuite-stats"), "-P", "all", str(root / "log" / "smtpd"),
                     str(root / "log" / "send")], env=env)
        lines = stats.stdout.decode().splitlines()
        assert any(l.split()[:2] == ["smtp-in", "1"] for l in lines), lines
        assert any(l.split()[:2] == ["local", "1"] for l in lines), lines

        # A service that is down makes mailsuite-check fail.
        subprocess.run(["svc", "-d", str(root / "service" / "send")], check=True)
        wait_for(lambda: b"down" in run(["svstat", str(root / "service" / "send")]).stdout,
                 timeout=10, what="send down")
        check = run([prog("mailsuite-check"), "--root", str(root), "--smtp", f"127.0.0.1:{smtp}"])
        assert check.returncode == 1
        assert b"FAIL service " + str(root / "service" / "send").encode() + b": down" in check.stdout
    finally:
        stop_instance(root, svscan)


def test_check_fails_when_smtp_does_not_answer(instance_dir):
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    port = free_port()
    r = run([prog("mailsuite-check"), "--root", str(root), "--smtp", f"127.0.0.1:{port}"])
    assert r.returncode == 1
    assert b"FAIL smtp 127.0.0.1:" in r.stdout
    assert b"FAIL service" in r.stdout  # nothing supervised there


def test_check_flags_old_queue_and_load(instance_dir):
    root = instance_dir / "inst"
    assert run_setup(root, 2600, 2601).returncode == 0
    env = dict(os.environ, MAILSUITE_QUEUE=str(root / "queue"),
               MAILSUITE_CONTROL=str(root / "control"))
    # Queue a message with the real queue program (envelope on fd 1).
    rfd, wfd = os.pipe()
    os.write(wfd, b"Fa@b.test\0Tc@d.test\0\0")
    os.close(wfd)
    q = subprocess.run([prog("mailsuite-queue")], env=env, input=b"Subject: x\n\nhi\n",
                       stdout=rfd, timeout=30)
    os.close(rfd)
    assert q.returncode == 0
    (root / "control" / "queuewarnage").write_text("1\n")
    (root / "control" / "refusela").write_text("0.00001\n")
    time.sleep(2.1)
    out = run([prog("mailsuite-check"), "--root", str(root)]).stdout.decode()
    assert "FAIL queue age: 1 messages" in out
    assert "FAIL load:" in out


RECORDED = pathlib.Path(__file__).parent / "data" / "stats-recorded"


def test_stats_on_a_recorded_log_gives_exact_counts():
    """A log recorded from a real instance (setup --root, svscan, multilog):
    4 messages accepted, 1 refused for badmailfrom and 1 over databytes;
    2 local deliveries of 413 bytes; an unknown local user and an
    undeliverable remote domain bounce; both bounces fail and double-bounce
    to a postmaster that does not exist either (dropped)."""
    r = run([prog("mailsuite-stats"), "-P", "all", "-z", "none.example",
             str(RECORDED / "smtpd"), str(RECORDED / "send")])
    assert r.returncode == 0
    rows = {l.split()[0]: l.split()[1:] for l in r.stdout.decode().splitlines()
            if l.startswith("  ") and l.split()[0] in ("smtp-in", "local", "remote")}
    #                    messages bytes   deferrals failures
    assert rows["smtp-in"] == ["4", str(231 + 231 + 249 + 267), "0", "0"]
    assert rows["local"] == ["2", "826", "0", "4"]
    assert rows["remote"] == ["0", "0", "0", "2"]
    text = r.stdout.decode()
    assert "rejected: badmailfrom=1 size=1\n" in text
    assert "bounces 2, double bounces 2\n" in text
    prom = run([prog("mailsuite-stats"), "-p", "-z", "none.example",
                str(RECORDED / "smtpd"), str(RECORDED / "send")]).stdout.decode()
    assert 'mailsuite_messages_total{channel="smtp-in"} 4\n' in prom
    assert 'mailsuite_rejected_total{reason="size"} 1\n' in prom
    assert 'mailsuite_failures_total{channel="remote"} 2\n' in prom


def test_stats_reads_stdin_and_rejects_bad_usage():
    data = (RECORDED / "smtpd" / "current").read_bytes()
    r = run([prog("mailsuite-stats"), "-P", "all", "-z", "x"], input=data)
    assert b"smtp-in             4" in r.stdout
    assert run([prog("mailsuite-stats"), "-P", "week"]).returncode == 2
    assert run([prog("mailsuite-stats"), "/nonexistent/file"]).returncode == 111
