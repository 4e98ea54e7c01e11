"""mailsuite-remote's choice of servers: MX preference and fallback, A/AAAA,
CNAMEs, the domain's own address without MX, DNS faults from the scripted
DNS server (SERVFAIL, no answer, truncation, NXDOMAIN, MX without address,
null MX), our own host in the MX list, and the seed's three-MX backup
scenario (mail1 down -> mail2; mail2 queues for mail1 and hands over when
mail1 returns)."""
import os
import pwd

from remote_fixtures import dns, zone, rroot, start_sink, sink_ip, remote  # noqa: F401
from remote_sinks import SmtpSink


def letters(report):
    return [l for l, _ in report]


def test_mx_preference_and_fallback_through_refused_and_busy(rroot, zone):
    # mx1 (pref 10) has no server at all, mx2 (20) greets with 421, mx3 (30) works.
    for pref, n in ((10, 1), (20, 2), (30, 3)):
        zone.add("ex.test", "MX", f"{pref} mx{n}.ex.test.")
        zone.add(f"mx{n}.ex.test", "A", sink_ip(n))
    busy = start_sink(rroot, SmtpSink(sink_ip(2), greeting="421 4.7.0 busy"))
    good = start_sink(rroot, SmtpSink(sink_ip(3)))
    report, log, _ = remote(rroot, "ex.test", "s@src.test", ["u@ex.test"])
    assert letters(report) == ["r", "K"]
    assert busy.connections == 1 and len(good.messages) == 1
    assert log.index("ip=127.0.0.61") < log.index("ip=127.0.0.62") < log.index("ip=127.0.0.63")
    # Everything down: deferred, with every host's story for qread.
    good.stop()
    rroot.sinks.remove(good)
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["u@ex.test"])
    assert letters(report) == ["s", "Z"]
    text = report[0][1]
    assert "mx1.ex.test[127.0.0.61]" in text and "421 4.7.0 busy" in text and "mx3.ex.test[127.0.0.63]" in text


def test_equal_preferences_are_shuffled(rroot, zone):
    zone.add("ex.test", "MX", "10 a.ex.test.")
    zone.add("ex.test", "MX", "10 b.ex.test.")
    zone.add("a.ex.test", "A", sink_ip(1))
    zone.add("b.ex.test", "A", sink_ip(2))
    a = start_sink(rroot, SmtpSink(sink_ip(1)))
    b = start_sink(rroot, SmtpSink(sink_ip(2)))
    for _ in range(16):
        report, _, _ = remote(rroot, "ex.test", "s@src.test", ["u@ex.test"])
        assert letters(report) == ["r", "K"]
        if a.messages and b.messages:
            break
    assert a.messages and b.messages  # 2^-15 chance of a false failure


def test_address_forms_aaaa_cname_and_no_mx(rroot, zone):
    # AAAA (an IPv4-mapped address, so that it is on loopback and not ours).
    zone.add("six.test", "MX", "10 mx.six.test.")
    zone.add("mx.six.test", "AAAA", "::ffff:7f00:3d")  # ::ffff:127.0.0.61
    # MX target behind a CNAME chain; the domain itself behind a CNAME.
    zone.add("cn.test", "CNAME", "real.cn.test.")
    zone.add("real.cn.test", "MX", "10 alias.cn.test.")
    zone.add("alias.cn.test", "CNAME", "host.cn.test.")
    zone.add("host.cn.test", "A", sink_ip(1))
    # No MX at all: the domain's own A record.
    zone.add("bare.test", "A", sink_ip(1))
    sink = start_sink(rroot, SmtpSink(sink_ip(1)))
    logs = {}
    for domain in ("six.test", "cn.test", "bare.test"):
        report, logs[domain], _ = remote(rroot, domain, "s@src.test", [f"u@{domain}"])
        assert letters(report) == ["r", "K"], (domain, report, logs[domain])
    assert len(sink.messages) == 3
    assert "ip=::ffff:127.0.0.61" in logs["six.test"]
    assert "host=host.cn.test" not in logs["cn.test"] and "host=alias.cn.test" in logs["cn.test"]


