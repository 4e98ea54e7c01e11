"""mpop, a real POP3 client, fetches a mailbox non-interactively."""
import mailbox
import os

from conftest import run
from pop3d_support import pop3, deliver


def write_mpop_config(path, port, user, password, mbox, keep=False):
    path.write_text(
        "defaults\n"
        "tls off\n"
        "timeout 20\n"
        "account test\n"
        "host 127.0.0.1\n"
        f"port {port}\n"
        f"user {user}\n"
        f"password {password}\n"
        "auth user\n"
        f"delivery mbox {mbox}\n"
        f"uidls_file {path.parent}/uidls\n"
        f"keep {'on' if keep else 'off'}\n")
    os.chmod(path, 0o600)


def test_mpop_fetches_and_deletes(pop3, tmp_path):
    server = pop3({"alice@example.test": "pw"})
    md = server.maildir("alice@example.test")
    subjects = [f"message {i}" for i in range(5)]
    for i, s in enumerate(subjects):
        deliver(md, f"From: a@example.test\nSubject: {s}\n\nbody {i}\n.dot line\n", when=1000 + i)
    mbox = tmp_path / "fetched.mbox"
    conf = tmp_path / "mpoprc"

    # First run keeps the mail: mpop remembers the UIDLs.
    write_mpop_config(conf, server.port, "alice@example.test", "pw", mbox, keep=True)
    r = run(["mpop", "-C", str(conf), "-q", "test"], timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    got = [m["Subject"] for m in mailbox.mbox(str(mbox))]
    assert got == subjects
    assert mailbox.mbox(str(mbox))[0].get_payload() == "body 0\n.dot line\n"

    # Second run: nothing new (UIDLs are stable across sessions and the
    # new/ -> cur/ move), and without keep the old ones are deleted.
    write_mpop_config(conf, server.port, "alice@example.test", "pw", mbox, keep=False)
    r = run(["mpop", "-C", str(conf), "-q", "test"], timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    assert len(mailbox.mbox(str(mbox))) == 5
    assert os.listdir(md / "new") == [] and os.listdir(md / "cur") == []

    deliver(md, "Subject: late\n\nx\n", when=5000)
    r = run(["mpop", "-C", str(conf), "-q", "test"], timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    assert [m["Subject"] for m in mailbox.mbox(str(mbox))][-1] == "late"


def test_mpop_reports_a_wrong_password(pop3, tmp_path):
    server = pop3({"alice@example.test": "pw"})
    conf = tmp_path / "mpoprc"
    write_mpop_config(conf, server.port, "alice@example.test", "nope", tmp_path / "mbox")
    r = run(["mpop", "-C", str(conf), "-q", "test"], timeout=60)
    assert r.returncode != 0
    assert b"authentication failed" in r.stderr
