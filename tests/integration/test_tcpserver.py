"""mailsuite-tcpserver, the tcpserver in front of mailsuite-smtpd
(smtpd/mailsuite-tcpserver.main.cc, tcp_listener.cc, tcp_connection.cc,
tcp_rules.cc, tcpserver_options.cc, tcpserver_identity.cc), as an operator
sees it: our own mailsuite-smtpd runs in the forked child without an exec
and queues mail with the client's address; any other program is exec'd
with ucspi-tcp's environment (PROTO, TCPLOCALIP/PORT, TCPREMOTEIP/PORT,
TCPLOCALHOST only with -l, no stale TCPREMOTEHOST/INFO) and nothing but
fds 0-2; tcprules cdbs (-x, -X) allow, deny and set variables; -c holds
callers in the backlog; started as root with -u/-g the listener is the
session user with the queue owner's effective uid, each session drops to
the session user and its queue helper is the queue owner; SIGTERM stops
the listener and leaves running sessions alone; bad command lines are
refused before anything is bound; -1 prints the port the kernel chose.

Real smtplib clients and raw sockets on 127.0.0.0/8, tcprules from
ucspi-tcp, every wait bounded, every process stopped afterwards."""
import os
import pathlib
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import Root, ensure_account, free_port, port_open, prog, run, wait_for
from queue_util import mess_files, parse_queue_file

