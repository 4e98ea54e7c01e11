"""mailsuite-local: forwards through a queue program, mail loops."""
import os
import pathlib

from conftest import prog
from local_support import MESSAGE, Home, reason, recording_queue, run_local


def test_forward_exit_codes_of_the_queue_program(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&a@example.org\n")
    for code, expected, text in [(31, 100, "permanently refuses"), (11, 100, "address too long"),
                                 (53, 111, "disk full"), (71, 111, "temporarily refuses")]:
        script, _ = recording_queue(tmp_path, exit_code=code)
        cp = run_local(root, home, env={"QMAILQUEUE": str(script)})
        assert cp.returncode == expected, (code, cp.stdout)
        assert text in reason(cp)


def test_queue_program_that_reads_nothing(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&a@example.org\n")
    script = tmp_path / "lazy-queue"
    script.write_text("#!/bin/sh\nexit 0\n")
    os.chmod(script, 0o755)
    big = b"Subject: x\n\n" + b"y" * 300000
    cp = run_local(root, home, message=big, env={"QMAILQUEUE": str(script)})
    assert cp.returncode == 111
    assert "did not read it all" in reason(cp)


def test_missing_queue_program_defers(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&a@example.org\n")
    cp = run_local(root, home, env={"QMAILQUEUE": str(tmp_path / "nonexistent")})
    assert cp.returncode == 111
    assert "Unable to forward" in reason(cp)


def test_forward_of_the_null_sender_keeps_it(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&a@example.org\n")
    script, rec = recording_queue(tmp_path)
    assert run_local(root, home, sender="", env={"QMAILQUEUE": str(script)}).returncode == 0
    assert (rec / "envelope").read_bytes() == b"F\0Ta@example.org\0\0"


def test_forward_through_the_real_queue(root, tmp_path):
    queue_prog = prog("mailsuite-queue")
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&fwd@example.org\n")
    assert os.path.exists(queue_prog) and (root.queue / "mess").is_dir()
    env = {k: v for k, v in root.env.items() if k != "QMAILQUEUE"}
    cp = run_local(root, home, env=env)
    assert cp.returncode == 0, cp.stdout
    [queued] = list((root.queue / "mess").iterdir())
    data = queued.read_bytes()
    assert b"Delivered-To: joe@example.test\n" + MESSAGE in data
    assert data.endswith(b"Falice@example.org\0Tfwd@example.org\0\0")


def test_our_delivered_to_is_a_loop(root, tmp_path):
    home = Home(tmp_path / "joe")
    looping = b"Delivered-To: someone@else.test\nDelivered-To: Joe@Example.TEST\n" + MESSAGE
    cp = run_local(root, home, message=looping)
    assert cp.returncode == 100
    assert reason(cp) == "This message is looping: it already has my Delivered-To line. (#5.4.6)"
    assert home.new_messages() == []
    # the same line in the body is no loop
    body = MESSAGE + b"Delivered-To: joe@example.test\n"
    assert run_local(root, home, message=body).returncode == 0


def test_forwarded_copy_coming_back_is_a_loop(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "&joe@example.test\n")
    script, rec = recording_queue(tmp_path)
    assert run_local(root, home, env={"QMAILQUEUE": str(script)}).returncode == 0
    back = (rec / "message").read_bytes()
    cp = run_local(root, home, message=back, env={"QMAILQUEUE": str(script)})
    assert cp.returncode == 100
    assert "looping" in reason(cp)


def test_more_than_100_received_lines_bounce(root, tmp_path):
    home = Home(tmp_path / "joe")
    hops = b"Received: from a by b\n" * 100
    assert run_local(root, home, message=hops + MESSAGE[MESSAGE.index(b"From:"):]).returncode == 0
    cp = run_local(root, home, message=hops + MESSAGE)  # MESSAGE has one more
    assert cp.returncode == 100
    assert "more than 100 Received" in reason(cp)
    assert len(home.new_messages()) == 1
