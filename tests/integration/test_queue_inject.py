"""sendmail / mailsuite-inject: header handling, qualification, limits,
exit codes, QMAILQUEUE."""
import os
import re
import stat

from conftest import prog, run
from queue_util import mess_files, parse_queue_file


def inject(root, argv, data, env=None, name="sendmail"):
    return run([prog(name)] + argv, env=env or root.env, input=data)


def only_message(root):
    files = mess_files(root.queue)
    assert len(files) == 1
    return parse_queue_file(files[0])


def header_of(q):
    return q["message"].split(b"\n\n", 1)[0].decode()


def test_sendmail_t_with_bcc(root):
    data = (b"From: Alice <alice@a.test>\r\n"
            b"To: \"Bob, Jr.\" <bob@b.test>, team: carol@c.test, dave@d.test;\r\n"
            b"Cc: erin@e.test (Erin),\r\n  frank@f.test\r\n"
            b"Bcc: hidden@h.test\r\n"
            b"Subject: hello\r\n\r\nbody line\r\n")
    r = inject(root, ["-t", "-oi"], data)
    assert r.returncode == 0, r.stderr
    q = only_message(root)
    assert q["recipients"] == ["bob@b.test", "carol@c.test", "dave@d.test", "erin@e.test",
                               "frank@f.test", "hidden@h.test"]
    h = header_of(q)
    assert "Bcc" not in h and "hidden" not in h
    assert "From: Alice <alice@a.test>" in h
    assert re.search(r"^Date: \w{3}, \d+ \w{3} \d{4} ", h, re.M)
    assert re.search(r"^Message-ID: <[^>]+@mail\.example\.test>$", h, re.M)
    assert q["message"].endswith(b"\n\nbody line\n")  # CRLF converted
    assert b"\r" not in q["message"]


def test_missing_from_and_qualification(root):
    root.set("defaulthost", "host")
    root.set("defaultdomain", "example.test")
    root.set("idhost", "ids.example.test")
    env = dict(root.env, USER="joe", NAME="Joe \"Q\" User")
    r = inject(root, ["bob", "carol@mailhub", "dan@x.test"], b"Subject: s\n\nhi\n", env=env)
    assert r.returncode == 0, r.stderr
    q = only_message(root)
    assert q["sender"] == "joe@host.example.test"
    assert q["recipients"] == ["bob@host.example.test", "carol@mailhub.example.test",
                               "dan@x.test"]
    h = header_of(q)
    assert 'From: "Joe \\"Q\\" User" <joe@host.example.test>' in h
    assert re.search(r"^Message-ID: <.*@ids\.example\.test>$", h, re.M)


def test_f_and_F_options(root):
    r = inject(root, ["-f", "bounces@lists.test", "-F", "List\nX-Evil: 1", "x@y.test"],
               b"Subject: s\n\nhi\n")
    assert r.returncode == 0, r.stderr
    q = only_message(root)
    assert q["sender"] == "bounces@lists.test"
    h = header_of(q)
    assert 'From: "ListX-Evil: 1" <bounces@lists.test>' in h
    assert "\nX-Evil" not in h


def test_null_sender(root):
    r = inject(root, ["-f", "<>", "x@y.test"], b"Subject: s\n\nhi\n")
    assert r.returncode == 0, r.stderr
    assert only_message(root)["sender"] == ""


def test_dot_ends_without_i(root):
    r = inject(root, ["x@y.test"], b"Subject: s\n\nbefore\n.\nafter\n")
    assert r.returncode == 0
    assert only_message(root)["message"].endswith(b"\nbefore\n")


def test_dot_kept_with_i(root):
    r = inject(root, ["-i", "x@y.test"], b"Subject: s\n\nbefore\n.\nafter\n")
    assert r.returncode == 0
    assert only_message(root)["message"].endswith(b"\nbefore\n.\nafter\n")


def test_body_without_header_and_mbox_from_line(root):
    r = inject(root, ["x@y.test"], b"From someone Sat Jan  1 00:00:00 2000\njust text\n")
    assert r.returncode == 0, r.stderr
    m = only_message(root)["message"].decode()
    assert "From someone" not in m
    assert m.endswith("\n\njust text\n")


