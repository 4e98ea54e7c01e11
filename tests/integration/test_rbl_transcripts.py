"""mailsuite-rblsmtpd against ucspi-tcp's /usr/bin/rblsmtpd: the same
options, environment and SMTP dialogue give the same client-visible bytes,
log line and exit status.  Zones are served by a real rbldnsd on
127.0.0.70; the programs run on a socketpair and under real tcpserver."""
import smtplib
import socket

import pytest

from conftest import wait_for
from rbl_harness import (OURS, REFERENCE, RBLDNSD_IP, Rbldnsd, env_for, run_session)

LONG = "L" * 150 + " tab\there " + "x" * 120

ZONES = {
    "bl.test": ("ip4set", ":127.0.0.2:Listed $ at bl.test\n"
                          "127.0.0.1\n127.0.0.2\n"
                          "127.0.0.3 :127.0.0.3:\n"
                          "10.0.0.0/8 :127.0.0.4:Net $ listed\n"
                          "!10.1.2.3\n"
                          f"127.0.0.9 :127.0.0.2:{LONG}\n"
                          "127.0.0.10 :127.0.0.2:caf\u00e9 \u00fcml\n"),
    "bl2.test": ("ip4set", "127.0.0.2 :2:Also in bl2 $\n127.0.0.5 :2:Second list $\n"),
    "notxt.test": ("ip4set", "127.0.0.2 :2:\n127.0.0.5 :3:\n"),
    "wl.test": ("ip4set", "127.0.0.2\n127.0.0.5\n"),
    "range.test": ("ip4set", "127.0.0.2 :127.0.0.4:Range text $\n"
                             "127.0.0.6 :127.0.0.10:\n"
                             "127.0.0.7 :127.0.0.20:Out of range $\n"),
    "bl6.test": ("ip6trie", "::1 :127.0.0.2:IPv6 listed\n2001:db8::/32 :127.0.0.3:\n"),
    "dbl.test": ("dnset", ".spam.test :127.0.1.2:Spam domain $\n"),
}

PROG = ["/bin/sh", "-c", "echo accepted; exit 7"]

DIALOGUES = {
    "smtp": b"HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nQUIT\r\n",
    "verbs": b"ehlo y\r\nnoop\r\nrset\r\nvrfy z\r\nhelp\r\nstarttls\r\nquit\r\n",
    "hostile": (b"helo\x00x\r\nHeLo\n\r\nmail\rfrom\r\n" + b"x" * 5000 + b"\r\n"
                b"RCPT  TO:<a>\r\n \r\nquit\r\r\nhelo"),
    "silent": b"",
    "quit-first": b"QUIT\r\nHELO after\r\n",
}

