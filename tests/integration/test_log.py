"""mailsuite-log (issue 23) on a real instance: mailsuite-setup --root,
the generated services under svscan with multilog, a message sent with
swaks and delivered; one command traces its whole life (smtpd -> queue ->
send -> local) by queue id or by Message-ID, in time order, and -f
follows the next message as it happens."""
import os
import re
import subprocess
import time

from conftest import prog, run, wait_for, free_port, port_open
from instance_support import instance_dir, start_instance, stop_instance  # noqa: F401 (fixture)

LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}) (\S+) (.*)$")
# send's hops, in the order one process writes them.
SEND_HOPS = ["mailsuite-send: new ", "mailsuite-send: starting ", "mailsuite-send: delivery ",
             "mailsuite-send: end "]


def send_mail(port, mid, subject):
    data = (f"From: bob@example.org\nTo: ann@mail.example.test\nSubject: {subject}\n"
            f"Message-ID: {mid}\n\nhello\n")
    r = run(["swaks", "--server", f"127.0.0.1:{port}", "--to", "ann@mail.example.test",
             "--from", "bob@example.org", "--data", data, "--silent", "2"])
    assert r.returncode == 0, r.stdout


def local_seconds(text):
    return time.mktime(time.strptime(text[:19], "%Y-%m-%d %H:%M:%S")) + float(text[19:])


def assert_life(lines, queue_id):
    """smtpd's accepted line, then send's hops in order, nothing else.
    smtpd logs its line when the queue program has exited, send its `new`
    when the trigger wakes it: the two are written at the same moment by
    two processes, so only "after the queue file was created" holds for
    smtpd's line (the queue id's microseconds)."""
    parsed = [LINE.match(l) for l in lines]
    assert all(parsed), lines
    times = [m.group(1) for m in parsed]
    assert times == sorted(times), lines
    smtpd = [m for m in parsed if m.group(2) == "smtpd"]
    assert len(smtpd) == 1 and smtpd[0].group(3).startswith("smtpd: message "), lines
    assert "result=accepted" in smtpd[0].group(3) and " qp " in smtpd[0].group(3)
    created = int(queue_id.split(".")[1]) / 1e6
    assert local_seconds(smtpd[0].group(1)) >= created - 0.001, (lines, created)
    send = [m.group(3) for m in parsed if m.group(2) == "send"]
    hops = iter(SEND_HOPS)
    want = next(hops)
    for text in send:
        assert f"msg={queue_id}" in text, text
        if want and text.startswith(want):
            want = next(hops, None)
    assert want is None, f"missing {want} in order: {lines}"
    assert send[0].startswith("mailsuite-send: new ") and send[-1].startswith("mailsuite-send: end ")
    assert any("channel=local" in l for l in send) and any("result=success" in l for l in send)


def test_one_command_traces_a_message_through_the_logs(instance_dir):
    root = instance_dir / "inst"
    smtp, pop3 = free_port(), free_port()
    _, _, svscan = start_instance(root, smtp, pop3)
    follower = None
    try:
        wait_for(lambda: port_open("127.0.0.1", smtp), timeout=20, what="smtpd under svscan")
        send_log = root / "log" / "send" / "current"
        # Another message first, so the trace has something to leave out.
        send_mail(smtp, "<other-1@example.org>", "other")
        send_mail(smtp, "<trace-1@example.org>", "traced")
        wait_for(lambda: send_log.exists() and send_log.read_bytes().count(b" end msg=") >= 2,
                 timeout=20, what="both messages delivered and logged")
        log_text = send_log.read_text()
        queue_id = re.search(r"new msg=(\S+) .*mid=<trace-1@example.org>", log_text).group(1)

        by_id = run([prog("mailsuite-log"), "--root", str(root), queue_id])
        assert by_id.returncode == 0, by_id.stderr
        lines = by_id.stdout.decode().splitlines()
        assert_life(lines, queue_id)
        assert "other-1" not in by_id.stdout.decode()
        assert b"bytes=" in by_id.stdout and b"mid=<trace-1@example.org>" in by_id.stdout

        by_mid = run([prog("mailsuite-log"), "-d", str(root / "log"), "<trace-1@example.org>"])
        assert by_mid.stdout == by_id.stdout
        assert run([prog("mailsuite-log"), "--root", str(root), "trace-1@example.org"]).stdout == by_id.stdout

        # Without an id: the whole stream, both services, in time order.
        everything = run([prog("mailsuite-log"), "--root", str(root)]).stdout.decode().splitlines()
        assert len(everything) > len(lines)
        assert {LINE.match(l).group(2) for l in everything} >= {"smtpd", "send", "pop3d"}
        assert [LINE.match(l).group(1) for l in everything] == sorted(LINE.match(l).group(1) for l in everything)

        # An id nobody logged: exit 1, nothing printed; bad usage: 2; no logs: 111.
        none = run([prog("mailsuite-log"), "--root", str(root), "<nobody@example.org>"])
        assert none.returncode == 1 and none.stdout == b""
        assert run([prog("mailsuite-log"), "-x"]).returncode == 2
        assert run([prog("mailsuite-log"), "-d", str(instance_dir / "nothing")]).returncode == 111

        # -f follows the next message as it happens.
        follower = subprocess.Popen([prog("mailsuite-log"), "-f", "--root", str(root), "<follow-1@example.org>"],
                                    stdout=subprocess.PIPE, start_new_session=True)
        time.sleep(0.5)
        send_mail(smtp, "<follow-1@example.org>", "followed")
        got = []
        deadline = time.monotonic() + 20
        os.set_blocking(follower.stdout.fileno(), False)
        while time.monotonic() < deadline and not any(" end msg=" in l for l in got):
            chunk = follower.stdout.read()
            if chunk:
                got += chunk.decode().splitlines()
            time.sleep(0.1)
        follow_id = re.search(r"new msg=(\S+)", "\n".join(got)).group(1)
        assert_life(got, follow_id)
    finally:
        if follower:
            os.killpg(follower.pid, 15)
            follower.wait(timeout=10)
        stop_instance(root, svscan)
