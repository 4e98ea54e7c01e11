"""Raw protocol behaviour: pipelining, malformed input, timeouts, the
failed-login delay."""
import time

from pop3d_support import pop3, deliver


def test_pipelined_commands_across_login(pop3):
    server = pop3({"alice@example.test": "pw"})
    md = server.maildir("alice@example.test")
    deliver(md, "Subject: a\n\nA\n", when=1000)
    deliver(md, "Subject: b\n\nB\n", when=2000)
    c = server.connect()
    # Everything in one write: the commands after PASS must reach the
    # post-login process although the pre-login one read the socket first.
    c.send("CAPA\r\nUSER alice@example.test\r\nPASS pw\r\nSTAT\r\nRETR 2\r\nDELE 1\r\nLIST\r\nQUIT\r\n")
    assert c.line().startswith(b"+OK")
    assert b"PIPELINING\r\n" in c.multiline()
    assert c.line() == b"+OK send PASS\r\n"
    assert c.line() == b"+OK 2 messages\r\n"
    assert c.line() == b"+OK 2 28\r\n"
    assert c.line().startswith(b"+OK 14 octets")
    assert c.multiline() == [b"Subject: b\r\n", b"\r\n", b"B\r\n"]
    assert c.line() == b"+OK message deleted\r\n"
    assert c.line().startswith(b"+OK")
    assert c.multiline() == [b"2 14\r\n"]
    assert c.line() == b"+OK bye\r\n"
    assert c.closed()
    assert len(list((md / "new").iterdir())) == 0
    assert len(list((md / "cur").iterdir())) == 1


def test_malformed_commands_get_errors_and_the_session_survives(pop3):
    server = pop3({"alice@example.test": "pw"})
    deliver(server.maildir("alice@example.test"), "Subject: a\n\nA\n")
    c = server.connect()
    c.send(b"\r\nSTAT\r\nUSER a\x00b\r\n" + b"X" * 5000 + b"\r\nFOOBAR\r\nRETR 1\r\n")
    assert c.lines(6) == [b"-ERR empty command\r\n", b"-ERR log in first\r\n",
                          b"-ERR control character in command\r\n", b"-ERR line too long\r\n",
                          b"-ERR malformed command\r\n", b"-ERR log in first\r\n"]
    c.login("alice@example.test", "pw")
    c.send(b"RETR\r\nRETR 2\r\nTOP 1\r\nDELE x\r\nUSER alice\r\n" + b"L" * 513 +
           b"\r\nLIST 1\r\n")
    assert c.lines(7) == [b"-ERR usage: RETR msg\r\n", b"-ERR no such message\r\n",
                          b"-ERR usage: TOP msg lines\r\n", b"-ERR no such message\r\n",
                          b"-ERR already logged in\r\n", b"-ERR line too long\r\n",
                          b"+OK 1 14\r\n"]
    # Twenty errors end it.
    c.send("BAD\r\n" * 25)
    replies = []
    while True:
        l = c.line()
        if not l:
            break
        replies.append(l)
    assert replies[-1] == b"-ERR too many errors\r\n"
    assert len(replies) <= 20


def test_idle_timeouts_close_without_deleting(pop3):
    server = pop3({"alice@example.test": "pw"}, timeout=1)
    name = deliver(server.maildir("alice@example.test"), "Subject: a\n\nA\n")
    before = server.connect()
    before.send("USER alice@example.test\r\n")
    assert before.line() == b"+OK send PASS\r\n"
    assert before.line() == b"-ERR autologout: idle for too long\r\n"
    assert before.closed()

    after = server.connect()
    after.login("alice@example.test", "pw")
    after.send("DELE 1\r\n")
    assert after.line() == b"+OK message deleted\r\n"
    assert after.line() == b"-ERR autologout: idle for too long\r\n"
    assert after.closed()
    assert (server.maildir("alice@example.test") / "new" / name).exists()
    assert "end=timeout" in server.wait_sessions("alice@example.test")[0]


def test_failed_logins_wait_the_configured_delay_then_close_after_three(pop3):
    server = pop3({"alice@example.test": "pw"}, fail_delay_ms=300)
    c = server.connect()
    for user in ("alice@example.test", "nosuchuser@example.test"):
        t0 = time.monotonic()
        c.send(f"USER {user}\r\nPASS bad\r\n")
        assert c.line() == b"+OK send PASS\r\n"
        assert c.line() == b"-ERR [AUTH] authentication failed\r\n"
        assert time.monotonic() - t0 >= 0.3
    c.send("USER alice@example.test\r\nPASS bad\r\n")
    assert c.lines(2)[1].startswith(b"-ERR [AUTH] authentication failed; too many")
    assert c.closed()
    line = server.wait_sessions("alice@example.test")[0]
    assert "login=none failures=3" in line


def test_greeting_defaults_to_me_without_a_version(pop3):
    server = pop3({"alice@example.test": "pw"})
    c = server.connect()
    assert c.greeting == b"+OK mail.example.test\r\n"
    c.send("QUIT\r\n")
    assert c.line() == b"+OK bye\r\n"


def test_greeting_control_characters_are_masked_and_stls_is_not_offered(pop3, root):
    server = pop3({"alice@example.test": "pw"})
    root.set("pop3greeting", "pop\rINJECTED")
    c = server.connect()
    assert c.greeting == b"+OK pop?INJECTED\r\n"
    c.send("CAPA\r\nSTLS\r\nQUIT\r\n")
    assert c.line().startswith(b"+OK")
    assert b"STLS\r\n" not in c.multiline()
    assert c.lines(2) == [b"-ERR STLS not available\r\n", b"+OK bye\r\n"]


def test_configuration_and_checker_failures_are_temporary_errors(pop3, root):
    server = pop3({"alice@example.test": "pw"})
    # A users line the checker cannot trust: it exits 111.
    with open(root.users, "a") as f:
        f.write("carol@example.test:0:0:/nonexistent::\n")
    c = server.connect()
    c.send("USER carol@example.test\r\nPASS x\r\n")
    assert c.lines(2) == [b"+OK send PASS\r\n",
                          b"-ERR [SYS/TEMP] unable to check the password, try again later\r\n"]
    c.send("QUIT\r\n")
    assert c.line() == b"+OK bye\r\n"
    root.set("timeoutpop3d", "soon")
    c = server.connect()
    assert c.greeting == b"-ERR [SYS/TEMP] configuration error, try again later\r\n"
    assert c.closed()