# (name, extra environment, arguments before PROG, client address)
CASES = [
    ("env-block", {"RBLSMTPD": "blocked by local policy"}, [], "127.0.0.2"),
    ("env-empty", {"RBLSMTPD": ""}, ["-r", "bl.test"], "127.0.0.2"),
    ("env-bounce", {"RBLSMTPD": "-go away"}, [], "127.0.0.2"),
    ("env-dash-only", {"RBLSMTPD": "-"}, [], "127.0.0.2"),
    ("env-nonprint-long", {"RBLSMTPD": "\x01\x7f" + "y" * 300}, [], "127.0.0.2"),
    ("env-overrides-zones", {"RBLSMTPD": "local"}, ["-a", "wl.test"], "127.0.0.2"),
    ("listed", {}, ["-r", "bl.test"], "127.0.0.2"),
    ("listed-b", {}, ["-b", "-r", "bl.test"], "127.0.0.2"),
    ("listed-b-after", {}, ["-r", "bl.test", "-b"], "127.0.0.2"),
    ("listed-bB", {}, ["-bB", "-r", "bl.test"], "127.0.0.2"),
    ("listed-net", {}, ["-r", "bl.test"], "10.9.8.7"),
    ("excluded", {}, ["-r", "bl.test"], "10.1.2.3"),
    ("a-only-no-txt", {}, ["-r", "bl.test"], "127.0.0.3"),
    ("not-listed", {}, ["-r", "bl.test", "-r", "bl2.test"], "192.0.2.1"),
    ("second-zone", {}, ["-r", "notxt.test", "-b", "-r", "bl2.test"], "127.0.0.5"),
    ("first-zone-wins", {}, ["-r", "bl.test", "-r", "bl2.test"], "127.0.0.2"),
    ("anti-first", {}, ["-a", "wl.test", "-r", "bl.test"], "127.0.0.2"),
    ("anti-after", {}, ["-r", "bl.test", "-a", "wl.test"], "127.0.0.2"),
    ("anti-miss", {}, ["-a", "wl.test", "-b", "-r", "bl.test"], "127.0.0.1"),
    ("anti-only", {}, ["-a", "wl.test"], "127.0.0.1"),
    ("long-text", {}, ["-r", "bl.test"], "127.0.0.9"),
    ("utf8-text", {}, ["-r", "bl.test"], "127.0.0.10"),
    ("t0", {}, ["-t", "0", "-r", "bl.test"], "127.0.0.2"),
    ("t-junk", {}, ["-tx", "-r", "bl.test"], "127.0.0.2"),
    ("t-attached", {}, ["-t5", "-r", "bl.test"], "127.0.0.2"),
    ("no-remote-ip", {}, ["-r", "bl.test"], None),
    ("text-remote-ip", {}, ["-r", "bl.test"], "not.an.ip"),
    ("double-dash", {}, ["-r", "bl.test", "--"], "127.0.0.2"),
    ("no-zones", {}, [], "127.0.0.2"),
]


@pytest.fixture(scope="module")
def rbldnsd(tmp_path_factory):
    server = Rbldnsd(tmp_path_factory.mktemp("rbldnsd") / "zones", ZONES)
    yield server
    server.stop()


def both(args, env, dialogue):
    ref = run_session(REFERENCE, args, dialogue, env)
    ours = run_session(OURS, args, dialogue, env)
    return ref, ours


def assert_same(ref, ours):
    assert ours.transcript == ref.transcript
    assert ours.normalized_log() == ref.normalized_log()
    assert ours.status == ref.status


@pytest.mark.parametrize("name,extra,args,remote", CASES, ids=[c[0] for c in CASES])
def test_same_as_reference(rbldnsd, name, extra, args, remote):
    env = env_for(RBLDNSD_IP, remote, **extra)
    for dialogue in DIALOGUES.values():
        ref, ours = both(args + PROG, env, dialogue)
        assert_same(ref, ours)
    # the cases really exercise both outcomes (guards against a dead zone)
    blocked = ref.transcript.startswith(b"220 ") or ref.transcript[:4] in (b"451 ", b"553 ")
    expect_blocked = name not in ("env-empty", "excluded", "a-only-no-txt", "not-listed",
                                  "anti-first", "anti-only", "no-remote-ip", "text-remote-ip",
                                  "no-zones")
    assert blocked == expect_blocked, (name, ref.transcript)
    if not blocked:
        assert (ref.transcript, ref.status) == (b"accepted\n", 7)


@pytest.mark.parametrize("dialogue", list(DIALOGUES.values()), ids=list(DIALOGUES))
def test_dialogue_bytes(rbldnsd, dialogue):
    env = env_for(RBLDNSD_IP, "127.0.0.2")
    ref, ours = both(["-r", "bl.test"] + PROG, env, dialogue)
    assert_same(ref, ours)
    assert ref.transcript.startswith(b"220 rblsmtpd.local\r\n")


def test_usage_and_exec_errors(rbldnsd):
    env = env_for(RBLDNSD_IP)
    for args in (["-x", "true"], ["-r"], [], ["-r", "bl.test"], ["-t"],
                 ["/nonexistent/program"]):
        ref, ours = both(args, env, b"")
        assert (ours.status, ours.log) == (ref.status, ref.log), args