def test_databytes(root):
    root.set("databytes", "5000")
    r = inject(root, ["x@y.test"], b"Subject: big\n\n" + b"a" * 6000 + b"\n")
    assert r.returncode == 65
    assert b"databytes" in r.stderr
    assert mess_files(root.queue) == []
    assert list((root.queue / "tmp").iterdir()) == []
    r = inject(root, ["x@y.test"], b"Subject: small\n\nok\n")
    assert r.returncode == 0, r.stderr


def test_data_errors_exit_65(root):
    cases = [
        (["-t"], b"Subject: no recipients\n\nx\n"),
        ([], b"Subject: nobody\n\nx\n"),
        (["-t"], b"To: <broken@x.test\n\nx\n"),
        (["a@b.test\x01"], b"Subject: x\n\nx\n"),
        (["x@y.test"], b"X-Long: " + b"a" * 300000 + b"\n\nbody\n"),
    ]
    for argv, data in cases:
        r = inject(root, argv, data)
        assert r.returncode == 65, (argv, r.stderr)
        assert r.stderr.startswith(b"mailsuite-inject: ")
    assert mess_files(root.queue) == []


def test_usage_exit_64(root):
    for argv in (["-bs"], ["-q"], ["-z"], ["-f"]):
        r = inject(root, argv, b"")
        assert r.returncode == 64, argv
        assert b"usage" in r.stderr


def test_config_exit_78(root):
    root.set("databytes", "lots")
    r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n")
    assert r.returncode == 78
    assert b"databytes" in r.stderr


def test_qmailqueue_and_queue_failures(root, tmp_path):
    script = tmp_path / "fakequeue"
    out = tmp_path / "captured"
    script.write_text("#!/bin/sh\ncat > %s.msg\ncat <&1 > %s.env\n"
                      "[ -n \"$FAKE_REPLY\" ] && printf %%s \"$FAKE_REPLY\" >&6\n"
                      "exit ${FAKE_EXIT:-0}\n" % (out, out))
    script.chmod(0o755)
    env = dict(root.env, QMAILQUEUE=str(script))
    r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n", env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "captured.msg").read_bytes().endswith(b"\n\nx\n")
    assert (tmp_path / "captured.env").read_bytes().endswith(b"Tx@y.test\0\0")
    for code, expect, text in ((53, 75, b"disk full"), (31, 69, b"permanently"),
                               (91, 69, b"envelope format"), (81, 70, b"internal bug")):
        r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n", env=dict(env, FAKE_EXIT=str(code)))
        assert r.returncode == expect, (code, r.stderr)
        assert text in r.stderr
    for letter, expect in (("D", 69), ("Z", 75)):
        r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n",
                   env=dict(env, FAKE_EXIT="82", FAKE_REPLY=letter + "5.7.1 virus found"))
        assert r.returncode == expect, r.stderr
        assert b"refused the message: 5.7.1 virus found" in r.stderr
    r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n",
               env=dict(root.env, QMAILQUEUE=str(tmp_path / "missing")))
    assert r.returncode == 71, r.stderr  # cannot run the queue program
    assert r.stderr.startswith(b"mailsuite-inject: unable to run ")
    assert mess_files(root.queue) == []


def test_inject_name_and_bp(root):
    r = inject(root, ["x@y.test"], b"Subject: x\n\nx\n", name="mailsuite-inject")
    assert r.returncode == 0
    r = inject(root, ["-bp"], b"")
    assert r.returncode == 0
    assert "<x@y.test>  pending remote" in r.stdout.decode()


def test_unreadable_stdin_exit_74(root):
    d = os.open(str(root.path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        r = run([prog("sendmail"), "x@y.test"], env=root.env, stdin=d)
    finally:
        os.close(d)
    assert r.returncode == 74
    assert b"unable to read the message" in r.stderr


def test_killed_sendmail_leaves_nothing(root):
    """sendmail killed while streaming: its queue program sees the message
    end without an envelope, exits 54 and keeps nothing."""
    import subprocess
    import time
    p = subprocess.Popen([prog("sendmail"), "x@y.test"], stdin=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=root.env)
    p.stdin.write(b"Subject: killed\n\n" + b"k" * 400000)
    p.stdin.flush()
    time.sleep(0.2)
    p.kill()
    p.wait(timeout=10)
    p.stdin.close()
    deadline = time.monotonic() + 10
    while list((root.queue / "tmp").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list((root.queue / "tmp").iterdir()) == []
    assert mess_files(root.queue) == []
