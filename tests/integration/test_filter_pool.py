"""mailsuite-filter's pooled workers (filter/FILTER_POOL.md) under the
real mailsuite-tcpserver started as root: when QMAILQUEUE names our
mailsuite-filter the sessions hand each message to a long-lived worker
running as msfilter (no exec of the filter); any other QMAILQUEUE (here a
wrapper script around the same filter) is exec'd.  The seed rules give the
same verdicts both ways; the worker's identity is read from /proc; a worker
killed mid-message gives 451, never 250; a worker is replaced after
control/filtermaxuse messages and after an error; without the pool (ucspi-tcp's
tcpserver, mailsuite-tcpserver not started as root) the filter is exec'd.

Real smtplib clients on 127.0.0.1, every wait bounded, every process
stopped afterwards."""
import os
import re
import signal
import smtplib
import socket
import time

import pytest

from conftest import ensure_account, prog, wait_for
from filter_support import seed_rules
from smtpd_support import Recorder
from test_tcpserver import Instance, inst, status_ids  # noqa: F401 (inst is a fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the workers become msfilter")

ILOVEYOU_TEXT = "Access Denied - This message may contain a virus."


def plain(subject):
    return (f"From: a@sender.test\r\nTo: bob@example.test\r\nSubject: {subject}\r\n\r\nhello\r\n").encode()


class Chain:
    """A mailsuite-tcpserver whose sessions' QMAILQUEUE is qmailqueue, the
    filter's FILTER_NEXT a recorder msfilter may write."""

    def __init__(self, inst, name, qmailqueue, options=()):
        self.filter_account = ensure_account("msfilter")
        self.recorder = Recorder(inst.dir / name / "queued")  # its own qq wrapper in inst.dir/name
        for p in (self.recorder.dir,):
            os.chown(p, self.filter_account.pw_uid, self.filter_account.pw_gid)
        env = dict(inst.env, QMAILQUEUE=str(qmailqueue), FILTER_NEXT=str(self.recorder.wrapper))
        self.server = inst.server(list(options), env=env)

    def send(self, message):
        """(code, text) of the reply to the end of data."""
        with smtplib.SMTP("127.0.0.1", self.server.port, timeout=60) as s:
            s.ehlo("client.test")
            s.mail("alice@sender.test")
            assert s.rcpt("bob@example.test")[0] == 250
            code, text = s.data(message)
            return code, text.decode(errors="replace")


def qp(text):
    return int(re.search(r"qp (\d+)", text).group(1))


@pytest.fixture
def seeded(inst):
    inst.root.set("filterrules", *seed_rules())
    return inst


def pooled(inst, name="pooled"):
    return Chain(inst, name, prog("mailsuite-filter"))


def execd(inst, name="execd"):
    wrapper = inst.dir / "filter-wrapper"
    wrapper.write_text(f"#!/bin/sh\nexec {prog('mailsuite-filter')}\n")
    wrapper.chmod(0o755)
    return Chain(inst, name, wrapper)


def worker_pids():
    """Processes named ms-filterworker (the pool's workers)."""
    return processes_named("ms-filterworker")


def test_seed_verdicts_are_the_same_pooled_and_execd(seeded):
    via_pool, via_exec = pooled(seeded), execd(seeded)
    for subject in ("ILOVEYOU", "Re: ILOVEYOU", "I LOVE YOU", "Fwd: ILOVEYOU"):
        a = via_pool.send(plain(subject))
        b = via_exec.send(plain(subject))
        strip = lambda r: (r[0], re.sub(r"ok \d+ qp \d+", "ok", r[1]))
        assert strip(a) == strip(b), (subject, a, b)
        if "ILOVEYOU" in subject and not subject.startswith("Fwd"):
            assert a == (554, "5.7.1 " + ILOVEYOU_TEXT)
        else:
            assert a[0] == 250, a
    assert len(via_pool.recorder.queued()) == 2
    # the same message handed on both ways (smtpd's Received line aside)
    body = lambda q: [re.sub(rb"Received: from .*\n\t.*\n", b"", m[0], count=1) for m in q.recorder.queued()]
    assert body(via_pool) == body(via_exec)
    assert [m[1:] for m in via_pool.recorder.queued()] == [m[1:] for m in via_exec.recorder.queued()]
    # the pooled path wrote the filter's log line, as the exec'd one
    log = via_pool.server.log()
    assert len(re.findall(r"^mailsuite-filter: message .*verdict=reject", log, re.M)) == 2, log
    assert "verdict=accept" in log


