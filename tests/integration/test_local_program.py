"""mailsuite-local: program deliveries, their exit codes and environment."""
from local_support import MESSAGE, Home, reason, run_local


def test_exit_codes(root, tmp_path):
    home = Home(tmp_path / "joe")
    cases = [(0, 0), (99, 0), (100, 100), (111, 111), (64, 100), (65, 100), (70, 100),
             (76, 100), (77, 100), (78, 100), (112, 100), (1, 111), (2, 111), (75, 111)]
    for code, expected in cases:
        home.dot(".qmail", f"|echo said {code}; exit {code}\n")
        cp = run_local(root, home)
        assert cp.returncode == expected, (code, cp.stdout)
        if expected != 0:
            assert f"exited {code}: said {code}" in reason(cp)


def test_killed_program_defers(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "|kill -9 $$\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "signal 9" in reason(cp)


def test_99_stops_the_rest_of_the_file(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./first\n|exit 99\n./second\n")
    cp = run_local(root, home)
    assert cp.returncode == 0
    assert reason(cp) == "did 1+0+1/"
    assert (home.path / "first").exists()
    assert not (home.path / "second").exists()


def test_failure_stops_before_later_lines(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "|exit 111\n./after\n")
    assert run_local(root, home).returncode == 111
    assert not (home.path / "after").exists()


def test_environment_and_stdin(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail-ext-more", "|env > env-out; cat > stdin-out; pwd > pwd-out; "
                                "[ -n \"$(head -c0 <&0; echo x)\" ] && test -f /dev/stdin\n")
    cp = run_local(root, home, local="joe-ext-more", dash="-", ext="ext-more", domain="mail.example.test",
                   env={"EXT": "leak", "PATH": "/usr/bin:/bin"})
    assert cp.returncode == 0, cp.stdout
    env = dict(l.split("=", 1) for l in (home.path / "env-out").read_text().splitlines() if "=" in l)
    assert env["SENDER"] == "alice@example.org"
    assert env["NEWSENDER"] == "alice@example.org"
    assert env["RECIPIENT"] == "joe-ext-more@mail.example.test"
    assert env["USER"] == "joe"
    assert env["HOME"] == str(home.path)
    assert env["LOCAL"] == "joe-ext-more"
    assert env["EXT"] == "ext-more"
    assert env["EXT2"] == "more"
    assert env["EXT3"] == ""
    assert env["HOST"] == "mail.example.test"
    assert env["HOST2"] == "mail.example"
    assert env["HOST3"] == "mail"
    assert env["DTLINE"] == "Delivered-To: joe-ext-more@mail.example.test"
    assert env["RPLINE"] == "Return-Path: <alice@example.org>"
    assert env["UFLINE"].startswith("From alice@example.org ")
    assert (home.path / "stdin-out").read_bytes() == MESSAGE
    assert (home.path / "pwd-out").read_text().strip() == str(home.path)


def test_stdin_is_seekable(root, tmp_path):
    home = Home(tmp_path / "joe")
    # read the message twice from the same stdin, rewinding in between
    home.dot(".qmail", "|/usr/bin/python3 -c 'import sys,os; a=sys.stdin.buffer.read(); "
                       "os.lseek(0,0,0); b=os.read(0,1<<20); open(\"twice\",\"wb\").write(a+b)'\n")
    assert run_local(root, home).returncode == 0
    assert (home.path / "twice").read_bytes() == MESSAGE * 2


def test_program_output_becomes_one_line(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "|printf 'first\\nsecond\\n' >&2; exit 100\n")
    cp = run_local(root, home)
    assert cp.returncode == 100
    assert reason(cp).endswith("exited 100: first/ second (#5.2.0)")


def test_program_gets_default_sigpipe(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "|yes | head -n 1 > yes-out\n")
    cp = run_local(root, home, timeout=10)
    assert cp.returncode == 0
    assert (home.path / "yes-out").read_text() == "y\n"