MESSAGE = b"Subject: tcpserver\r\n\r\nbody\r\n"
TCPSERVER = prog("mailsuite-tcpserver")
SMTPD = prog("mailsuite-smtpd")
# What the listener must not hand down from its own environment.
SCRUB = ("RELAYCLIENT", "QMAILQUEUE", "FOO", "PROTO", "TCPLOCALIP", "TCPLOCALPORT",
         "TCPLOCALHOST", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPREMOTEHOST", "TCPREMOTEINFO")

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


class Instance:
    """A private instance in a 0755 directory (pytest's own are root's
    alone, and the queue helper becomes the queue owner), rcpthosts the
    local domain only, and the mailsuite-tcpserver processes it started."""

    def __init__(self, path):
        self.dir = pathlib.Path(path)
        self.root = Root(self.dir / "root")
        self.root.set("rcpthosts", "example.test")
        self.env = {k: v for k, v in self.root.env.items() if k not in SCRUB}
        self.count = 0

    def rules(self, text, name="rules"):
        """Compiles tcprules text into DIR/name.cdb; returns its path."""
        cdb, tmp = self.dir / f"{name}.cdb", self.dir / f"{name}.tmp"
        r = run(["tcprules", str(cdb), str(tmp)], input=text.encode(), timeout=10)
        assert r.returncode == 0, r.stderr
        os.chmod(cdb, 0o644)
        return cdb

    def launch(self, options=(), program=(SMTPD,), host="127.0.0.1", env=None):
        """Starts `mailsuite-tcpserver -1 OPTIONS host 0 PROGRAM` (stdout
        and stderr share the log)."""
        self.count += 1
        argv = [TCPSERVER, "-1", *options, host, "0", *program]
        p = self.root.start(argv, env=env or self.env, log_name=f"tcpserver-{self.count}.log")
        p.host = host
        return p

    @staticmethod
    def ready(p):
        """Waits for the port p prints on stdout."""
        m = wait_for(lambda: re.match(r"(\d+)\n", p.log()) or (not p.alive() and "dead"),
                     timeout=10, what="the port on stdout")
        assert p.alive(), p.log()
        p.port = int(m.group(1))
        return p

    def server(self, *args, **kw):
        return self.ready(self.launch(*args, **kw))


@pytest.fixture
def inst():
    d = tempfile.mkdtemp(prefix="mstcpserver-")
    os.chmod(d, 0o755)
    i = Instance(d)
    yield i
    i.root.stop_all()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(autouse=True)
def one_process_per_connection(request):
    """This file tests the child forked for each connection (qmail's
    shape, control/smtpdmaxuse 1); the pooled session workers, the
    default, are tested in test_smtpd_workers.py.  Only here: files that
    import `inst` run under the default."""
    if "inst" in request.fixturenames:
        request.getfixturevalue("inst").root.set("smtpdmaxuse", "1")


def log_has(p, pattern, timeout=10):
    """Waits for a line of p's log matching pattern; returns the match."""
    return wait_for(lambda: re.search(pattern, p.log(), re.M), timeout=timeout,
                    what=f"{pattern!r} in the log")


def connect(port, source="127.0.0.1", timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(source, 0))


def read_to_eof(sock, timeout=10):
    """Everything the server sends until it closes (bounded)."""
    sock.settimeout(timeout)
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk


def read_line(sock, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def status_ids(pid, field):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return re.search(rf"^{field}:\s*(.*)$", status, re.M).group(1).split()


def children(pid):
    return [int(c) for c in pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def only_child(pid):
    wait_for(lambda: len(children(pid)) == 1, timeout=10, what=f"one child of {pid}")
    return children(pid)[0]


def is_session(pid):
    """A session has the client's socket on fd 0; a pooled queue helper
    has /dev/null there."""
    try:
        return os.readlink(f"/proc/{pid}/fd/0").startswith("socket:")
    except OSError:
        return False


def session_child(pid):
    """The listener's one session child (its other children are the
    pool's queue helpers)."""
    found = wait_for(lambda: [c for c in children(pid) if is_session(c)], timeout=10,
                     what=f"a session child of {pid}")
    assert len(found) == 1, found
    return found[0]


def pool_helpers(pid):
    return [c for c in children(pid) if not is_session(c)]


def qp(text):
    """The queue helper's pid in a 250 reply ("... qp <pid>")."""
    return int(re.search(rb"qp (\d+)", text).group(1))


def send_one(port, rcpt="bob@example.test", source="127.0.0.1"):
    with smtplib.SMTP("127.0.0.1", port, timeout=20, source_address=(source, 0)) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        code, text = s.rcpt(rcpt)
        assert code == 250, (code, text)
        code, text = s.data(MESSAGE)
        assert code == 250, (code, text)
        return s.sock.getsockname()[1]


# 1. Our own smtpd, in the forked child.

def test_in_process_smtpd_queues_a_message_with_the_client_address(inst):
    """Started as root without -u/-g (the operator who leaves them out):
    the session is the forked listener itself, no exec, and a helper of
    the listener's pool (the queue owner) writes the message."""
    server = inst.server(["-v"])
    log_has(server, rf"^mailsuite-tcpserver: listening ip=127\.0\.0\.1 port={server.port} "
                    r"limit=40 smtpd=in-process$")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        session = session_child(server.pid)
        # The session is the listener's fork running smtpd's code: its
        # executable is still mailsuite-tcpserver.
        assert os.readlink(f"/proc/{session}/exe") == TCPSERVER
        assert children(session) == []  # no helper of its own
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert qp(text) in pool_helpers(server.pid)
        client_port = s.sock.getsockname()[1]
    files = mess_files(inst.root.queue)
    assert len(files) == 1
    q = parse_queue_file(files[0])
    assert q["sender"] == "alice@client.test" and q["recipients"] == ["bob@example.test"]
    assert re.search(rb"^Received: from client\.test \(unknown \[127\.0\.0\.1\]\)", q["message"], re.M), q
    log_has(server, rf"^mailsuite-tcpserver: start pid={session} children=1$")
    log_has(server, rf"^mailsuite-tcpserver: ok pid={session} ip=127\.0\.0\.1 port={client_port}$")
    log_has(server, r"^smtpd: end ip=127\.0\.0\.1 helo=client\.test messages=1 .*reason=quit$")
    log_has(server, rf"^mailsuite-tcpserver: end pid={session} status=0$")


def test_only_our_own_smtpd_runs_in_process(inst):
    """Found through $PATH it is ours too; a copy elsewhere (another
    file) is exec'd like any program, and still serves."""
    by_name = inst.server(["-v"], program=["mailsuite-smtpd"])
    log_has(by_name, r"listening .* smtpd=in-process$")
    copy = inst.dir / "bin" / "mailsuite-smtpd"
    copy.parent.mkdir(mode=0o755)
    shutil.copy(SMTPD, copy)
    other = inst.server(["-v"], program=[str(copy)])
    log_has(other, r"listening .* smtpd=exec$")
    with smtplib.SMTP("127.0.0.1", other.port, timeout=20) as s:
        s.ehlo("client.test")
        assert os.readlink(f"/proc/{only_child(other.pid)}/exe") == str(copy)
        assert s.noop()[0] == 250


# 2. Rules.

def test_rules_relay_deny_and_default(inst):
    cdb = inst.rules('127.0.0.1:allow,RELAYCLIENT=""\n127.0.0.2:deny\n:allow\n')
    server = inst.server(["-v", "-x", str(cdb)])

    # 127.0.0.1: RELAYCLIENT from the rule, so any domain is accepted.
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        code, text = s.rcpt("someone@elsewhere.test")
        assert code == 250, text

    # 127.0.0.2: denied, closed without a byte.
    with connect(server.port, "127.0.0.2") as c:
        assert read_to_eof(c, timeout=5) == b""
    log_has(server, r"^mailsuite-tcpserver: deny ip=127\.0\.0\.2 port=\d+$")
    log_has(server, r"^mailsuite-tcpserver: end pid=\d+ status=100$")

    # 127.0.0.3: falls to ":allow": a greeting, but no relaying.
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20, source_address=("127.0.0.3", 0)) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        code, text = s.rcpt("someone@elsewhere.test")
        assert 500 <= code < 600, (code, text)
        assert s.rcpt("bob@example.test")[0] == 250
    log_has(server, r"^mailsuite-tcpserver: ok pid=\d+ ip=127\.0\.0\.3 ")
    assert "deny ip=127.0.0.1" not in server.log() and "deny ip=127.0.0.3" not in server.log()


# 3. A missing rules file.

def test_missing_rules_file_drops_connections_unless_X(inst):
    missing = inst.dir / "missing.cdb"
    strict = inst.server(["-x", str(missing)])
    with connect(strict.port) as c:
        assert read_to_eof(c, timeout=5) == b""
    log_has(strict, rf"^mailsuite-tcpserver: error what=rules error=.*{re.escape(str(missing))}")

    lenient = inst.server(["-v", "-X", "-x", str(missing)])
    with connect(lenient.port) as c:
        assert read_line(c).startswith(b"220 "), lenient.log()
        c.sendall(b"QUIT\r\n")
        assert read_line(c).startswith(b"221 ")

    # Rules are read per connection: once the file exists it applies to
    # both, without a restart.
    inst.rules("127.0.0.1:deny\n", name="missing")
    for server in (strict, lenient):
        with connect(server.port) as c:
            assert read_to_eof(c, timeout=5) == b""
    log_has(lenient, r"^mailsuite-tcpserver: end pid=\d+ status=100$")


# 4. Any other program: exec'd, with ucspi-tcp's environment.

ENV_SCRIPT = ('echo "$PROTO $TCPREMOTEIP $TCPLOCALIP $TCPLOCALPORT ${TCPLOCALHOST-unset} '
              '${TCPREMOTEHOST-unset} ${FOO-unset}"; '
              'echo "$TCPREMOTEPORT ${TCPREMOTEINFO-unset}"')


def test_exec_program_gets_the_tcp_environment(inst):
    cdb = inst.rules('127.0.0.1:allow,FOO="bar"\n:allow\n')
    env = dict(inst.env, TCPREMOTEHOST="stale", TCPREMOTEINFO="stale", TCPLOCALHOST="stale")
    server = inst.server(["-v", "-l", "mx.test", "-x", str(cdb)], program=["/bin/sh", "-c", ENV_SCRIPT],
                         env=env)
    log_has(server, r"listening .* smtpd=exec$")
    with connect(server.port) as c:
        client_port = c.getsockname()[1]
        out = read_to_eof(c).decode()
    assert out == (f"TCP 127.0.0.1 127.0.0.1 {server.port} mx.test unset bar\n"
                   f"{client_port} unset\n"), (out, server.log())
    log_has(server, r"^mailsuite-tcpserver: end pid=\d+ status=0$")

    # Without -l, TCPLOCALHOST is unset (not the listener's stale one); a
    # client no rule names gets no FOO.
    plain = inst.server(["-x", str(cdb)], program=["/bin/sh", "-c", ENV_SCRIPT], env=env)
    with connect(plain.port, "127.0.0.2") as c:
        client_port = c.getsockname()[1]
        out = read_to_eof(c).decode()
    assert out == (f"TCP 127.0.0.2 127.0.0.1 {plain.port} unset unset unset\n"
                   f"{client_port} unset\n"), (out, plain.log())


def test_rules_lookup_survives_every_heap_layout(inst):
    """Regression: the child looked the client up in the rules cdb with
    an uninitialised struct cdb (lib/cdb_lookup.cc), whose stack garbage
    libowfat's cdb_init munmap()s
    first; when that garbage is a page-aligned heap address the child's
    heap is unmapped and it dies of SIGSEGV before the program runs (the
    client just sees the connection close).  Which layouts do so depends
    on the environment's size, so listeners with 0 to 510 extra
    variables (the heap shifted 16 bytes at a time, a whole page) each
    serve one connection."""
    cdb = inst.rules('127.0.0.1:allow,FOO="bar"\n:allow\n')
    program = ["/bin/sh", "-c", ENV_SCRIPT]
    failed = []
    for first in range(0, 256, 64):
        servers = []
        for n in range(first, first + 64):
            env = {"PATH": "/usr/bin:/bin", "TCPREMOTEHOST": "stale", "TCPREMOTEINFO": "stale",
                   "TCPLOCALHOST": "stale", **{f"PAD{i}": "x" for i in range(2 * n)}}
            servers.append((n, inst.launch(["-v", "-l", "mx.test", "-x", str(cdb)], program=program, env=env)))
        for n, server in servers:
            inst.ready(server)
            with connect(server.port) as c:
                out = read_to_eof(c)
            if not out.startswith(b"TCP 127.0.0.1 127.0.0.1 %d mx.test unset bar\n" % server.port):
                log_has(server, r"^mailsuite-tcpserver: end pid=")
                failed.append((2 * n, out, server.log().splitlines()[-1]))
            server.stop()
    assert failed == [], failed


def test_exec_program_gets_only_fds_0_1_2(inst):
    """Not the listening socket, not the signal pipe."""
    server = inst.server(program=["/bin/sh", "-c", "ls /proc/$$/fd; true"])
    with connect(server.port) as c:
        assert read_to_eof(c).split() == [b"0", b"1", b"2"]


def test_ipv6_listener_sets_proto_tcp6(inst):
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        pytest.skip("no ::1")
    server = inst.server(program=["/bin/sh", "-c", 'echo "$PROTO $TCPREMOTEIP $TCPLOCALIP $TCPLOCALPORT"'],
                         host="::1")
    with socket.create_connection(("::1", server.port), timeout=10) as c:
        assert read_to_eof(c) == f"TCP6 ::1 ::1 {server.port}\n".encode()


# 5. -c: at the limit, callers wait in the backlog.

def test_concurrency_limit_holds_the_next_caller_until_a_session_ends(inst):
    server = inst.server(["-v", "-c", "1"])
    first = smtplib.SMTP("127.0.0.1", server.port, timeout=20)
    try:
        first.ehlo("client.test")
        log_has(server, r"^mailsuite-tcpserver: busy children=1 limit=1$")
        with connect(server.port) as second:
            # Connected (the kernel's backlog), but nobody serves it yet.
            second.settimeout(1.0)
            with pytest.raises(socket.timeout):
                second.recv(1)
            first.quit()
            assert read_line(second, timeout=10).startswith(b"220 ")
            second.sendall(b"QUIT\r\n")
            assert read_line(second).startswith(b"221 ")
    finally:
        first.close()
    log_has(server, r"^mailsuite-tcpserver: start pid=\d+ children=1$")
    assert len(re.findall(r"^mailsuite-tcpserver: ok pid=", server.log(), re.M)) == 2


# 6. Started as root with -u/-g: the production identities.

@pytest.fixture
def identities(inst):
    """The queue owned by mailsuite (as mailsuite-setup leaves it; made so
    if not), the sessions run as msdaemon."""
    owner = ensure_account("mailsuite")
    session = ensure_account("msdaemon")
    for dirpath, dirnames, filenames in os.walk(inst.root.queue):
        for n in [dirpath] + [os.path.join(dirpath, x) for x in dirnames + filenames]:
            if os.lstat(n).st_uid != owner.pw_uid:
                os.lchown(n, owner.pw_uid, -1)
    return owner.pw_uid, session.pw_uid, session.pw_gid


@needs_root
def test_root_start_with_u_g_takes_the_production_identities(inst, identities):
    owner, uid, gid = identities
    server = inst.server(["-v", "-u", str(uid), "-g", str(gid)])
    # The session user only as the effective uid, so that no session can
    # signal the listener (issue 24; TCPSERVER.md "Privilege"); files as the
    # queue owner (filesystem uid)
    assert status_ids(server.pid, "Uid") == [str(owner), str(uid), str(owner), str(owner)]
    assert status_ids(server.pid, "Gid") == [str(gid)] * 4
    assert status_ids(server.pid, "Groups") == [str(gid)]
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        session = session_child(server.pid)
        [helper] = pool_helpers(server.pid)
        assert children(session) == []
        assert status_ids(session, "Uid") == [str(uid)] * 4
        assert status_ids(session, "Gid") == [str(gid)] * 4
        assert status_ids(helper, "Uid") == [str(owner)] * 4
        assert status_ids(helper, "Gid") == [str(gid)] * 4
        # a process as the session user can neither stop nor trace the listener
        probe = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--",
                                "/bin/sh", "-c", f"kill -STOP {server.pid}"], capture_output=True, timeout=10)
        assert probe.returncode != 0 and b"Operation not permitted" in probe.stderr, probe
        assert status_ids(server.pid, "State")[0] == "S"
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert qp(text) == helper
    files = mess_files(inst.root.queue)
    assert len(files) == 1
    assert files[0].stat().st_uid == owner
    message = parse_queue_file(files[0])["message"]
    assert re.match(rb"Received: \(mailsuite-queue %d invoked by uid %d\)" % (helper, uid), message), message


