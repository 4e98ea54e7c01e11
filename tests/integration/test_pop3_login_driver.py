"""bench/pop3-login-driver.c, the client of pop3d-bench's login
measurement, against the real mailsuite-pop3d under tcpserver: it counts
only complete logins (USER, PASS, STAT of the one-message mailbox, QUIT,
end of file) and says when one fails. No timing is checked."""
import pathlib
import re
import subprocess

import pytest

from conftest import wait_for
from pop3d_support import deliver, pop3  # noqa: F401  (pop3 is a fixture)

TOP = pathlib.Path(__file__).resolve().parents[2]
USERS = {"one0@example.test": "pw-zero", "one1@example.test": "pw-zero"}


@pytest.fixture
def driver(tmp_path):
    out = tmp_path / "pop3-login-driver"
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-pthread", "-o", str(out),
                    str(TOP / "bench" / "pop3-login-driver.c")], check=True, timeout=120)
    return out


def run(driver, port, user, password, clients, logins):
    return subprocess.run([str(driver), str(port), user, password, str(clients), str(logins)],
                          capture_output=True, text=True, timeout=120)


def test_concurrent_logins_are_counted_and_change_nothing(pop3, driver):
    server = pop3(USERS)
    names = {u: deliver(server.maildir(u), "Subject: x\n\nbody\n") for u in USERS}
    r = run(driver, server.port, "one%d@example.test", "pw-zero", 2, 10)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"pop3-login clients=2 logins=10 failed=0 secs=[0-9.]+ rate=[0-9.]+ "
                        r"client_cpu_ms=[0-9.]+\n", r.stdout)
    quits = wait_for(lambda: (lambda q: len(q) >= 10 and q)(
        [l for l in server.session_lines() if "messages=1 " in l and "end=quit" in l]),
        timeout=10, what="10 session log lines")
    assert len(quits) == 10, server.log()
    for u, name in names.items():  # each client its own mailbox; STAT and QUIT delete nothing
        assert any(f"user={u} " in l for l in quits), server.log()
        kept = [f.name for d in ("new", "cur") for f in (server.maildir(u) / d).iterdir()]
        assert len(kept) == 1 and kept[0].startswith(name), kept  # cur/ after a login

def test_a_wrong_password_or_mailbox_is_a_failure(pop3, driver):
    server = pop3(USERS, fail_delay_ms=0)
    deliver(server.maildir("one0@example.test"), "Subject: x\n\nbody\n")
    r = run(driver, server.port, "one%d@example.test", "wrong", 1, 2)
    assert r.returncode == 1
    assert "failed=2" in r.stdout
    assert "first failure: PASS wrong" in r.stderr and "-ERR [AUTH]" in r.stderr
    deliver(server.maildir("one0@example.test"), "Subject: y\n\nbody\n")  # two messages now
    r = run(driver, server.port, "one%d@example.test", "pw-zero", 1, 1)
    assert r.returncode == 1 and "first failure: STAT" in r.stderr and "+OK 2 " in r.stderr


def test_bad_arguments_exit_2(driver):
    for args in (["110", "user", "pw", "1", "1"],          # no %d: clients would share a mailbox
                 ["110", "u%d%s", "pw", "1", "1"],         # a second conversion
                 ["110", "u%d", "pw", "0", "1"],
                 ["0", "u%d", "pw", "1", "1"]):
        r = subprocess.run([str(driver), *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, args