def test_worker_runs_as_msfilter_and_serves_message_after_message(seeded):
    chain = pooled(seeded)
    account = chain.filter_account
    code, text = chain.send(plain("hello"))
    assert code == 250, text
    worker = qp(text)
    assert open(f"/proc/{worker}/comm").read().strip() == "ms-filterworker"
    assert status_ids(worker, "Uid") == [str(account.pw_uid)] * 4
    assert status_ids(worker, "Gid") == [str(account.pw_gid)] * 4
    assert status_ids(worker, "Groups") == [str(account.pw_gid)]
    keeper = int(status_ids(worker, "PPid")[0])
    assert open(f"/proc/{keeper}/comm").read().strip() == "ms-filter-pool"
    assert status_ids(keeper, "Uid") == [str(account.pw_uid)] * 4
    # no exec per message: the same worker takes the next one
    code, text = chain.send(plain("again"))
    assert code == 250 and qp(text) == worker, text


def test_worker_killed_mid_message_gives_451_never_250(seeded):
    chain = pooled(seeded)
    code, text = chain.send(plain("first"))
    assert code == 250, text
    worker = qp(text)
    with socket.create_connection(("127.0.0.1", chain.server.port), timeout=20) as c:
        f = c.makefile("rwb")

        def say(line):
            f.write(line + b"\r\n")
            f.flush()
            return f.readline()

        assert f.readline().startswith(b"220")
        line = say(b"EHLO client.test")
        while line.startswith(b"250-"):
            line = f.readline()
        assert line.startswith(b"250 "), line
        assert say(b"MAIL FROM:<alice@sender.test>").startswith(b"250")
        assert say(b"RCPT TO:<bob@example.test>").startswith(b"250")
        assert say(b"DATA").startswith(b"354")
        f.write(plain("half") + b"x" * 200000 + b"\r\n")
        f.flush()
        os.kill(worker, signal.SIGKILL)
        reply = say(b".")
        assert reply.startswith(b"451 4.3.0 the queue program crashed"), reply
    assert chain.recorder.queued()[1:] == []
    # the next message gets a new worker
    code, text = chain.send(plain("after"))
    assert code == 250 and qp(text) != worker, text


def test_worker_is_replaced_after_filtermaxuse_and_after_an_error(seeded):
    seeded.root.set("filtermaxuse", "2")
    chain = pooled(seeded)
    pids = []
    for i in range(3):
        code, text = chain.send(plain(f"n{i}"))
        assert code == 250, text
        pids.append(qp(text))
    assert pids[0] == pids[1] != pids[2]
    wait_for(lambda: not os.path.exists(f"/proc/{pids[0]}/status") or
             status_ids(pids[0], "State")[0] == "Z", timeout=10, what="the used-up worker's exit")
    # an error (rules that do not parse: exit 55, 451) ends the worker too
    seeded.root.set("filterrules", "(\tPolicy-Subject:\tbroken")
    code, text = chain.send(plain("n3"))
    assert code == 451, text
    wait_for(lambda: pids[2] not in worker_pids(), timeout=10, what="the failed worker's exit")
    seeded.root.set("filterrules", *seed_rules())
    code, text = chain.send(plain("n4"))
    assert code == 250 and qp(text) not in pids, text
    assert len(chain.recorder.queued()) == 4


def send_via(port, message):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.ehlo("client.test")
        s.mail("alice@sender.test")
        assert s.rcpt("bob@example.test")[0] == 250
        code, text = s.data(message)
        return code, text.decode(errors="replace")


