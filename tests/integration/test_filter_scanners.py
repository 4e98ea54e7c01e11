"""mailsuite-filter with real peers: clamd (clamav-daemon, a private
config and socket, a signature database made at test time with
`sigtool --sha256` over the EICAR file assembled at run time) and spamd
(SpamAssassin, local tests only, GTUBE), behind the real smtpd.  Each
daemon starts once per module (they start slowly); every wait is bounded."""
import os
import re
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import Process, prog, wait_for
from email.message import EmailMessage
from email import policy as email_policy
from filter_support import Filtered, eicar, gtube, run_filter

SIGNATURE = "Mailsuite-Test-EICAR"
VIRUS = SIGNATURE + ".UNOFFICIAL"  # clamd marks signatures not from ClamAV so


def unix_chat(path, data, timeout=5):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(data)
        out = b""
        while True:
            b = s.recv(4096)
            if not b:
                return out
            out += b
    finally:
        s.close()


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    d = tmp_path_factory.mktemp("clamd")
    sample = d / "sample.com"
    sample.write_bytes(eicar())
    out = subprocess.run(["sigtool", "--sha256", str(sample)], capture_output=True, check=True,
                         timeout=60).stdout.decode().strip()
    digest, size = out.split(":")[:2]
    sample.unlink()
    db = d / "db"
    db.mkdir()
    (db / "mailsuite-test.hsb").write_text(f"{digest}:{size}:{SIGNATURE}\n")
    sock = d / "clamd.sock"
    conf = d / "clamd.conf"
    conf.write_text(f"LocalSocket {sock}\nLocalSocketMode 666\nForeground yes\nDatabaseDirectory {db}\n"
                    f"LogFile {d}/clamd.log\nPidFile {d}/clamd.pid\nStreamMaxLength 5M\n"
                    "Bytecode no\nScanMail yes\n")
    p = Process(["clamd", "-c", str(conf)], log=str(d / "clamd.out"))
    try:
        wait_for(lambda: not p.alive() or (sock.exists() and unix_chat(str(sock), b"zPING\0") == b"PONG\0"),
                 timeout=120, interval=0.2, what="clamd to answer PING")
        assert p.alive(), p.log() + (d / "clamd.log").read_text(errors="replace")
        yield str(sock)
    finally:
        p.stop()


@pytest.fixture(scope="module")
def spamd(tmp_path_factory):
    # spamd's children run as nobody: its configuration must be readable
    # by nobody, which pytest's private (0700) temporary tree is not.
    d = pathlib.Path(tempfile.mkdtemp(prefix="mailsuite-spamd-", dir="/tmp"))
    d.chmod(0o755)
    site = d / "site"
    site.mkdir()
    for pre in pathlib.Path("/etc/spamassassin").glob("*.pre"):
        (site / pre.name).write_text(pre.read_text())
    (site / "local.cf").write_text("required_score 5.0\nuse_bayes 0\nskip_rbl_checks 1\n")
    sock = d / "spamd.sock"
    p = Process(["spamd", "-L", "-x", f"--siteconfigpath={site}", f"--socketpath={sock}", "--socketmode=0666",
                 "-s", "stderr", f"--pidfile={d}/spamd.pid", "-m", "2", "--min-spare=1", "--max-spare=2",
                 "-u", "nobody", f"--helper-home-dir={d}"], log=str(d / "spamd.log"))
    try:
        wait_for(lambda: not p.alive() or sock.exists(), timeout=120, interval=0.2, what="spamd's socket")
        assert p.alive(), p.log()
        yield str(sock)
    finally:
        p.stop()
        shutil.rmtree(d, ignore_errors=True)


def with_attachment(payload, filename="test.com", subject="files"):
    m = EmailMessage()
    m["From"] = "a@sender.test"
    m["To"] = "bob@example.test"
    m["Subject"] = subject
    m.set_content("see attached\n")
    m.add_attachment(payload, maintype="application", subtype="octet-stream", filename=filename)
    return m.as_bytes(policy=email_policy.SMTP)


def test_clamd_finds_eicar(root, clamd):
    root.set("clamd", clamd)
    f = Filtered(root)
    assert f.send(with_attachment(eicar())) == (554, f"5.7.1 virus found: {VIRUS}")
    assert f.queued() == []
    assert f.send(with_attachment(b"harmless data\n"))[0] == 250
    assert len(f.queued()) == 1
    wait_for(lambda: any(f"virus={VIRUS}" in l for l in f.filter_log()), timeout=10, what="virus log line")