def test_dns_faults(rroot, zone):
    rroot.set("timeoutconnect", "1")
    start_sink(rroot, SmtpSink(sink_ip(1)))
    zone.add("servfail.test", "A", sink_ip(1))
    zone.fault("servfail.test", "SERVFAIL")
    zone.add("silent.test", "A", sink_ip(1))
    zone.fault("silent.test", "TIMEOUT")
    zone.add("big.test", "MX", "10 mx.big.test.")
    zone.fault("big.test", "TRUNCATE")
    zone.add("mx.big.test", "A", sink_ip(1))
    zone.fault("gone.test", "NXDOMAIN")
    zone.add("noaddr.test", "MX", "10 nothing.noaddr.test.")
    zone.add("nothing.noaddr.test", "TXT", '"no address here"')
    zone.add("nullmx.test", "MX", "0 .")
    zone.add("nullmx.test", "A", sink_ip(1))
    zone.add("mxgone.test", "MX", "10 vanished.mxgone.test.")
    expected = {
        "servfail.test": ["s", "Z"],   # temporary DNS failure defers
        "silent.test": ["s", "Z"],
        "big.test": ["r", "K"],        # truncated over UDP, retried over TCP
        "gone.test": ["h", "D"],       # NXDOMAIN bounces
        "noaddr.test": ["h", "D"],     # the only MX has no address
        "nullmx.test": ["h", "D"],     # RFC 7505
        "mxgone.test": ["h", "D"],     # MX to a name that does not exist
        "unknown.test": ["h", "D"],    # never heard of
    }
    for domain, want in expected.items():
        report, log, _ = remote(rroot, domain, "s@src.test", [f"u@{domain}"])
        assert letters(report) == want, (domain, report, log)
    assert ("big.test", "MX") in zone.queries
    report, _, _ = remote(rroot, "nullmx.test", "s@src.test", ["u@nullmx.test"])
    assert "null MX" in report[0][1]
    report, _, _ = remote(rroot, "servfail.test", "s@src.test", ["u@servfail.test"])
    assert "DNS" in report[0][1]


def test_temporary_failure_of_one_mx_address_uses_the_others(rroot, zone):
    zone.add("ex.test", "MX", "10 flaky.ex.test.")
    zone.add("ex.test", "MX", "20 ok.ex.test.")
    zone.fault("flaky.ex.test", "SERVFAIL")
    zone.add("ok.ex.test", "A", sink_ip(2))
    rroot.set("timeoutconnect", "1")
    sink = start_sink(rroot, SmtpSink(sink_ip(2)))
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["u@ex.test"])
    assert letters(report) == ["r", "K"] and len(sink.messages) == 1


def seed_zone(zone):
    """The seed's tt.co.kr: mail1 (10), mail2 and mail3 (20)."""
    for pref, n in ((10, 1), (20, 2), (20, 3)):
        zone.add("tt.test", "MX", f"{pref} mail{n}.tt.test.")
        zone.add(f"mail{n}.tt.test", "A", sink_ip(n))


def test_seed_three_mx_outside_sender_falls_back_to_a_backup(rroot, zone):
    seed_zone(zone)
    backups = [start_sink(rroot, SmtpSink(sink_ip(n))) for n in (2, 3)]
    report, _, _ = remote(rroot, "tt.test", "s@outside.test", ["user@tt.test"])  # mail1 is down
    assert letters(report) == ["r", "K"]
    assert sum(len(b.messages) for b in backups) == 1


def test_seed_three_mx_backup_queues_for_mail1_and_hands_over(rroot, zone):
    seed_zone(zone)
    rroot.set("me", "mail2.tt.test")  # we are mail2, a backup MX
    mail2 = start_sink(rroot, SmtpSink(sink_ip(2)))
    mail3 = start_sink(rroot, SmtpSink(sink_ip(3)))
    report, _, _ = remote(rroot, "tt.test", "s@outside.test", ["user@tt.test"])
    assert letters(report) == ["s", "Z"]        # mail1 down: keep it queued
    assert "mail1.tt.test[127.0.0.61]" in report[0][1]
    assert mail2.connections == 0 and mail3.connections == 0  # never ourselves, never an equal backup
    mail1 = start_sink(rroot, SmtpSink(sink_ip(1)))               # mail1 returns
    report, _, _ = remote(rroot, "tt.test", "s@outside.test", ["user@tt.test"])
    assert letters(report) == ["r", "K"]
    assert len(mail1.messages) == 1 and mail2.connections == 0 and mail3.connections == 0


def test_best_mx_is_ourselves_bounces_as_a_loop(rroot, zone):
    seed_zone(zone)
    rroot.set("me", "mail1.tt.test")
    report, _, _ = remote(rroot, "tt.test", "s@outside.test", ["user@tt.test"])
    assert letters(report) == ["h", "D"] and "loops back to myself" in report[0][1]
    # Recognised by address too: an MX whose address is one of this host's.
    zone.add("loop.test", "MX", "10 me.loop.test.")
    zone.add("loop.test", "MX", "20 other.loop.test.")
    zone.add("me.loop.test", "A", "127.0.0.1")
    zone.add("other.loop.test", "A", sink_ip(2))
    other = start_sink(rroot, SmtpSink(sink_ip(2)))
    report, _, _ = remote(rroot, "loop.test", "s@outside.test", ["user@loop.test"])
    assert letters(report) == ["h", "D"] and other.connections == 0


def test_started_as_root_it_runs_as_msremote_or_defers(rroot, zone):
    if os.geteuid() != 0:
        return  # the invoking user's case is every other test here
    zone.add("ex.test", "A", sink_ip(1))
    sink = start_sink(rroot, SmtpSink(sink_ip(1)))
    report, log, rc = remote(rroot, "ex.test", "s@src.test", ["u@ex.test"], privileged=True)
    assert rc == 0
    try:
        pwd.getpwnam("msremote")
    except KeyError:
        assert letters(report) == ["s", "Z"] and "msremote" in report[0][1]
        assert sink.connections == 0
    else:
        assert letters(report) == ["r", "K"]