def test_without_the_pool_the_filter_is_execd_with_the_same_verdicts(seeded):
    """ucspi-tcp's tcpserver, and mailsuite-tcpserver not started as root:
    no pool, the filter is exec'd per message (its qp is not a worker)."""
    account = ensure_account("msfilter")
    recorder = Recorder(seeded.dir / "fallback" / "queued")
    os.chown(recorder.dir, account.pw_uid, account.pw_gid)
    env = dict(seeded.env, QMAILQUEUE=prog("mailsuite-filter"), FILTER_NEXT=str(recorder.wrapper))
    plain_tcpserver = seeded.root.tcpserver([prog("mailsuite-smtpd")], env=env)
    unprivileged = seeded.ready(seeded.root.start(
        ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups", "--",
         prog("mailsuite-tcpserver"), "-1", "127.0.0.1", "0", prog("mailsuite-smtpd")],
        env=env, log_name="unprivileged.log"))
    for port in (plain_tcpserver.port, unprivileged.port):
        assert send_via(port, plain("ILOVEYOU")) == (554, "5.7.1 " + ILOVEYOU_TEXT)
        code, text = send_via(port, plain("I LOVE YOU"))
        assert code == 250, text
        assert qp(text) not in worker_pids()
    assert len(recorder.queued()) == 2


def processes_named(comm):
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if open(f"/proc/{d}/comm").read().strip() == comm:
                    found.append(int(d))
            except OSError:
                pass
    return found


def parent_of(pid):
    """pid's parent, or None when pid has gone meanwhile (a keeper or
    worker ending between the listing of /proc and this read)."""
    try:
        return int(status_ids(pid, "PPid")[0])
    except (OSError, IndexError, ValueError):
        return None


def test_a_keeper_killed_is_restarted_with_back_off_and_sessions_meanwhile_exec_the_filter(seeded):
    """kill -9 of the keeper: its supervisor (ms-filter-super, msfilter)
    starts a new one after 1 s, then 2 s when that one dies young too;
    meanwhile each message is filtered by the exec'd program (same verdict,
    its qp no worker's), never lost and never unfiltered."""
    chain = pooled(seeded)
    code, text = chain.send(plain("first"))
    assert code == 250, text
    keeper = int(status_ids(qp(text), "PPid")[0])
    supervisor = int(status_ids(keeper, "PPid")[0])
    assert open(f"/proc/{supervisor}/comm").read().strip() == "ms-filter-super"
    assert status_ids(supervisor, "Uid") == [str(chain.filter_account.pw_uid)] * 4
    execd_meanwhile = []
    for restart_ms in (1000, 2000):
        os.kill(keeper, signal.SIGKILL)
        wait_for(lambda: f"what=filterpool pid={keeper} signal=9 restart_ms={restart_ms}"
                 in chain.server.log(), timeout=10, what="the supervisor's alert")
        # during the back-off: the exec'd filter (unless the machine is so
        # slow that the new keeper is already there), the same verdicts
        code, text = chain.send(plain("meanwhile"))
        assert code == 250, text
        execd_meanwhile.append(qp(text) not in worker_pids())
        assert chain.send(plain("ILOVEYOU")) == (554, "5.7.1 " + ILOVEYOU_TEXT)
        new = wait_for(lambda: [p for p in processes_named("ms-filter-pool")
                                if parent_of(p) == supervisor], timeout=10,
                       what="the new keeper")
        assert keeper not in new
        keeper = new[0]
        # the new keeper serves: a worker of its own
        code, text = chain.send(plain("again"))
        assert code == 250 and int(status_ids(qp(text), "PPid")[0]) == keeper, text
    assert any(execd_meanwhile)
    assert len(chain.recorder.queued()) == 1 + 2 * 2


