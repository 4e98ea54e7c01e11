"""mailsuite-remote's SMTP client against scripted sinks (remote_sinks.py):
per-recipient results, whole-message failures, PIPELINING / SIZE /
8BITMIME / HELO fallback, dot-stuffing and CRLF, queue-file input,
smtproutes, and the qmail-remote report format."""
import subprocess
import tempfile

from conftest import free_port, prog
from remote_fixtures import dns, zone, rroot, start_sink, sink_ip, remote  # noqa: F401
from remote_sinks import SmtpSink


def mx(zone, domain, *hosts):
    """hosts: (preference, name, ip) — A records, or AAAA when ':' in ip."""
    for pref, name, ip in hosts:
        zone.add(domain, "MX", f"{pref} {name}.")
        if ip:
            zone.add(name, "AAAA" if ":" in ip else "A", ip)


def test_per_recipient_results_and_message_form(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    sink = start_sink(rroot, SmtpSink(sink_ip(1), rcpt={"bad@ex.test": "550 5.1.1 no such user",
                                                         "later@ex.test": "450 4.2.1 mailbox busy"}))
    msg = b"Subject: t\n\n.leading dot\n..two\nbare\rcr\n\xc3\xa9t\xc3\xa9\nlast line without LF"
    report, log, rc = remote(rroot, "ex.test", "a@src.test", ["x@ex.test", "bad@ex.test", "later@ex.test"], msg)
    assert rc == 0
    letters = [l for l, _ in report]
    assert letters == ["r", "h", "s", "K"], report
    assert "mx1.ex.test[127.0.0.61]" in report[0][1] and "250 2.0.0 ok queued" in report[0][1]
    assert "550 5.1.1 no such user" in report[1][1] and "RCPT TO" in report[1][1]
    assert "450 4.2.1 mailbox busy" in report[2][1]
    m = sink.messages[0]
    assert m["rcpts"] == ["x@ex.test"]
    assert m["helo"] == "mail.example.test"
    assert m["raw"] == (b"Subject: t\r\n\r\n..leading dot\r\n...two\r\nbare\r\ncr\r\n\xc3\xa9t\xc3\xa9\r\n"
                        b"last line without LF\r\n")
    assert " SIZE=" in m["mail"] and "BODY=8BITMIME" in m["mail"]
    cmds = sink.sessions[0]
    assert cmds[0] == "EHLO mail.example.test" and cmds[-1] == "QUIT"
    assert "result=K" in log


def test_helo_fallback_lockstep_and_no_extensions(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    rroot.set("helohost", "out.example.test")
    sink = start_sink(rroot, SmtpSink(sink_ip(1), ehlo=False, rcpt={"no@ex.test": "553 not here"}))
    report, _, _ = remote(rroot, "ex.test", "", ["no@ex.test", "y@ex.test"], b"plain 7bit\n")
    assert [l for l, _ in report] == ["h", "r", "K"]
    cmds = sink.sessions[0]
    assert cmds[:3] == ["EHLO out.example.test", "HELO out.example.test", "MAIL FROM:<>"]
    assert "SIZE" not in cmds[2]
    assert sink.messages[0]["raw"] == b"plain 7bit\r\n"


def test_all_recipients_refused_means_no_data(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    sink = start_sink(rroot, SmtpSink(sink_ip(1), rcpt={"a@ex.test": "550 no", "b@ex.test": "551 no"}))
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test", "b@ex.test"])
    assert [l for l, _ in report] == ["h", "h", "D"]
    assert sink.messages == []
    # The pipelined DATA got 554; no message and no stray dot were sent.
    assert "." not in sink.sessions[0]


def test_whole_message_failures(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    cases = [
        (dict(greeting="554 5.7.1 go away"), ["h", "h", "D"], "554 5.7.1 go away"),
        (dict(mail="451 4.3.0 try later"), ["s", "s", "Z"], "451 4.3.0 try later"),
        (dict(mail="553 5.1.8 bad sender"), ["h", "h", "D"], "553 5.1.8 bad sender"),
        (dict(data="554 5.6.0 no data for you"), ["h", "h", "D"], "554 5.6.0"),
        (dict(final="452 4.3.1 disk full"), ["s", "s", "Z"], "452 4.3.1 disk full"),
        (dict(final="552 5.3.4 too big"), ["h", "h", "D"], "552 5.3.4 too big"),
        (dict(drop_in_data=10), ["s", "s", "Z"], "during DATA"),
    ]
    for behaviour, letters, text in cases:
        sink = start_sink(rroot, SmtpSink(sink_ip(1), **behaviour))
        report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test", "b@ex.test"],
                              b"x" * 5000 + b"\n")
        sink.stop()
        rroot.sinks.remove(sink)
        assert [l for l, _ in report] == letters, (behaviour, report)
        assert all(text in t for _, t in report), (behaviour, report)
        assert "127.0.0.61" in report[0][1]


def test_temporary_greeting_moves_on_permanent_everywhere_bounces(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)), (20, "mx2.ex.test", sink_ip(2)))
    s1 = start_sink(rroot, SmtpSink(sink_ip(1), greeting="421 4.3.2 too busy"))
    s2 = start_sink(rroot, SmtpSink(sink_ip(2)))
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test"])
    assert [l for l, _ in report] == ["r", "K"]
    assert s1.connections == 1 and len(s2.messages) == 1


def test_slow_server_hits_timeoutremote(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    rroot.set("timeoutremote", "1")
    start_sink(rroot, SmtpSink(sink_ip(1), delay={"final": 4}))
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test"])
    assert [l for l, _ in report] == ["s", "Z"]
    assert "timed out" in report[0][1]


def test_size_over_server_limit_bounces_before_mail(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    sink = start_sink(rroot, SmtpSink(sink_ip(1), extensions=("PIPELINING", "SIZE 1000")))
    report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test"], b"y" * 2000 + b"\n")
    assert [l for l, _ in report] == ["h", "D"]
    assert "1000 bytes" in report[0][1]
    assert not any(c.startswith("MAIL") for c in sink.sessions[0])


def test_queue_file_input_sends_only_the_message_region(rroot, zone):
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    sink = start_sink(rroot, SmtpSink(sink_ip(1)))
    message = b"Received: by test\nSubject: q\n\nfrom the queue\n"
    envelope = b"Fs@src.test\0Ta@ex.test\0\0"
    header = f"MSQ1 64 {len(message)} {64 + len(message)} {len(envelope)} 1763830000".encode()
    header = header + b" " * (63 - len(header)) + b"\n"
    with tempfile.TemporaryFile() as f:
        f.write(header + message + envelope)
        f.seek(0)
        report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test"], stdin=f)
    assert [l for l, _ in report] == ["r", "K"]
    assert sink.messages[0]["raw"] == message.replace(b"\n", b"\r\n")


def test_smtproutes(rroot, zone):
    port = free_port(sink_ip(4))
    sink = start_sink(rroot, SmtpSink(sink_ip(4), port))
    zone.add("relay.test", "A", sink_ip(4))
    mx(zone, "mxed.test", (10, "mx.mxed.test", sink_ip(5)))
    mxsink = start_sink(rroot, SmtpSink(sink_ip(5)))
    rroot.set("smtproutes", f"routed.test:relay.test:{port}", f".sub.test:[{sink_ip(4)}]:{port}",
              "mxed.test:", f":[{sink_ip(4)}]:{port}")
    for host in ("routed.test", "a.b.sub.test", "anything.test"):
        report, _, _ = remote(rroot, host, "s@src.test", [f"u@{host}"])
        assert [l for l, _ in report] == ["r", "K"], (host, report)
    report, _, _ = remote(rroot, "mxed.test", "s@src.test", ["u@mxed.test"])
    assert [l for l, _ in report] == ["r", "K"]
    assert [m["rcpts"] for m in sink.messages] == [["u@routed.test"], ["u@a.b.sub.test"], ["u@anything.test"]]
    assert len(mxsink.messages) == 1
    # A relay name without an address defers (the operator's mistake), a
    # malformed file defers with the line named.
    rroot.set("smtproutes", "routed.test:nowhere.test")
    report, _, _ = remote(rroot, "routed.test", "s@src.test", ["u@routed.test"])
    assert [l for l, _ in report] == ["s", "Z"]
    rroot.set("smtproutes", "routed.test:relay.test:99999")
    report, _, _ = remote(rroot, "routed.test", "s@src.test", ["u@routed.test"])
    assert [l for l, _ in report] == ["s", "Z"] and "smtproutes line 1" in report[0][1]


def test_literal_host_and_hostile_arguments(rroot, zone):
    sink = start_sink(rroot, SmtpSink(sink_ip(6)))
    report, _, _ = remote(rroot, f"[{sink_ip(6)}]", "s@src.test",
                          ["ok@[127.0.0.66]", "evil@x\r\nRSET", "also>bad@x"])
    assert [l for l, _ in report] == ["r", "h", "h", "K"]
    assert sink.messages[0]["rcpts"] == ["ok@[127.0.0.66]"]
    assert not any("RSET" in c for c in sink.sessions[0])
    report, _, _ = remote(rroot, f"[{sink_ip(6)}]", "s@src\nQUIT", ["ok@x"])
    assert [l for l, _ in report] == ["h", "D"]


def test_usage_errors_exit_100():
    for argv in ([], ["host"], ["host", "sender"]):
        p = subprocess.run([prog("mailsuite-remote")] + argv, capture_output=True, timeout=10, input=b"")
        assert p.returncode == 100
        assert p.stdout.startswith(b"D") and p.stdout.endswith(b"\0")


def test_message_queued_by_mailsuite_queue(rroot, zone):
    """fd 0 as mailsuite-send passes it: the mess/ file mailsuite-queue wrote."""
    import os
    mx(zone, "ex.test", (10, "mx1.ex.test", sink_ip(1)))
    sink = start_sink(rroot, SmtpSink(sink_ip(1)))
    env_r, env_w = os.pipe()
    os.write(env_w, b"Fs@src.test\0Ta@ex.test\0\0")
    os.close(env_w)
    q = subprocess.run([prog("mailsuite-queue")], input=b"Subject: q\n\n.hello\n", stdout=env_r,
                       env=rroot.env, timeout=30)
    os.close(env_r)
    assert q.returncode == 0
    (queued,) = list((rroot.queue / "mess").iterdir())
    with open(queued, "rb") as f:
        report, _, _ = remote(rroot, "ex.test", "s@src.test", ["a@ex.test"], stdin=f)
    assert [l for l, _ in report] == ["r", "K"]
    raw = sink.messages[0]["raw"]
    assert raw.startswith(b"Received: ") and raw.endswith(b"Subject: q\r\n\r\n..hello\r\n")
    assert b"Fs@src.test" not in raw


def test_smtproutes_relay_forms(rroot, zone):
    """A relay as a bare IPv4 address (with and without a port, and as the
    default route), [IPv4], [IPv6:...] and a host name: each reaches its
    scripted sink; a bare IP is never looked up in DNS (issue 17 point 5)."""
    port = free_port(sink_ip(7))
    sink = start_sink(rroot, SmtpSink(sink_ip(7), port))
    default = start_sink(rroot, SmtpSink(sink_ip(8)))  # port 25, as ":1.2.3.4" means
    v6 = start_sink(rroot, SmtpSink("::1", port=0))
    v6.port = v6._sock.getsockname()[1]
    zone.add("relay7.test", "A", sink_ip(7))
    rroot.set("smtproutes", f"bare.test:{sink_ip(7)}:{port}", f"bracket.test:[{sink_ip(7)}]:{port}",
              f"named.test:relay7.test:{port}", f"v6.test:[IPv6:::1]:{v6.port}", f":{sink_ip(8)}")
    for host in ("bare.test", "bracket.test", "named.test", "v6.test", "default.test"):
        report, err, _ = remote(rroot, host, "s@src.test", [f"u@{host}"])
        assert [l for l, _ in report] == ["r", "K"], (host, report, err)
    assert [m["rcpts"] for m in sink.messages] == [["u@bare.test"], ["u@bracket.test"], ["u@named.test"]]
    assert [m["rcpts"] for m in v6.messages] == [["u@v6.test"]]
    assert [m["rcpts"] for m in default.messages] == [["u@default.test"]]
    asked = {q[0].rstrip(".").lower() for q in zone.queries}
    assert "relay7.test" in asked
    assert not {sink_ip(7), sink_ip(8)} & asked, asked