def test_clamd_quarantine_action(root, clamd):
    root.set("clamd", clamd)
    root.set("clamdaction", "quarantine")
    qdir = root.queue / "quarantine"
    qdir.mkdir(exist_ok=True)
    f = Filtered(root)
    code, _ = f.send(with_attachment(eicar()))
    assert code == 250
    assert f.queued() == []
    [entry] = list(qdir.iterdir())
    data = entry.read_bytes()
    assert data.startswith(b"mailsuite-quarantine 1\n")
    assert f"verdict virus: virus found: {VIRUS}".encode() in data


def test_clamd_unreachable_fails_closed_unless_failopen(root, tmp_path):
    root.set("clamd", str(tmp_path / "no-such.sock"))
    f = Filtered(root)
    assert f.send(with_attachment(b"x")) == (451, "4.3.0 virus scanner unavailable, try again later")
    assert f.queued() == []
    root.set("clamdfailopen", "1")
    assert f.send(with_attachment(b"x"))[0] == 250
    root.set("clamd", "127.0.0.1:1")  # TCP form, refused
    assert f.send(with_attachment(b"x"))[0] == 250
    root.unset("clamdfailopen")
    assert f.send(with_attachment(b"x"))[0] == 451


def test_clamd_size_limit_is_temporary(root, clamd):
    root.set("clamd", clamd)
    f = Filtered(root)
    code, text = f.send(with_attachment(os.urandom(6 * 1024 * 1024)))
    assert (code, text) == (451, "4.3.0 virus scanner unavailable, try again later")


def test_filtercontrol_clam_off_for_a_domain(root, clamd):
    root.set("clamd", clamd)
    root.set("filtercontrol", "example.test:clam=no", ":clam=yes,attach=.scr:.pif")
    f = Filtered(root)
    assert f.send(with_attachment(eicar()))[0] == 250  # first recipient's domain has clam=no
    assert f.send(with_attachment(eicar()), rcpts=("bob@example.test",), sender="x@example.test")[0] == 250
    root.set("filtercontrol", "bob@example.test:clam=yes", "example.test:clam=no")
    assert f.send(with_attachment(eicar()))[1] == f"5.7.1 virus found: {VIRUS}"
    root.set("filtercontrol", ":attach=.scr:.pif")
    assert f.send(with_attachment(b"MZ", filename="screensaver.SCR")) == (554, "5.7.1 attachment type refused: .scr")


def spam_message(body):
    return (b"From: a@sender.test\r\nTo: bob@example.test\r\nSubject: offer\r\nDate: Sat, 05 Dec 2026 04:00:00 +0000\r\n"
            b"Message-ID: <1@sender.test>\r\n\r\n" + body + b"\r\n")


def test_spamd_gtube_refused_at_spamreject(root, spamd):
    root.set("spamd", spamd)
    root.set("spamreject", "20")
    f = Filtered(root)
    code, text = f.send(spam_message(gtube()))
    m = re.fullmatch(r"5\.7\.1 message refused as spam \(score (\d+\.\d)\)", text)
    assert code == 554 and m and float(m.group(1)) >= 20, text
    assert f.send(spam_message(b"Dear Bob, lunch on Tuesday?"))[0] == 250
    [(msg, _, _)] = f.queued()
    assert b"X-Spam-Flag" not in msg


def test_spamd_tags_below_spamreject(root, spamd):
    root.set("spamd", spamd)
    f = Filtered(root)  # no spamreject: never refuse, tag what spamd calls spam
    assert f.send(spam_message(gtube()))[0] == 250
    [(msg, _, _)] = f.queued()
    assert msg.startswith(b"X-Spam-Flag: YES\n") or msg.startswith(b"X-Spam-Flag: YES\r\n")
    assert re.search(rb"^X-Spam-Status: Yes, score=\d+\.\d required=5\.0 tests=\S*GTUBE", msg, re.M), msg[:300]


def test_spamd_down_passes_unscored(root, tmp_path):
    root.set("spamd", str(tmp_path / "none.sock"))
    root.set("spamreject", "5")
    f = Filtered(root)
    assert f.send(spam_message(gtube()))[0] == 250
    wait_for(lambda: any("spamd=" in l for l in f.filter_log()), timeout=10, what="spamd error logged")


def test_filtercontrol_spamreject_per_domain(root, spamd):
    root.set("spamd", spamd)
    root.set("filtercontrol", "example.test:spamreject=15")
    f = Filtered(root)
    assert f.send(spam_message(gtube()))[0] == 554