def test_accepted_messages_go_to_the_sessions_queue_helper_without_an_exec(seeded):
    """FILTER_NEXT unset (mailsuite-queue): a worker hands each accepted
    message to the queue helper the listener leased for the session (a
    pooled ms-queue-helper, the queue owner) instead of exec'ing
    mailsuite-queue, and the queue gets what the exec'd chain (a wrapper:
    the filter and mailsuite-queue exec'd) writes."""
    ensure_account("msfilter")
    from queue_util import mess_files, parse_queue_file
    wrapper = seeded.dir / "filter-wrapper"
    wrapper.write_text(f"#!/bin/sh\nexec {prog('mailsuite-filter')}\n")
    wrapper.chmod(0o755)
    results = {}
    for name, qq in (("pooled", prog("mailsuite-filter")), ("execd", str(wrapper))):
        before = set(mess_files(seeded.root.queue))
        server = seeded.server(env=dict(seeded.env, QMAILQUEUE=qq))
        replies = []
        with smtplib.SMTP("127.0.0.1", server.port, timeout=60) as s:
            s.ehlo("client.test")
            for subject in ("one", "ILOVEYOU", "two", "three"):
                s.mail("alice@sender.test")
                assert s.rcpt("bob@example.test")[0] == 250
                code, text = s.data(plain(subject))
                replies.append((code, text.decode(errors="replace")))
        assert [c for c, _ in replies] == [250, 554, 250, 250], replies
        files = [parse_queue_file(f) for f in set(mess_files(seeded.root.queue)) - before]
        results[name] = (sorted(files, key=lambda f: f["message"].split(b"Subject: ")[1]), replies)
    pooled_files, pooled_replies = results["pooled"]
    execd_files, _ = results["execd"]
    assert len(pooled_files) == len(execd_files) == 3
    queue_pids = set()
    for p, e in zip(pooled_files, execd_files):
        assert (p["sender"], p["recipients"]) == (e["sender"], e["recipients"])
        # the queue's Received line, then smtpd's (its time); the rest is the same
        body = lambda m: m[m.index(b"From: a@sender.test"):]
        assert body(p["message"]) == body(e["message"])
        queue_pids.add(int(re.match(rb"Received: \(mailsuite-queue (\d+) invoked", p["message"]).group(1)))
    # one queue process for the session's three messages: the pooled helper
    [helper] = queue_pids
    assert open(f"/proc/{helper}/comm").read().strip() == "ms-queue-helper"
    owner = os.stat(seeded.root.queue / "tmp").st_uid
    assert status_ids(helper, "Uid") == [str(owner)] * 4
    # and the filter ran in one worker (msfilter) for all of them
    assert len({qp(t) for c, t in pooled_replies if c == 250}) == 1
    assert qp(pooled_replies[0][1]) in worker_pids()


def test_when_supervisor_and_keeper_are_both_gone_the_listener_says_so_and_mail_still_flows(seeded):
    """The supervisor is not restarted (FILTER_POOL.md "Not done"): once it
    and its keeper are both killed, the listener, which can no longer
    become msfilter, logs one alert naming the way back (svc -t), and every
    message is filtered by the exec'd program: same verdicts, nothing lost."""
    chain = pooled(seeded)
    code, text = chain.send(plain("first"))
    assert code == 250, text
    keeper = int(status_ids(qp(text), "PPid")[0])
    supervisor = int(status_ids(keeper, "PPid")[0])
    assert "filter pool is gone" not in chain.server.log()
    os.kill(supervisor, signal.SIGKILL)
    code, text = chain.send(plain("keeper alone"))  # the keeper goes on
    assert code == 250 and qp(text) in worker_pids(), text
    os.kill(keeper, signal.SIGKILL)
    wait_for(lambda: "alert what=filterpool error=\"the filter pool is gone" in chain.server.log(),
             timeout=10, what="the listener's alert")
    for subject in ("after", "after again"):
        code, text = chain.send(plain(subject))
        assert code == 250 and qp(text) not in worker_pids(), text
    assert chain.send(plain("ILOVEYOU")) == (554, "5.7.1 " + ILOVEYOU_TEXT)
    assert chain.server.log().count("filter pool is gone") == 1
    assert len(chain.recorder.queued()) == 4
