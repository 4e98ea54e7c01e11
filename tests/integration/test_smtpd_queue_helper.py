"""smtpd's queue helper (smtpd/QUEUE_HELPER.md): one child per session,
forked before any input is read, writes every message of the session into
the queue without an exec of mailsuite-queue; with $QMAILQUEUE set, or once
the helper is gone, each message goes through an exec'd queue program as
before.  Installed set-uid to the queue owner, smtpd gives that identity up
for good while the helper keeps it.  Real tcpserver, real smtplib."""
import os
import pathlib
import re
import shutil
import signal
import smtplib
import subprocess
import tempfile

import pytest

from conftest import Root, free_port, port_open, prog, wait_for
from queue_util import mess_files, parse_queue_file

MESSAGE = b"Subject: helper\r\n\r\nbody\r\n"


@pytest.fixture
def smtpd():
    """An instance the queue owner can reach (pytest's own directories are
    root's alone, and a helper started by root becomes the queue owner)."""
    d = tempfile.mkdtemp(prefix="mshelper-")
    os.chmod(d, 0o755)
    root = Root(pathlib.Path(d) / "root")
    root.set("rcpthosts", "example.test")
    env = dict(root.env)
    env.pop("QMAILQUEUE", None)
    yield root, env
    root.stop_all()
    shutil.rmtree(d, ignore_errors=True)


def send_two(port):
    """Two messages in one session; the 250 replies' "qp PID" for each."""
    pids = []
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
        for n in range(2):
            s.ehlo("client.test")
            s.mail(f"a{n}@client.test")
            s.rcpt("bob@example.test")
            code, text = s.data(MESSAGE)
            assert code == 250, text
            pids.append(int(re.search(rb"qp (\d+)", text).group(1)))
    return pids


def received_pid(path):
    message = parse_queue_file(path)["message"]
    return int(re.match(rb"Received: \(mailsuite-queue (\d+) invoked by uid (\d+)\)", message).group(1))


def test_one_helper_writes_every_message_of_a_session(smtpd):
    root, env = smtpd
    server = root.tcpserver([prog("mailsuite-smtpd")], env=env)
    pids = send_two(server.port)
    assert pids[0] == pids[1], pids  # the same process, no exec per message
    files = mess_files(root.queue)
    assert len(files) == 2
    assert {received_pid(f) for f in files} == {pids[0]}


def test_a_content_filter_still_gets_an_exec_per_message(smtpd):
    root, env = smtpd
    env["QMAILQUEUE"] = prog("mailsuite-queue")
    server = root.tcpserver([prog("mailsuite-smtpd")], env=env)
    pids = send_two(server.port)
    assert pids[0] != pids[1], pids
    assert len(mess_files(root.queue)) == 2


