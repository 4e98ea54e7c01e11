"""Several hosts tested together (issue 21 point 3, INSTALL "Several
hosts"): network namespaces made with `ip netns add` (unique names, always
deleted), joined by veth pairs to a bridge in a "switch" namespace, on
10.77.0.0/24:

    dns  10.77.0.53  the scripted DNS server (dnsserver.py): example.test
                     MX 10 mx1, MX 20 mx2, and their A records
    mx1  10.77.0.11  primary MX: a full instance (mailsuite-setup --root,
                     svscan), local delivery, users from PostgreSQL
    mx2  10.77.0.12  backup MX: a full instance whose userdb-sync runs with
                     -b (rcpthosts, not virtualdomains/locals: the seed's
                     mail2); its send relays to mx1 by MX
    db   10.77.0.20  PostgreSQL 15 on its own data directory
    out  10.77.0.30  the outside sender: mailsuite-remote, MX and fallback
    app  10.77.0.40  QMQP null client (INSTALL 5e): sendmail with
                     QMAILQUEUE=mailsuite-qmqpc, control/qmqpservers
                     mx1 then mx2; no queue, no svscan.  Each MX runs
                     its qmqpd service (INSTALL 5d) with app in tcp.qmqp.

Scenarios, in order on one cluster: normal flow (from outside by SMTP,
from app by QMQP to mx1's qmqpd); mx1 down -> mail from outside lands on
mx2, and app's on mx2's qmqpd; mx1 back -> mx2 hands everything over, each
Message-ID exactly once in mx1's Maildir; a user added in PostgreSQL can
receive on both MX hosts within 2 s; PostgreSQL stopped -> mail still
delivered with the last users; kill -9 of mx2's send during the hand-over
loses nothing.  Bounded: every wait has a deadline; about a minute.
"""
import email
import json
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, TOP, ensure_account, prog, wait_for
from pg_support import PgServer

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: ip netns")

NET = "10.77.0"
DOMAIN = "example.test"
HOSTS = {"dns": 53, "mx1": 11, "mx2": 12, "db": 20, "out": 30, "app": 40}
QMQP_PORT = 628