def test_exec_keeps_fds_and_arguments(rbldnsd, tmp_path):
    env = env_for(RBLDNSD_IP, "192.0.2.1")
    script = ["/bin/sh", "-c", 'echo "$@"; exec /bin/ls /proc/self/fd', "sh",
              "one", "two words"]
    ref, ours = both(["-r", "bl.test", "-a", "wl.test"] + script, env, b"")
    assert ours.transcript == ref.transcript
    assert ours.transcript == b"one two words\n0\n1\n2\n3\n"   # 3: ls's own directory


def test_ipv6_client_nibble_reversed(rbldnsd):
    env = env_for(RBLDNSD_IP, "::1")
    run = run_session(OURS, ["-r", "bl6.test"] + PROG, DIALOGUES["smtp"], env)
    assert run.transcript == (b"220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n"
                              b"250 rblsmtpd.local\r\n451 IPv6 listed\r\n451 IPv6 listed\r\n"
                              b"221 rblsmtpd.local\r\n")
    assert run.normalized_log() == b"rblsmtpd: ::1 pid N: 451 IPv6 listed\n"
    # listed by A only (no TXT): a plain -r zone does not list it, as in the reference
    env = env_for(RBLDNSD_IP, "2001:db8::25")
    run = run_session(OURS, ["-b", "-r", "bl6.test"] + PROG, b"RCPT TO:<a>\r\n", env)
    assert (run.transcript, run.status) == (b"accepted\n", 7)


def test_ipv6_range_zone(rbldnsd):
    env = env_for(RBLDNSD_IP, "2001:db8::25")
    run = run_session(OURS, ["-b", "-r", "bl6.test:127.0.0.2-127.0.0.11"] + PROG,
                      b"RCPT TO:<a>\r\n", env)
    assert run.transcript == (b"220 rblsmtpd.local\r\n"
                              b"553 listed in bl6.test (127.0.0.3)\r\n")
    env = env_for(RBLDNSD_IP, "2001:db9::1")
    run = run_session(OURS, ["-r", "bl6.test:127.0.0.2-127.0.0.11"] + PROG, b"", env)
    assert (run.transcript, run.status) == (b"accepted\n", 7)


@pytest.mark.parametrize("remote,expected", [
    ("127.0.0.2", b"451 Range text 127.0.0.2\r\n"),               # A in range, TXT used
    ("127.0.0.6", b"451 listed in range.test (127.0.0.10)\r\n"),  # no TXT: default text
    ("127.0.0.7", None),                                          # A out of range
    ("127.0.0.8", None),                                          # not listed at all
])
def test_range_zone(rbldnsd, remote, expected):
    env = env_for(RBLDNSD_IP, remote)
    run = run_session(OURS, ["-t0", "-r", "range.test:127.0.0.2-127.0.0.11"] + PROG, b"", env)
    if expected is None:
        assert (run.transcript, run.status) == (b"accepted\n", 7)
    else:
        assert run.transcript == expected
        assert run.log.endswith(b": " + expected.rstrip(b"\r\n") + b"\n")


def test_range_zone_rejects_bad_range():
    run = run_session(OURS, ["-r", "zone:127.0.0.9-127.0.0.2", "true"], b"", env_for(RBLDNSD_IP))
    assert run.status == 100 and b"bad zone range" in run.log


def test_under_tcpserver_with_smtplib(rbldnsd, root):
    env = env_for(RBLDNSD_IP, None)
    servers = [root.tcpserver([binary, "-r", "bl.test"] + PROG, env=env,
                              log_name=f"tcpserver-{i}.log")
               for i, binary in enumerate((REFERENCE, OURS))]
    transcripts = []
    for server in servers:
        with socket.create_connection((server.ip, server.port), timeout=10) as s:
            s.sendall(DIALOGUES["smtp"])
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        transcripts.append(data)
        client = smtplib.SMTP(server.ip, server.port, timeout=10)
        assert client.ehlo()[0] == 250
        assert client.mail("a@example.test")[0] == 250
        code, text = client.rcpt("b@example.test")
        assert (code, text) == (451, b"Listed 127.0.0.1 at bl.test")
        client.quit()
    assert transcripts[0] == transcripts[1]
    assert b"451 Listed 127.0.0.1 at bl.test\r\n" in transcripts[1]
