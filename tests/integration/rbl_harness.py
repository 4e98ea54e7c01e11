"""Helpers for the rbl integration tests: a real rbldnsd on 127.0.0.70
serving zones from a temporary directory, and a harness that runs
/usr/bin/rblsmtpd and mailsuite-rblsmtpd the same way and returns what a
client sees (bytes on the socket) plus the log line and exit status.

Addresses used: 127.0.0.70 (rbldnsd), 127.0.0.71 and 127.0.0.72 (dnslib
servers), all port 53, as the task assigns to the rbl component.
"""
import errno
import fcntl
import os
import pathlib
import re
import shutil
import socket
import subprocess
import time

from conftest import prog, wait_for

REFERENCE = "/usr/bin/rblsmtpd"
OURS = prog("mailsuite-rblsmtpd")
RBLCHECK = prog("mailsuite-rblcheck")
RBLDNSD_IP = "127.0.0.70"
BIND_WAIT = 240   # seconds to wait for a test address held by a parallel run


class AddressLock:
    """An exclusive lock on one test DNS address across processes: the same
    tests run from another checkout at the same time (make check in
    parallel) wait instead of sharing the address (rbldnsd binds with
    SO_REUSEPORT, so two would split the queries between them)."""

    def __init__(self, ip):
        self.file = open(f"/tmp/mailsuite-test-dns-{ip}.lock", "a+")
        deadline = time.monotonic() + BIND_WAIT
        while True:
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.file.close()
                    raise AssertionError(f"test address {ip} busy for {BIND_WAIT}s")
                time.sleep(0.2)

    def release(self):
        if not self.file.closed:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()


def start_dns(server):
    """DnsServer.start() under the address's lock, waiting (bounded) while
    something else still holds the address; stop with stop_dns."""
    server.rbl_lock = AddressLock(server.ip)
    deadline = time.monotonic() + BIND_WAIT
    while True:
        try:
            return server.start()
        except OSError as e:
            server.stop()
            if e.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                server.rbl_lock.release()
                raise
            time.sleep(0.5)


def stop_dns(server):
    server.stop()
    server.rbl_lock.release()


class Rbldnsd:
    """rbldnsd -n -f on ip/53 with zones = {"zone": "type:file-content"}."""

    def __init__(self, directory, zones, ip=RBLDNSD_IP):
        self.dir = pathlib.Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.ip = ip
        args = []
        for i, (zone, (kind, content)) in enumerate(zones.items()):
            name = f"zone{i}.txt"
            path = self.dir / name
            path.write_text(content)
            os.chmod(path, 0o644)
            args.append(f"{zone}:{kind}:{name}")
        cmd = [shutil.which("rbldnsd") or "/usr/sbin/rbldnsd", "-n", "-f",
               "-b", f"{ip}/53", "-r", str(self.dir), "-w", "/"]
        if os.geteuid() == 0:
            cmd += ["-u", "rbldns"]   # rbldnsd refuses to run as root
        log_path = self.dir.parent / "rbldnsd.log"
        first = next(iter(zones))
        self.lock = AddressLock(ip)
        # The address may be held for a while by the same tests run from
        # another checkout (make check in parallel): wait for it, bounded.
        deadline = time.monotonic() + BIND_WAIT
        while True:
            self.log = open(log_path, "wb")
            self.proc = subprocess.Popen(cmd + args, stdout=self.log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            wait_for(lambda: self._answers(first) or self.proc.poll() is not None, timeout=10,
                     what="rbldnsd to answer")
            if self.proc.poll() is None:
                return
            self.log.close()
            text = log_path.read_text()
            if "Address already in use" not in text or time.monotonic() > deadline:
                self.lock.release()
                raise AssertionError(text)
            time.sleep(0.5)

    def _answers(self, zone):
        labels = b"".join(bytes([len(l)]) + l.encode() for l in zone.split("."))
        q = bytes.fromhex("123401000001000000000000") + labels + b"\x00\x00\x06\x00\x01"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            try:
                s.sendto(q, (self.ip, 53))
                return bool(s.recv(512))
            except OSError:
                return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        self.lock.release()


class Run:
    def __init__(self, transcript, log, status, seconds):
        self.transcript, self.log, self.status, self.seconds = transcript, log, status, seconds

    def normalized_log(self):
        """The log with pids blanked (they differ between runs)."""
        return re.sub(rb" pid \d+: ", b" pid N: ", self.log)


def run_session(binary, args, dialogue=b"", env=None, timeout=90):
    """Runs binary args... with a socketpair on fds 0 and 1, sends dialogue,
    half-closes, and reads everything the program writes until it ends."""
    ours, theirs = socket.socketpair()
    start = time.monotonic()
    p = subprocess.Popen([binary] + list(args), stdin=theirs, stdout=theirs,
                         stderr=subprocess.PIPE, env=env)
    theirs.close()
    ours.settimeout(timeout)
    try:
        if dialogue:
            ours.sendall(dialogue)
        ours.shutdown(socket.SHUT_WR)
    except OSError:
        pass   # it hung up early (QUIT, -t 0): what it sent still counts
    chunks = []
    while True:
        try:
            data = ours.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        chunks.append(data)
    ours.close()
    err = p.stderr.read()
    status = p.wait(timeout=timeout)
    return Run(b"".join(chunks), err, status, time.monotonic() - start)


def env_for(dns_ip, remote_ip="127.0.0.2", **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("RBLSMTPD", "TCPREMOTEIP")}
    env["DNSCACHEIP"] = dns_ip
    env["PATH"] = "/usr/bin:/bin"
    if remote_ip is not None:
        env["TCPREMOTEIP"] = remote_ip
    env.update(extra)
    return env