class Cluster:
    def __init__(self):
        self.tag = f"ms{os.getpid() % 100000}"
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="ms-multihost-", dir="/tmp"))
        os.chmod(self.dir, 0o755)
        self.namespaces, self.svscans, self.procs = [], {}, []
        self.pg = None

    # --- network ------------------------------------------------------
    def ns(self, host):
        return f"{self.tag}{host}"

    def ns_cmd(self, host, argv):
        return ["nsenter", f"--net=/run/netns/{self.ns(host)}"] + list(argv)

    def ns_run(self, host, argv, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("timeout", 60)
        return subprocess.run(self.ns_cmd(host, argv), **kw)

    def ip(self, host):
        return f"{NET}.{HOSTS[host]}"

    def make_network(self):
        sw = self.ns("sw")
        for name in [sw] + [self.ns(h) for h in HOSTS]:
            subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
            self.namespaces.append(name)
        subprocess.run(["ip", "-n", sw, "link", "add", "br0", "type", "bridge"], check=True)
        subprocess.run(["ip", "-n", sw, "link", "set", "br0", "up"], check=True)
        for h in HOSTS:
            n = self.ns(h)
            subprocess.run(["ip", "-n", sw, "link", "add", f"v{h}", "type", "veth", "peer", "name",
                            "eth0", "netns", n], check=True)
            subprocess.run(["ip", "-n", sw, "link", "set", f"v{h}", "master", "br0", "up"], check=True)
            subprocess.run(["ip", "-n", n, "addr", "add", f"{self.ip(h)}/24", "dev", "eth0"], check=True)
            subprocess.run(["ip", "-n", n, "link", "set", "eth0", "up"], check=True)
            subprocess.run(["ip", "-n", n, "link", "set", "lo", "up"], check=True)
            # Instances run as user mailsuite and listen on 25.
            self.ns_run(h, ["sysctl", "-q", "-w", "net.ipv4.ip_unprivileged_port_start=0"], check=True)

    def port_open(self, from_host, host, port):
        return self.ns_run(from_host, ["bash", "-c", f"exec 3<>/dev/tcp/{self.ip(host)}/{port}"],
                           timeout=10).returncode == 0

    # --- hosts --------------------------------------------------------
    def start_dns(self):
        records = [[DOMAIN, "MX", "10 mx1.example.test."], [DOMAIN, "MX", "20 mx2.example.test."],
                   ["mx1.example.test", "A", self.ip("mx1")], ["mx2.example.test", "A", self.ip("mx2")],
                   ["out.example.net", "A", self.ip("out")]]
        (self.dir / "dns.json").write_text(json.dumps(records))
        p = subprocess.Popen(self.ns_cmd("dns", ["/usr/bin/python3",
                                                 str(TOP / "tests/integration/dnsserver.py"),
                                                 self.ip("dns"), str(self.dir / "dns.json")]),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(p)
        assert p.stdout.readline().strip() == b"ready"

    def start_db(self):
        self.pg = PgServer(listen=self.ip("db"), port=5432, hba_net=f"{NET}.0/24",
                           netns=self.ns("db")).start().load_schema()
        self.pg.sql(f"INSERT INTO mailsuite_domains VALUES ('{DOMAIN}', 'mailbox')")

    def root(self, host):
        return self.dir / host

    def env(self, host):
        r = self.root(host)
        return dict(os.environ, MAILSUITE_CONTROL=str(r / "control"), MAILSUITE_QUEUE=str(r / "queue"),
                    MAILSUITE_USERS=str(r / "users"), MAILSUITE_BIN=str(BIN), DNSCACHEIP=self.ip("dns"),
                    PATH=f"{BIN}:/usr/bin:/bin:/usr/sbin:/sbin")

    def setup_mx(self, host):
        r = self.root(host)
        subprocess.run([prog("mailsuite-setup"), "--root", str(r), "--me", f"{host}.example.test",
                        "--ip", self.ip(host), "--smtp-port", "25", "--pop3-port", "110",
                        "--submission-port", "587", "--qmqp-port", str(QMQP_PORT)],
                       check=True, capture_output=True, timeout=60)
        (r / "control" / "timeoutconnect").write_text("2\n")
        (r / "control" / "userdb").write_text(
            f"host={self.ip('db')} port=5432 user=postgres dbname=postgres\n")
        # Only smtpd and send matter here.
        for s in ("pop3d", "submission"):
            (r / "service" / s / "down").write_text("")
        # qmqpd on (INSTALL 5d): app allowed beside the setup's 127.0.0.1,
        # everyone else still denied; the service's down file removed.
        rules = r / "tcp.qmqp"
        rules.write_text(f"{self.ip('app')}:allow\n" + rules.read_text())
        subprocess.run(["tcprules", str(r / "tcp.qmqp.cdb"), str(r / "tcp.qmqp.tmp")],
                       stdin=open(rules, "rb"), check=True, capture_output=True, timeout=10)
        (r / "service" / "qmqpd" / "down").unlink()

    def setup_app(self):
        """The null client (INSTALL 5e): a control directory only."""
        control = self.root("app") / "control"
        control.mkdir(parents=True)
        (control / "me").write_text("app.example.test\n")
        (control / "defaultdomain").write_text("example.test\n")
        (control / "qmqpservers").write_text(f"{self.ip('mx1')}\n{self.ip('mx2')}:{QMQP_PORT}\n")

    def sync(self, host, once=False):
        argv = [prog("mailsuite-userdb-sync")] + (["-1"] if once else []) + (["-b"] if host == "mx2" else [])
        if once:
            r = self.ns_run(host, argv, env=self.env(host))
            assert r.returncode == 0, r.stderr
            return None
        p = subprocess.Popen(self.ns_cmd(host, argv), env=self.env(host), stdout=subprocess.DEVNULL,
                             stderr=open(self.dir / f"{host}-sync.log", "ab"), start_new_session=True)
        self.procs.append(p)
        return p

    def start_mx(self, host):
        r = self.root(host)
        subprocess.run(["chown", "-R", "mailsuite:", str(r)], check=True)
        p = subprocess.Popen(self.ns_cmd(host, ["svscan", str(r / "service")]), env=self.env(host),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.svscans[host] = p
        wait_for(lambda: self.port_open("out", host, 25), timeout=30, interval=0.2,
                 what=f"{host}'s smtpd")
        wait_for(lambda: self.port_open("app", host, QMQP_PORT), timeout=30, interval=0.2,
                 what=f"{host}'s qmqpd")

    def add_user(self, name):
        mailsuite = pwd.getpwnam("mailsuite")
        home = self.root("mx1") / "mail" / name
        for d in ("new", "cur", "tmp"):
            (home / "Maildir" / d).mkdir(parents=True, exist_ok=True)
        subprocess.run(["chown", "-R", "mailsuite:", str(self.root("mx1") / "mail")], check=True)
        self.pg.sql("INSERT INTO mailsuite_users (address, uid, gid, home) VALUES "
                    f"('{name}@{DOMAIN}', {mailsuite.pw_uid}, {mailsuite.pw_gid}, '{home}')")
        return home

    def users(self, host):
        try:
            return (self.root(host) / "users").read_text()
        except FileNotFoundError:
            return ""

    def svc(self, host, flag, service):
        subprocess.run(["svc", flag, str(self.root(host) / "service" / service)], check=True, timeout=10)

    def service_pid(self, host, service):
        out = subprocess.run(["svstat", str(self.root(host) / "service" / service)],
                             capture_output=True, text=True, timeout=10).stdout
        if " up (pid " not in out:
            return None
        return int(out.split("(pid ")[1].split(")")[0])

    # --- mail ---------------------------------------------------------
    def send_from_outside(self, rcpt, msgid, to_host=None):
        """mailsuite-remote on `out`: MX lookup and fallback, as any sender
        on the Internet (or straight to one host's address)."""
        msg = (f"From: s@out.example.net\nTo: {rcpt}\nMessage-ID: <{msgid}>\n"
               f"Subject: {msgid}\n\nbody of {msgid}\n").encode()
        target = f"[{self.ip(to_host)}]" if to_host else DOMAIN
        out = self.dir / "out"
        (out / "control").mkdir(parents=True, exist_ok=True)
        (out / "control" / "me").write_text("out.example.net\n")
        (out / "control" / "timeoutconnect").write_text("2\n")
        env = dict(os.environ, MAILSUITE_CONTROL=str(out / "control"), DNSCACHEIP=self.ip("dns"))
        r = self.ns_run("out", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                prog("mailsuite-remote"), target, "s@out.example.net", rcpt],
                        input=msg, env=env)
        fields = r.stdout.split(b"\0")
        assert fields[0].startswith(b"r") and fields[1].startswith(b"K"), (r.stdout, r.stderr)
        return fields[1].decode(errors="replace")

    def send_from_app(self, rcpt, msgid):
        """sendmail on the null client, as an application would: inject
        runs $QMAILQUEUE, mailsuite-qmqpc, which tries qmqpservers in
        order.  Exit 0 only once a hub answered K.  Returns qmqpc's log."""
        r = self.root("app")
        env = dict(os.environ, MAILSUITE_CONTROL=str(r / "control"), MAILSUITE_QUEUE=str(r / "no-queue"),
                   MAILSUITE_BIN=str(r / "no-bin"), QMAILQUEUE=prog("mailsuite-qmqpc"), USER="app")
        msg = (f"From: app@app.example.test\nTo: {rcpt}\nMessage-ID: <{msgid}>\n"
               f"Subject: {msgid}\n\nbody of {msgid}\n").encode()
        p = self.ns_run("app", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                prog("sendmail"), "-t", "-f", "app@app.example.test"], input=msg, env=env)
        assert p.returncode == 0, p.stderr
        assert not (r / "no-queue").exists()  # nothing kept on the null client
        return p.stderr.decode(errors="replace")

    def message(self, home, msgid):
        for sub in ("new", "cur"):
            for f in (home / "Maildir" / sub).iterdir():
                msg = email.message_from_bytes(f.read_bytes())
                if msg["Message-ID"].strip("<>") == msgid:
                    return msg
        return None

    def qmqp_hop(self, home, msgid):
        """The qmqpd that took msgid from app: the host named in the
        Received line qmqpd wrote ("from ... [app] by ME with QMQP")."""
        for line in self.message(home, msgid).get_all("Received"):
            line = " ".join(line.split())
            if f"[{self.ip('app')}]" in line and " with QMQP" in line:
                return line.split(" by ")[1].split()[0]
        return None

    def message_ids(self, home):
        ids = []
        for sub in ("new", "cur"):
            for f in (home / "Maildir" / sub).iterdir():
                msg = email.message_from_bytes(f.read_bytes())
                ids.append(msg["Message-ID"].strip("<>"))
        return ids

    def queue_count(self, host):
        mess = self.root(host) / "queue" / "mess"
        return sum(1 for p in mess.rglob("*") if p.is_file())

    # --- teardown -----------------------------------------------------
    def stop(self):
        for host, p in self.svscans.items():
            for s in (self.root(host) / "service").glob("*"):
                subprocess.run(["svc", "-dx", str(s), str(s / "log")], capture_output=True)
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            p.wait(timeout=10)
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                p.wait(timeout=10)
        if self.pg:
            self.pg.cleanup()
        # supervise and the services exit on svc -x; wait for them so
        # that no process keeps a namespace or the tree busy.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
            if str(self.dir) not in ps:
                break
            time.sleep(0.2)
        for name in self.namespaces:
            subprocess.run(["ip", "netns", "delete", name], capture_output=True, timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    for account in ("mailsuite", "msuserdb", "postgres"):
        ensure_account(account)
    c = Cluster()
    try:
        c.make_network()
        c.start_dns()
        c.start_db()
        c.setup_mx("mx1")
        c.setup_mx("mx2")
        c.setup_app()
        c.alice = c.add_user("alice")
        # A new host gets its first copy before it takes mail (INSTALL 7).
        c.sync("mx1", once=True)
        c.sync("mx2", once=True)
        assert (c.root("mx2") / "control" / "virtualdomains").read_text() == ""
        assert (c.root("mx2") / "control" / "rcpthosts").read_text() == f"{DOMAIN}\n"
        assert (c.root("mx1") / "control" / "virtualdomains").read_text() == f"{DOMAIN}:{DOMAIN}\n"
        c.start_mx("mx1")
        c.start_mx("mx2")
        c.syncs = {h: c.sync(h) for h in ("mx1", "mx2")}
        yield c
    finally:
        c.stop()


def test_1_normal_flow_reaches_mx1(cluster):
    c = cluster
    c.send_from_outside(f"alice@{DOMAIN}", "normal-1@out")
    wait_for(lambda: "normal-1@out" in c.message_ids(c.alice), timeout=30, what="delivery on mx1")


def test_1_null_client_reaches_mx1_over_qmqp(cluster):
    c = cluster
    log = c.send_from_app(f"alice@{DOMAIN}", "app-normal@app")
    assert f"queued server={c.ip('mx1')}" in log and "unreachable" not in log, log
    wait_for(lambda: "app-normal@app" in c.message_ids(c.alice), timeout=30, what="app's mail on mx1")
    assert c.qmqp_hop(c.alice, "app-normal@app") == "mx1.example.test"


def test_2_mx1_down_mail_lands_on_mx2_and_is_handed_over_once(cluster):
    c = cluster
    c.svc("mx1", "-d", "smtpd")
    c.svc("mx1", "-d", "qmqpd")
    wait_for(lambda: not c.port_open("out", "mx1", 25), timeout=15, what="mx1's smtpd down")
    wait_for(lambda: not c.port_open("app", "mx1", QMQP_PORT), timeout=15, what="mx1's qmqpd down")
    ids = [f"backup-{i}@out" for i in range(5)]
    for i in ids:
        c.send_from_outside(f"alice@{DOMAIN}", i)  # mx1 refuses: remote falls back to mx2
    app_ids = [f"backup-{i}@app" for i in range(3)]
    for i in app_ids:  # mx1 refuses: qmqpc falls over to mx2's qmqpd
        log = c.send_from_app(f"alice@{DOMAIN}", i)
        assert f"unreachable server={c.ip('mx1')}" in log and f"queued server={c.ip('mx2')}" in log, log
    wait_for(lambda: c.queue_count("mx2") >= 8, timeout=10, what="app's three messages in mx2's queue")
    # mx2 holds them: queued, not delivered (it has no mailboxes for the domain).
    wait_for(lambda: c.queue_count("mx2") >= 5, timeout=10, what="five messages in mx2's queue")
    time.sleep(1)
    assert not set(ids) & set(c.message_ids(c.alice))
    assert c.queue_count("mx2") >= 5
    assert not set(app_ids) & set(c.message_ids(c.alice))
    c.svc("mx1", "-u", "smtpd")
    c.svc("mx1", "-u", "qmqpd")
    wait_for(lambda: c.port_open("mx2", "mx1", 25), timeout=15, what="mx1's smtpd back")
    c.svc("mx2", "-a", "send")  # retry now rather than at the next back-off step
    wait_for(lambda: set(ids) <= set(c.message_ids(c.alice)), timeout=40, interval=0.2,
             what="hand-over to mx1")
    wait_for(lambda: c.queue_count("mx2") == 0, timeout=20, what="mx2's queue empty")
    got = c.message_ids(c.alice)
    assert all(got.count(i) == 1 for i in ids), got
    assert all(got.count(i) == 1 for i in app_ids), got
    assert all(c.qmqp_hop(c.alice, i) == "mx2.example.test" for i in app_ids)
    # mx1's qmqpd is back: app's next message goes to mx1 first again.
    wait_for(lambda: c.port_open("app", "mx1", QMQP_PORT), timeout=15, what="mx1's qmqpd back")
    log = c.send_from_app(f"alice@{DOMAIN}", "after-backup@app")
    assert f"queued server={c.ip('mx1')}" in log and "unreachable" not in log, log
    wait_for(lambda: "after-backup@app" in c.message_ids(c.alice), timeout=30, what="app's mail on mx1")
    assert c.qmqp_hop(c.alice, "after-backup@app") == "mx1.example.test"


def test_3_new_user_receives_on_both_mx_within_2_seconds(cluster):
    c = cluster
    home = c.add_user("newbie")
    t0 = time.monotonic()
    wait_for(lambda: all(f"newbie@{DOMAIN}:" in c.users(h) for h in ("mx1", "mx2")), timeout=2.0,
             interval=0.01, what="newbie in both hosts' users databases")
    print(f"PostgreSQL commit to both users databases: {time.monotonic() - t0:.3f} s")
    c.send_from_outside(f"newbie@{DOMAIN}", "newbie-via-mx1@out", to_host="mx1")
    c.send_from_outside(f"newbie@{DOMAIN}", "newbie-via-mx2@out", to_host="mx2")
    c.svc("mx2", "-a", "send")
    wait_for(lambda: {"newbie-via-mx1@out", "newbie-via-mx2@out"} <= set(c.message_ids(home)),
             timeout=40, interval=0.2, what="newbie's mail through both MX hosts")


def test_4_postgresql_stopped_mail_still_delivered(cluster):
    c = cluster
    before = {h: c.users(h) for h in ("mx1", "mx2")}
    c.pg.stop()
    time.sleep(1.5)
    assert all(p.poll() is None for p in c.syncs.values())  # the syncs keep running
    assert {h: c.users(h) for h in ("mx1", "mx2")} == before  # and keep the last copy
    c.send_from_outside(f"newbie@{DOMAIN}", "pg-down@out")
    wait_for(lambda: "pg-down@out" in c.message_ids(c.root("mx1") / "mail" / "newbie"),
             timeout=30, what="delivery with PostgreSQL down")
    c.pg.start()


def test_5_kill_9_of_mx2_send_during_hand_over_loses_nothing(cluster):
    c = cluster
    c.svc("mx1", "-d", "smtpd")
    wait_for(lambda: not c.port_open("out", "mx1", 25), timeout=15, what="mx1's smtpd down")
    ids = [f"kill-{i}@out" for i in range(8)]
    for i in ids:
        c.send_from_outside(f"alice@{DOMAIN}", i)
    wait_for(lambda: c.queue_count("mx2") >= 8, timeout=10, what="eight messages on mx2")
    c.svc("mx1", "-u", "smtpd")
    wait_for(lambda: c.port_open("mx2", "mx1", 25), timeout=15, what="mx1's smtpd back")
    old = c.service_pid("mx2", "send")
    c.svc("mx2", "-a", "send")
    # Kill the scheduler while it hands over: after some messages reached
    # mx1, before all did (or right away if it is faster than we are).
    wait_for(lambda: set(ids) & set(c.message_ids(c.alice)) or c.queue_count("mx2") < 8,
             timeout=20, interval=0.005, what="the hand-over to start")
    os.kill(old, signal.SIGKILL)
    delivered_at_kill = len(set(ids) & set(c.message_ids(c.alice)))
    queued_at_kill = c.queue_count("mx2")
    wait_for(lambda: (c.service_pid("mx2", "send") or old) != old, timeout=15,
             what="supervise restarting mx2's send")
    c.svc("mx2", "-a", "send")
    wait_for(lambda: set(ids) <= set(c.message_ids(c.alice)), timeout=60, interval=0.2,
             what="every message after the kill")
    got = c.message_ids(c.alice)
    dups = {i: got.count(i) for i in ids if got.count(i) > 1}
    print(f"kill -9 with {queued_at_kill} of 8 still queued on mx2, {delivered_at_kill} in mx1's "
          f"Maildir; duplicates afterwards: {dups}")
    # Duplicates would be allowed (a kill between mx1's 250 and the
    # recipient's done mark); losses never.
    assert all(got.count(i) >= 1 for i in ids)