@needs_root
def test_root_start_with_u_g_execs_other_programs_as_the_session_user_alone(inst, identities):
    owner, uid, gid = identities
    script = 'grep -E "^(Uid|Gid|Groups):" /proc/$$/status; true'
    server = inst.server(["-u", str(uid), "-g", str(gid)], program=["/bin/sh", "-c", script])
    with connect(server.port) as c:
        out = read_to_eof(c).decode()
    ids = {line.split(":")[0]: line.split()[1:] for line in out.splitlines()}
    assert ids == {"Uid": [str(uid)] * 4, "Gid": [str(gid)] * 4, "Groups": [str(gid)]}, out


# 7. SIGTERM.

def test_sigterm_stops_the_listener_and_leaves_sessions_running(inst):
    server = inst.server(["-v"])
    s = smtplib.SMTP("127.0.0.1", server.port, timeout=20)
    session = None
    try:
        s.ehlo("client.test")
        session = session_child(server.pid)
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        os.kill(server.pid, signal.SIGTERM)
        assert server.proc.wait(timeout=10) == 0
        wait_for(lambda: not port_open("127.0.0.1", server.port), timeout=10, what="the port to close")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert s.quit()[0] == 221
    finally:
        s.close()
        # The session outlived its parent: make sure it is gone too.
        try:
            wait_for(lambda: session is None or not os.path.exists(f"/proc/{session}"), timeout=10,
                     what="the session's end")
        except AssertionError:
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert len(mess_files(inst.root.queue)) == 1
    log_has(server, r"^smtpd: end ip=127\.0\.0\.1 helo=client\.test messages=1 .*reason=quit$")


