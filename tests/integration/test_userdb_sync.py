"""mailsuite-userdb-sync against a real PostgreSQL 15 started by the test
(pg_support.py): -1 writes the files; a change is in the users database
within a second and the real smtpd and local delivery of an instance take
mail for it; an outage freezes the files and the sync reconnects; a first
start with the database down writes nothing and exits 111; an empty
domains table writes empty files with a warning; kill -9 at random points
never leaves a half-written file."""
import os
import pathlib
import random
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, Process, ensure_account, free_port, port_open, prog, run, wait_for
from instance_support import instance_dir, start_instance, stop_instance  # noqa: F401 (fixture)
from pg_support import PgServer

SYNC = prog("mailsuite-userdb-sync")
HEADER = "# written by mailsuite-userdb-sync from PostgreSQL"


@pytest.fixture(scope="module")
def pg_server():
    ensure_account("msuserdb")  # the reader's account (mailsuite-setup creates it)
    server = PgServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def pg(pg_server):
    """The module's server, running, with a fresh copy of the schema."""
    if pg_server.proc is None:
        pg_server.start()
    pg_server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    pg_server.sql("DROP FUNCTION IF EXISTS mailsuite_notify()")
    return pg_server.load_schema()


@pytest.fixture
def target():
    d = pathlib.Path(tempfile.mkdtemp(prefix="ms-userdb-", dir="/tmp"))
    (d / "control").mkdir()
    env = dict(os.environ, MAILSUITE_CONTROL=str(d / "control"), MAILSUITE_USERS=str(d / "users"))
    yield d, env
    shutil.rmtree(d, ignore_errors=True)


def add_user(pg, address, uid=2000, gid=2000, home=None, hash_="$6$salt$hash"):
    home = home or f"/var/vmail/{address}"
    pg.sql(f"INSERT INTO mailsuite_users (address, uid, gid, home, password_hash) "
           f"VALUES ('{address}', {uid}, {gid}, '{home}', '{hash_}')")


def users_of(path):
    try:
        text = pathlib.Path(path).read_text()
    except FileNotFoundError:
        return None
    return [l.split(":")[0] for l in text.splitlines() if l and not l.startswith("#")]


