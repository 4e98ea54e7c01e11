"""DNS failures: SERVFAIL, silence and slow answers from a dnslib server on
127.0.0.71, for -c/-C and -b/-B, ours beside /usr/bin/rblsmtpd.

The reference has no lookup timeout of its own: djbdns retries for 1+3+
11+45 = 60 s on a silent server and about 11 s on SERVFAIL, so every
reference run starts at once in a thread pool and the file takes about a
minute.  Ours gives up after MAILSUITE_DNS_TIMEOUT (here 1 s; default
10 s) and at once when the server refuses or fails."""
import concurrent.futures

import pytest

from dnsserver import DnsServer
from rbl_harness import start_dns, stop_dns, OURS, REFERENCE, env_for, run_session

DNS_IP = "127.0.0.71"
PROG = ["/bin/sh", "-c", "echo accepted; exit 7"]
DIALOGUE = b"HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nQUIT\r\n"

# (name, arguments, client-visible result class) — all for client 127.0.0.2
CASES = [
    ("servfail-open", ["-r", "fail.test"]),
    ("servfail-closed", ["-c", "-r", "fail.test"]),
    ("servfail-closed-bounce", ["-b", "-c", "-r", "fail.test"]),
    ("servfail-then-listed-bounce", ["-b", "-r", "fail.test", "-r", "listed.test"]),
    ("anti-servfail-open", ["-a", "fail.test", "-r", "listed.test"]),
    ("anti-servfail-closed", ["-c", "-a", "fail.test", "-r", "listed.test"]),
    ("closed-after-zone", ["-r", "fail.test", "-c", "-r", "unlisted.test"]),
    ("silent-closed", ["-c", "-r", "silent.test"]),
    ("silent-open-then-anti", ["-r", "silent.test", "-a", "white.test", "-r", "listed.test"]),
    ("slow-listed", ["-b", "-r", "slow.test"]),
    ("truncated-then-tcp", ["-r", "tc.test"]),
    ("two-txt-records", ["-b", "-r", "multi.test"]),
    ("empty-txt-not-listed", ["-r", "empty.test"]),
    ("anti-truncated-then-tcp", ["-a", "tc.test", "-r", "listed.test"]),
    ("listed-before-silent", ["-r", "listed.test", "-c", "-r", "unasked.test"]),
]

EXPECTED = {
    "servfail-open": b"accepted\n",
    "servfail-closed": b"451 temporary RBL lookup error",
    "servfail-closed-bounce": b"451 temporary RBL lookup error",
    "servfail-then-listed-bounce": b"451 Listed by the fault server",
    "anti-servfail-open": b"accepted\n",
    "anti-servfail-closed": b"451 Listed by the fault server",
    "closed-after-zone": b"accepted\n",
    "silent-closed": b"451 temporary RBL lookup error",
    "silent-open-then-anti": b"accepted\n",
    "slow-listed": b"553 Slow listing",
    "truncated-then-tcp": b"451 Long text over TCP " + b"z" * 150 + b"y" * 31 + b"\r\n",
    "anti-truncated-then-tcp": b"accepted\n",
    "two-txt-records": b"553 first partsecond?part",
    "empty-txt-not-listed": b"accepted\n",
    "listed-before-silent": b"451 Listed by the fault server",
}


@pytest.fixture(scope="module")
def results():
    srv = DnsServer(DNS_IP)
    srv.add("2.0.0.127.listed.test", "TXT", '"Listed by the fault server"')
    srv.add("2.0.0.127.white.test", "A", "127.0.0.2")
    srv.add("2.0.0.127.slow.test", "TXT", '"Slow listing"')
    srv.add("2.0.0.127.fail.test", "TXT", '"never seen"')
    srv.fault("2.0.0.127.fail.test", "SERVFAIL")
    srv.fault("2.0.0.127.silent.test", "TIMEOUT")
    srv.add("2.0.0.127.tc.test", "TXT", '"Long text over TCP ' + "z" * 150 + '" "' + "y" * 200 + '"')
    srv.add("2.0.0.127.tc.test", "A", "127.0.0.2")
    srv.fault("2.0.0.127.tc.test", "TRUNCATE")   # UDP answers say TC: ask again over TCP
    srv.add("2.0.0.127.multi.test", "TXT", '"first " "part"')
    srv.add("2.0.0.127.multi.test", "TXT", '"second\\001part"')
    srv.add("2.0.0.127.empty.test", "TXT", '""')
    srv.fault("2.0.0.127.unasked.test", "TIMEOUT")
    srv.delay("slow.test", 0.3)
    start_dns(srv)
    try:
        env = env_for(DNS_IP, "127.0.0.2", MAILSUITE_DNS_TIMEOUT="1")
        with concurrent.futures.ThreadPoolExecutor(max_workers=2 * len(CASES)) as pool:
            futures = {(name, binary): pool.submit(run_session, binary, args + PROG, DIALOGUE,
                                                   env, 120)
                       for name, args in CASES for binary in (REFERENCE, OURS)}
            yield {key: f.result(timeout=120) for key, f in futures.items()}, srv
    finally:
        stop_dns(srv)


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_fault_same_as_reference(results, name):
    runs, _ = results
    ref, ours = runs[(name, REFERENCE)], runs[(name, OURS)]
    assert ours.transcript == ref.transcript
    assert ours.normalized_log() == ref.normalized_log()
    assert ours.status == ref.status
    assert EXPECTED[name] in ref.transcript


def test_ours_bounded_by_its_timeout(results):
    """Ours never waits for the silent zone longer than its own bound, and
    not at all once an earlier zone decided (the subprocess limit in
    run_session would fail the test otherwise)."""
    runs, _ = results
    assert runs[("silent-closed", OURS)].seconds < 30       # the reference needs 60


def test_all_zones_asked_in_parallel(results):
    """Ours sends every zone's question before judging the first: the
    silent zone after the deciding one was asked (by ours only: the
    reference stops looking up once decided), yet its silence changed
    nothing."""
    _, srv = results
    names = [q for q, _ in srv.queries]
    assert names.count("2.0.0.127.unasked.test") == 1