# 8. Bad command lines.

@pytest.mark.parametrize("args, code, message", [
    (["-Z", "127.0.0.1", "PORT", "true"], 100, "unknown option -Z"),
    (["-c", "0", "127.0.0.1", "PORT", "true"], 100, "-c 0: not a number"),
    (["-c", "many", "127.0.0.1", "PORT", "true"], 100, "-c many: not a number"),
    (["-u", "5", "127.0.0.1", "PORT", "true"], 100, "-u and -g go together"),
    (["-U", "127.0.0.1", "PORT", "true"], 100, "-U needs $UID and $GID"),
    (["-h", "127.0.0.1", "PORT", "true"], 100, "option -h is not supported"),
    (["127.0.0.1", "PORT"], 100, "need host, port and program"),
    (["127.0.0.1", "PORT", ""], 100, "empty program name"),
    (["127.0.0.1", "70000", "true"], 100, "port 70000: not a number"),
    (["localhost", "PORT", "true"], 111, "localhost: not an IP address"),
], ids=["unknown-option", "c-0", "c-word", "u-without-g", "U-without-env", "h", "no-program",
        "empty-program", "port-range", "hostname"])
def test_bad_command_lines_are_refused_before_binding(inst, args, code, message):
    port = free_port()
    env = {k: v for k, v in inst.env.items() if k not in ("UID", "GID")}
    r = run([TCPSERVER] + [str(port) if a == "PORT" else a for a in args], env=env, timeout=10)
    stderr = r.stderr.decode()
    assert r.returncode == code, (r.returncode, stderr)
    assert message in stderr, stderr
    if code == 100:
        assert "usage: mailsuite-tcpserver " in stderr, stderr
    assert r.stdout == b""
    assert not port_open("127.0.0.1", port)