def test_once_writes_the_three_files(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    pg.sql("INSERT INTO mailsuite_domains VALUES ('example.test', 'mailbox'), ('relay.test', 'relay')")
    add_user(pg, "ann@example.test")
    pg.sql("INSERT INTO mailsuite_users VALUES ('bob@example.test', 2001, 2001, '/var/vmail/bob', "
           "'', 5000000, 100)")
    r = run([SYNC, "-1"], env=env)
    assert r.returncode == 0, r.stderr
    users = (d / "users").read_text()
    assert users.startswith(HEADER)
    assert "ann@example.test:2000:2000:/var/vmail/ann@example.test:$6$salt$hash:\n" in users
    assert "bob@example.test:2001:2001:/var/vmail/bob::5000000S,100C\n" in users
    assert (d / "users").stat().st_mode & 0o7777 == 0o600
    assert (d / "control" / "rcpthosts").read_text() == "example.test\nrelay.test\n"
    assert (d / "control" / "virtualdomains").read_text() == "example.test:example.test\n"
    # mailsuite-users reads what the sync wrote: the same format.
    listed = run([prog("mailsuite-users"), "list"], env=env)
    assert listed.returncode == 0, listed.stderr
    assert b"bob@example.test 2001 2001 /var/vmail/bob 5000000S,100C login=no" in listed.stdout
    # -b: a backup MX accepts the domains but delivers none of them.
    r = run([SYNC, "-1", "-b"], env=env)
    assert r.returncode == 0, r.stderr
    assert (d / "control" / "rcpthosts").read_text() == "example.test\nrelay.test\n"
    assert (d / "control" / "virtualdomains").read_text() == ""


def test_first_start_with_the_database_down_writes_nothing_and_exits_111(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    pg.stop()
    for argv in ([SYNC, "-1"], [SYNC]):
        r = run(argv, env=env, timeout=30)
        assert r.returncode == 111, r.stderr
        assert b"unreachable" in r.stderr
        assert sorted(p.name for p in d.iterdir()) == ["control"]
        assert sorted(p.name for p in (d / "control").iterdir()) == ["userdb"]
    # No control/userdb at all: 111 too, nothing written.
    (d / "control" / "userdb").unlink()
    assert run([SYNC, "-1"], env=env).returncode == 111
    assert not (d / "users").exists()


def test_empty_domains_write_empty_files_with_a_warning(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    (d / "control" / "rcpthosts").write_text("old.test\n")
    r = run([SYNC, "-1"], env=env)
    assert r.returncode == 0, r.stderr
    assert b"mailsuite_domains is empty" in r.stderr
    assert (d / "control" / "rcpthosts").read_text() == ""
    assert (d / "control" / "virtualdomains").read_text() == ""


def test_a_bad_row_keeps_the_last_good_copy(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    pg.sql("INSERT INTO mailsuite_domains VALUES ('example.test')")
    add_user(pg, "ann@example.test")
    assert run([SYNC, "-1"], env=env).returncode == 0
    before = (d / "users").read_text()
    # The schema's checks would refuse this; an operator who dropped them
    # must not get a users database with an injected line.
    pg.sql("ALTER TABLE mailsuite_users DROP CONSTRAINT mailsuite_users_home_check")
    add_user(pg, "eve@example.test", home="/x:0:0:/root")
    r = run([SYNC, "-1"], env=env)
    assert r.returncode == 111
    assert b"refused" in r.stderr and b"eve@example.test" in r.stderr
    assert (d / "users").read_text() == before


def test_changes_within_a_second_outage_freezes_and_reconnect(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    pg.sql("INSERT INTO mailsuite_domains VALUES ('example.test')")
    add_user(pg, "ann@example.test")
    sync = Process([SYNC], env=env, log=str(d / "sync.log"))
    try:
        wait_for(lambda: users_of(d / "users") == ["ann@example.test"], timeout=10, what="first copy")
        # One insert: in the file within a second.
        add_user(pg, "bob@example.test")
        t0 = time.monotonic()  # psql has returned: the insert is committed
        wait_for(lambda: "bob@example.test" in (users_of(d / "users") or []), timeout=1.0,
                 interval=0.01, what="bob within 1 s")
        print(f"commit to users database: {time.monotonic() - t0:.3f} s")
        # A burst of 40 separate commits: coalesced, all there within a second of the last.
        pg.script("".join(f"INSERT INTO mailsuite_users (address, uid, gid, home) VALUES "
                          f"('u{i}@example.test', 2000, 2000, '/h');\n" for i in range(40)))
        wait_for(lambda: len(users_of(d / "users") or []) == 42, timeout=1.0, interval=0.01,
                 what="the burst within 1 s")
        rewrites = sync.log().count("synced")
        assert rewrites <= 2 + 10, sync.log()  # not one rewrite per commit
        # Outage: the files stay as they were, the sync keeps running.
        frozen = {p: (d / p).read_bytes() for p in ("users", "control/rcpthosts")}
        pg.stop()
        time.sleep(2.5)
        assert sync.alive(), sync.log()
        assert {p: (d / p).read_bytes() for p in frozen} == frozen
        assert "lost" in sync.log() or "unreachable" in sync.log()
        # Back: it reconnects (back-off at most 5 s) and reads what changed meanwhile.
        pg.start()
        pg.sql("DELETE FROM mailsuite_users WHERE address = 'bob@example.test'")
        wait_for(lambda: "bob@example.test" not in (users_of(d / "users") or ["bob@example.test"]),
                 timeout=10, what="resync after the database returned")
        assert sync.log().count("connected") >= 2
        assert sync.alive()
    finally:
        sync.stop()


def test_inserted_user_receives_mail_through_the_real_smtpd_and_local(pg, instance_dir):
    root = instance_dir / "inst"
    smtp, pop3 = free_port(), free_port()
    env, ann_home, svscan = start_instance(root, smtp, pop3)
    try:
        owner = "mailsuite" if os.geteuid() == 0 else None
        uid = int(run(["id", "-u"] + ([owner] if owner else [])).stdout)
        gid = int(run(["id", "-g"] + ([owner] if owner else [])).stdout)
        (root / "control" / "userdb").write_text(pg.conninfo() + "\n")
        pg.sql("INSERT INTO mailsuite_domains VALUES ('mail.example.test')")
        add_user(pg, "ann@mail.example.test", uid, gid, str(ann_home))
        sync = Process([SYNC], env=env, log=str(instance_dir / "sync.log"))
        try:
            wait_for(lambda: users_of(root / "users") == ["ann@mail.example.test"], timeout=10,
                     what="first copy")
            # The instance's owner keeps its users database (mode and owner kept).
            st = (root / "users").stat()
            assert (st.st_uid, st.st_mode & 0o777) == (uid, 0o600)
            carl = root / "mail" / "carl"
            for sub in ("new", "cur", "tmp"):
                (carl / "Maildir" / sub).mkdir(parents=True)
            if owner:
                subprocess.run(["chown", "-R", f"{owner}:", str(root / "mail")], check=True)
            add_user(pg, "carl@mail.example.test", uid, gid, str(carl))
            t0 = time.monotonic()
            wait_for(lambda: "carl@mail.example.test" in (users_of(root / "users") or []),
                     timeout=1.0, interval=0.01, what="carl within 1 s")
            print(f"commit to users database: {time.monotonic() - t0:.3f} s")
            wait_for(lambda: port_open("127.0.0.1", smtp), timeout=20, what="smtpd")
            r = run(["swaks", "--server", f"127.0.0.1:{smtp}", "--to", "carl@mail.example.test",
                     "--from", "x@example.org", "--header", "Subject: from postgres",
                     "--silent", "2"])
            assert r.returncode == 0, r.stdout
            wait_for(lambda: list((carl / "Maildir" / "new").iterdir()), timeout=20,
                     what="delivery to carl's Maildir")
            msg = next((carl / "Maildir" / "new").iterdir()).read_text()
            assert "Subject: from postgres" in msg
        finally:
            sync.stop()
    finally:
        stop_instance(root, svscan)


def _valid_users_file(text, sizes):
    assert text.startswith(HEADER), text[:200]
    assert text.endswith("\n")
    lines = [l for l in text.splitlines() if not l.startswith("#")]
    assert all(len(l.split(":")) == 6 for l in lines)
    assert len(lines) in sizes, (len(lines), sizes)


def test_kill_9_at_random_points_never_leaves_a_half_written_file(pg, target):
    d, env = target
    (d / "control" / "userdb").write_text(pg.conninfo() + "\n")
    pg.sql("INSERT INTO mailsuite_domains VALUES ('example.test')")
    # Big enough (about 0.3 MB) that a kill lands inside a write now and then.
    pg.sql("INSERT INTO mailsuite_users (address, uid, gid, home, password_hash) "
           "SELECT 'user' || i || '@example.test', 2000, 2000, '/var/vmail/very/long/home/' || i, "
           "'$y$j9T$' || repeat('x', 43) FROM generate_series(1, 3000) i")
    t0 = time.monotonic()
    assert run([SYNC, "-1"], env=env).returncode == 0
    run_time = time.monotonic() - t0
    sizes = {3000}
    rng = random.Random(21)
    killed_mid_run = 0
    for i in range(6):
        # Each round changes the table so the next write differs.
        pg.sql(f"INSERT INTO mailsuite_domains VALUES ('d{i}.test')")
        if i % 2:
            pg.sql("DELETE FROM mailsuite_users WHERE address LIKE 'user1%@example.test' "
                   "AND uid = 2000")
            sizes.add(len(users_of(d / "users")) - sum(
                1 for a in users_of(d / "users") if a.startswith("user1")))
        else:
            pg.sql("INSERT INTO mailsuite_users (address, uid, gid, home) SELECT 'user1' || i || "
                   f"'x{i}@example.test', 2000, 2000, '/h' FROM generate_series(1, 1111) i")
            sizes.add(len(users_of(d / "users")) + 1111)
        p = subprocess.Popen([SYNC, "-1"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.2 * run_time))  # anywhere in a run
        if p.poll() is None:
            killed_mid_run += 1
        p.kill()
        p.wait(timeout=10)
        _valid_users_file((d / "users").read_text(), sizes)
        for f in ("rcpthosts", "virtualdomains"):
            text = (d / "control" / f).read_text()
            assert text == "" or text.endswith("\n")
        # The reader follows its installer (PR_SET_PDEATHSIG): nothing left.
        wait_for(lambda: b"mailsuite-userd" not in run(["ps", "-eo", "comm"]).stdout, timeout=5,
                 what="no sync process left")
        # Bring the file to this round's state before the next one.
        assert run([SYNC, "-1"], env=env).returncode == 0
        sizes = {len(users_of(d / "users"))}
    print(f"killed mid-run {killed_mid_run} of 6")
    assert killed_mid_run >= 2


def test_userdb_md_shows_the_schema_the_tests_load():
    doc = (pathlib.Path(__file__).resolve().parents[2] / "control" / "USERDB.md").read_text()
    schema = (pathlib.Path(__file__).resolve().parents[2] / "userdb" / "schema.sql").read_text()
    assert "```sql\n" + schema + "```" in doc


def test_usage_errors():
    for argv in ([SYNC, "-x"], [SYNC, "extra"], [SYNC, "-h"]):
        assert run(argv).returncode == 100
