"""mailsuite-newmrh and mailsuite-users, run for real."""
import os
import stat
import subprocess

import control_cdb
from conftest import prog, run


def test_newmrh_compiles_morercpthosts(root):
    root.set("morercpthosts", "# relay for these", "Example.COM", ".Sub.Example.org  ", "", "b.example")
    r = run([prog("mailsuite-newmrh")], env=root.env)
    assert r.returncode == 0, r.stderr
    cdb = str(root.control / "morercpthosts.cdb")
    assert control_cdb.keys(cdb) == [b"example.com", b".sub.example.org", b"b.example"]
    assert control_cdb.lookup(cdb, b"example.com") == [b""]
    assert control_cdb.lookup(cdb, b"EXAMPLE.COM") == []
    assert not os.path.exists(cdb + ".tmp")
    assert stat.S_IMODE(os.stat(cdb).st_mode) == 0o644
    # Editing and recompiling replaces the table.
    root.set("morercpthosts", "other.example")
    assert run([prog("mailsuite-newmrh")], env=root.env).returncode == 0
    assert control_cdb.keys(cdb) == [b"other.example"]


def test_newmrh_failure_keeps_the_old_table(root):
    root.set("morercpthosts", "keep.example")
    assert run([prog("mailsuite-newmrh")], env=root.env).returncode == 0
    cdb = root.control / "morercpthosts.cdb"
    before = cdb.read_bytes()
    root.set("morercpthosts", "new.example")
    # A directory where the temp file must go: the write fails.
    os.mkdir(str(cdb) + ".tmp")
    r = run([prog("mailsuite-newmrh")], env=root.env)
    assert r.returncode == 111
    assert b"mailsuite-newmrh: fatal" in r.stderr
    assert cdb.read_bytes() == before
    assert run([prog("mailsuite-newmrh"), "extra"], env=root.env).returncode == 2


def users(root, *args, password=None):
    return run([prog("mailsuite-users"), *args], env=root.env,
               input=None if password is None else password.encode())


def test_users_add_list_passwd_del(root):
    assert users(root, "add", "Alice@Example.COM", "2001", "2001", "/var/vmail/alice",
                 password="pw one\n").returncode == 0
    assert users(root, "add", "-s", "sha512", "-q", "1000S,10C", "bob@example.com", "2002", "2002",
                 "/var/vmail/bob", password="pw two").returncode == 0
    assert users(root, "add", "-n", "list@example.com", "2003", "2003", "/var/vmail/list").returncode == 0
    text = root.users.read_text()
    assert stat.S_IMODE(os.stat(root.users).st_mode) == 0o600
    lines = text.splitlines()
    assert lines[0].startswith("Alice@example.com:2001:2001:/var/vmail/alice:$y$")
    assert lines[1].startswith("bob@example.com:2002:2002:/var/vmail/bob:$6$")
    assert lines[1].endswith(":1000S,10C")
    assert lines[2] == "list@example.com:2003:2003:/var/vmail/list::"
    assert "pw one" not in text and "pw two" not in text
    listing = users(root, "list")
    assert listing.returncode == 0
    assert listing.stdout.decode().splitlines() == [
        "Alice@example.com 2001 2001 /var/vmail/alice - login=yes",
        "bob@example.com 2002 2002 /var/vmail/bob 1000S,10C login=yes",
        "list@example.com 2003 2003 /var/vmail/list - login=no",
    ]
    assert b"$" not in listing.stdout
    # Duplicates, unknown users, bad arguments.
    assert users(root, "add", "Alice@EXAMPLE.com", "5", "5", "/x", password="p").returncode == 1
    assert users(root, "del", "nobody@example.com").returncode == 1
    assert users(root, "add", "root@example.com", "0", "0", "/root", password="p").returncode == 2
    assert users(root, "add", "x@example.com", "5", "5", "/x:9:9:/y", password="p").returncode == 2
    assert users(root, "add", "x@example.com", "5", "5", "/x", password="").returncode == 2
    assert users(root, "bogus").returncode == 2
    assert users(root).returncode == 2
    old_hash = root.users.read_text().splitlines()[0].split(":")[4]
    assert users(root, "passwd", "Alice@example.com", password="new pw\n").returncode == 0
    assert root.users.read_text().splitlines()[0].split(":")[4] != old_hash
    assert users(root, "del", "bob@EXAMPLE.com").returncode == 0
    assert "bob@" not in root.users.read_text()
    assert not any(n.startswith("users.tmp") for n in os.listdir(root.path))


def test_users_list_reports_malformed_lines(root):
    root.users.write_text("# comment\nok@example.com:5:5:/h::\nbroken\nz@example.com:0:5:/h::\n")
    r = users(root, "list")
    assert r.returncode == 1
    assert r.stdout.decode() == "ok@example.com 5 5 /h - login=no\n"
    err = r.stderr.decode()
    assert "line=3" in err and "line=4" in err


def test_users_concurrent_adds_lose_nothing(root):
    procs = [subprocess.Popen([prog("mailsuite-users"), "add", "-s", "sha512", f"u{i}@example.com",
                               str(3000 + i), "3000", f"/var/vmail/u{i}"],
                              env=root.env, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(12)]
    for p in procs:
        p.communicate(b"secret\n", timeout=30)
        assert p.returncode == 0
    names = sorted(l.split(":")[0] for l in root.users.read_text().splitlines())
    assert names == sorted(f"u{i}@example.com" for i in range(12))