def helper_of(smtpd_pid):
    children = pathlib.Path(f"/proc/{smtpd_pid}/task/{smtpd_pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def smtpd_under(tcpserver_pid):
    """The one smtpd of our session; the smtpd of the port probe that
    started the server may still be on its way out."""
    path = pathlib.Path(f"/proc/{tcpserver_pid}/task/{tcpserver_pid}/children")
    wait_for(lambda: len(path.read_text().split()) == 1, timeout=10, what="a single smtpd")
    return int(path.read_text().split()[0])


def gone_or_zombie(pid):
    try:
        return " Z " in pathlib.Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except FileNotFoundError:
        return True


def test_a_dead_helper_is_replaced_by_the_queue_program(smtpd):
    root, env = smtpd
    server = root.tcpserver([prog("mailsuite-smtpd")], env=env)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        s.mail("a@client.test")
        s.rcpt("bob@example.test")
        code, text = s.data(MESSAGE)
        assert code == 250, text
        helper = int(re.search(rb"qp (\d+)", text).group(1))
        assert helper == helper_of(smtpd_under(server.pid))
        # Its stdin and stdout are not the client's connection.
        for fd in (0, 1):
            assert os.readlink(f"/proc/{helper}/fd/{fd}") == "/dev/null"
        os.kill(helper, signal.SIGKILL)
        wait_for(lambda: gone_or_zombie(helper), timeout=10, what="the helper's death")
        s.mail("a@client.test")
        s.rcpt("bob@example.test")
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert int(re.search(rb"qp (\d+)", text).group(1)) != helper
    assert len(mess_files(root.queue)) == 2


def test_an_aborted_message_leaves_nothing_and_the_helper_serves_on(smtpd):
    root, env = smtpd
    root.set("databytes", "200")
    server = root.tcpserver([prog("mailsuite-smtpd")], env=env)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        helper = helper_of(smtpd_under(server.pid))
        # Over databytes: read to its end and refused; the helper sees its
        # pipes close without an envelope and queues nothing.
        s.mail("big@client.test")
        s.rcpt("bob@example.test")
        code, _ = s.data(b"Subject: big\r\n\r\n" + b"x" * 300 + b"\r\n")
        assert code == 552
        assert mess_files(root.queue) == [] and list((root.queue / "tmp").iterdir()) == []
        s.mail("small@client.test")
        s.rcpt("bob@example.test")
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert int(re.search(rb"qp (\d+)", text).group(1)) == helper
    assert len(mess_files(root.queue)) == 1


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="needs root and unshare for a private /var/spool")
def test_setuid_smtpd_drops_its_identity_and_the_helper_keeps_it():
    """Installed set-uid to the queue owner (uid 1 standing in for
    mailsuite) and run by tcpserver as uid 65534 (msdaemon): the session
    process has 65534 for all its ids, the helper 1, the queue file belongs
    to 1 and names 65534 as the invoker.  A set-uid smtpd ignores
    MAILSUITE_QUEUE, so /var/spool/mailsuite is a private bind mount."""
    with tempfile.TemporaryDirectory(prefix="mshelper-") as d:
        d = pathlib.Path(d)
        os.chmod(d, 0o755)
        spool, bindir = d / "spool", d / "bin"
        spool.mkdir(mode=0o755)
        bindir.mkdir(mode=0o755)
        queue = spool / "mailsuite"
        subprocess.run([prog("mailsuite-setup"), "--queue", str(queue)], check=True, timeout=30)
        for dirpath, dirnames, filenames in os.walk(queue):
            for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
                os.lchown(n, 1, 1)
        binary = bindir / "mailsuite-smtpd"
        shutil.copy(prog("mailsuite-smtpd"), binary)
        os.chown(binary, 1, 1)
        os.chmod(binary, 0o4711)
        port = free_port()
        script = (f"mount --make-rprivate / && mount --bind {spool} /var/spool && "
                  f"exec tcpserver -q -R -H -l localhost -u 65534 -g 65534 127.0.0.1 {port} {binary}")
        env = {"PATH": os.environ["PATH"], "RELAYCLIENT": ""}
        server = subprocess.Popen(["unshare", "-m", "sh", "-c", script], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
        try:
            wait_for(lambda: port_open("127.0.0.1", port) or server.poll() is not None, timeout=10,
                     what="tcpserver in its mount namespace")
            assert server.poll() is None, server.stderr.read()
            with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
                s.ehlo("client.test")
                tcp = int(subprocess.run(["pgrep", "-s", str(server.pid), "-x", "tcpserver"],
                                         capture_output=True, text=True, timeout=10).stdout.split()[0])
                session = smtpd_under(tcp)
                helper = helper_of(session)
                ids = {}
                for name, pid in (("session", session), ("helper", helper)):
                    status = pathlib.Path(f"/proc/{pid}/status").read_text()
                    ids[name] = re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()
                assert ids["session"] == ["65534"] * 4, ids
                assert ids["helper"] == ["1"] * 4, ids
                s.mail("a@client.test")
                s.rcpt("bob@example.test")
                code, text = s.data(MESSAGE)
                assert code == 250, text
            files = mess_files(queue)
            assert len(files) == 1
            assert files[0].stat().st_uid == 1
            message = parse_queue_file(files[0])["message"]
            assert re.match(rb"Received: \(mailsuite-queue %d invoked by uid 65534\)" % helper, message)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