# 9. Port 0 and -1.

def test_port_0_with_1_prints_the_port_that_accepts_smtp(inst):
    server = inst.server(["-q"])
    assert 0 < server.port < 65536
    assert server.log() == f"{server.port}\n"  # -q: nothing but the port
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        code, _ = s.ehlo("client.test")
        assert code == 250
        assert s.noop()[0] == 250


# 10. The pool of queue helpers (smtpd/QUEUE_HELPER.md "The pool").

def received_pid(path):
    message = parse_queue_file(path)["message"]
    return int(re.match(rb"Received: \(mailsuite-queue (\d+) invoked by uid \d+\)", message).group(1))


def send_and_qp(port):
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
        return qp(text)


def gone(pid, parent):
    return pid not in children(parent)


def idle_fds(pid):
    """A pooled helper between sessions holds nothing of a session or of
    the listener: /dev/null on 0 and 1, fd 2, its control socket (4)."""
    return sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd")) == [0, 1, 2, 4]


def test_one_pooled_helper_serves_session_after_session(inst):
    server = inst.server(["-v"])
    pids = []
    for _ in range(3):
        pids.append(send_and_qp(server.port))
        # Back in the pool once it has seen the session end (a caller
        # faster than that gets a second helper).
        wait_for(lambda: idle_fds(pids[-1]), timeout=10, what="the helper idle again")
    assert len(set(pids)) == 1, pids  # no fork of a helper per connection
    helper = pids[0]
    assert pool_helpers(server.pid) == [helper]
    assert [os.readlink(f"/proc/{helper}/fd/{fd}") for fd in (0, 1)] == ["/dev/null"] * 2
    files = mess_files(inst.root.queue)
    assert len(files) == 3 and {received_pid(f) for f in files} == {helper}
    # Helpers are not sessions: no start/end lines of their own.
    assert f"pid={helper} " not in server.log()


def test_a_killed_idle_helper_is_forgotten_and_replaced(inst):
    server = inst.server(["-v"])
    first = send_and_qp(server.port)
    wait_for(lambda: pool_helpers(server.pid) == [first], timeout=10, what="the idle helper")
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: gone(first, server.pid), timeout=10, what="the listener to reap the helper")
    second = send_and_qp(server.port)
    assert second != first and second in pool_helpers(server.pid)
    assert len(mess_files(inst.root.queue)) == 2
    assert f"pid={first} " not in server.log()


def test_a_helper_dying_mid_session_hands_the_message_to_the_queue_program(inst):
    server = inst.server(["-v"])
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20) as s:
        s.ehlo("client.test")
        session_child(server.pid)
        [helper] = pool_helpers(server.pid)
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        os.kill(helper, signal.SIGKILL)
        wait_for(lambda: gone(helper, server.pid), timeout=10, what="the helper's end")
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert qp(text) != helper  # an exec'd mailsuite-queue
    assert len(mess_files(inst.root.queue)) == 1


def test_timeoutqueue_in_a_pooled_helper_reaches_the_client(inst):
    inst.root.set("timeoutqueue", "1")
    server = inst.server(["-v"])
    with connect(server.port) as c:
        assert read_line(c).startswith(b"220 ")
        for line, reply in ((b"HELO client.test", b"250"), (b"MAIL FROM:<alice@client.test>", b"250"),
                            (b"RCPT TO:<bob@example.test>", b"250"), (b"DATA", b"354")):
            c.sendall(line + b"\r\n")
            assert read_line(c).startswith(reply)
        c.sendall(b"Subject: slow\r\n\r\nfirst half\r\n")
        time.sleep(2.5)  # the helper's alarm (1 s) goes off meanwhile
        c.sendall(b"second half\r\n.\r\n")
        assert read_line(c).startswith(b"451 4.3.0 queue timeout")
    assert mess_files(inst.root.queue) == [] and list((inst.root.queue / "tmp").iterdir()) == []
    # The helper is gone; the next session gets a new one.
    assert send_and_qp(server.port) in pool_helpers(server.pid)


def test_a_rule_setting_qmailqueue_bypasses_the_pooled_helper(inst):
    """A content filter set by a rule for one client: that session execs
    it for its message, and the helper it was handed goes back to the
    pool for the next client."""
    cdb = inst.rules(f'127.0.0.2:allow,QMAILQUEUE="{prog("mailsuite-queue")}"\n:allow\n')
    server = inst.server(["-v", "-x", str(cdb)])
    first = send_and_qp(server.port)  # 127.0.0.1: the pooled helper
    assert first in pool_helpers(server.pid)
    wait_for(lambda: idle_fds(first), timeout=10, what="the helper idle again")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=20, source_address=("127.0.0.2", 0)) as s:
        s.ehlo("client.test")
        s.mail("alice@client.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(MESSAGE)
        assert code == 250, text
        assert qp(text) != first and qp(text) not in pool_helpers(server.pid)
    wait_for(lambda: idle_fds(first), timeout=10, what="the helper back in the pool")
    assert send_and_qp(server.port) == first
    assert len(mess_files(inst.root.queue)) == 3
