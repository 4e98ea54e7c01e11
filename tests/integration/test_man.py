"""The man pages (issue 23): one per program in build/bin (section 8),
the control files (section 5, generated from control/README), the users
database, the queue, dot files (5) and the overview mailsuite(7).  Each
is installed by `make install` under PREFIX/share/man/manN and renders
with `groff -ww -man` without a warning; what a program says about its
own usage (options, exit status) is in its page."""
import os
import re
import subprocess

import pytest

from conftest import BIN, TOP, prog, run

MAN = TOP / "man"
PREFIX = "/opt/ms"


def render(page, cwd):
    """groff's text of a page and its warnings (stderr)."""
    r = subprocess.run(["groff", "-ww", "-man", "-Tutf8", str(page)], cwd=str(cwd),
                       capture_output=True, timeout=60)
    assert r.returncode == 0, (page, r.stderr)
    text = re.sub(r".\x08", "", r.stdout.decode("utf-8"))  # overstrike (bold, underline)
    return text.replace("\u2010", "-").replace("\u2212", "-"), r.stderr.decode()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("install")
    programs = sorted(str(p) for p in BIN.iterdir())
    r = run([str(TOP / "tests/install-tree"), PREFIX] + programs,
            env=dict(os.environ, DESTDIR=str(dest)), timeout=120)
    assert r.returncode == 0, r.stderr
    return dest / PREFIX.lstrip("/") / "share" / "man"


def test_every_program_has_an_installed_page(installed):
    programs = sorted(p.name for p in BIN.iterdir() if p.is_file())
    assert "mailsuite-smtpd" in programs and "mailsuite-log" in programs
    missing = [p for p in programs if not (installed / "man8" / f"{p}.8").is_file()]
    assert not missing, f"programs without a man page in man/: {missing}"
    for page in ("man5/mailsuite-control.5", "man5/mailsuite-users.5", "man5/mailsuite-queue.5",
                 "man5/mailsuite-dot-qmail.5", "man7/mailsuite.7"):
        assert (installed / page).is_file(), page
    # Everything in man/ is installed, nothing else.
    assert sorted(p.name for p in installed.glob("man*/*")) == sorted(p.name for p in MAN.glob("*.[1-9]"))


def test_every_page_renders_without_warnings(installed):
    pages = sorted(installed.glob("man*/*"))
    assert len(pages) >= 24
    for page in pages:
        text, warnings = render(page.relative_to(installed), installed)
        assert warnings == "", f"{page.name}: {warnings}"
        name = page.name.rsplit(".", 1)[0]
        assert "NAME" in text and "SEE ALSO" in text, page.name
        if page.parent.name == "man8":
            # .so pages (sendmail, mailq) render their target, which names them.
            assert re.search(rf"(^|\W){re.escape(name)}(\W|$)", text), page.name
            assert "EXIT STATUS" in text, page.name
            assert re.search(r"\n\s+-V\s+As\s+the\s+only\s+argument:\s+print", text), f"{page.name}: -V"


def page_text(program):
    page = MAN / f"{program}.8"
    first = page.read_text().split("\n")[0]
    if first.startswith(".so "):
        page = MAN / first.split("/")[-1]
    return render(page, MAN)[0]


def section(text, title):
    m = re.search(rf"\n{title}\n(.*?)(\n[A-Z][A-Z ]+\n|\Z)", text, re.S)
    assert m, title
    return m.group(1)


# Programs that print their usage on a bad option without doing anything:
# every option the usage names is in the page, and the exit status it
# gives is in EXIT STATUS.  (mailsuite-rblsmtpd's usage is ucspi-tcp's
# text word for word, so only its exit status is compared.)
USAGE_PROBES = ["mailsuite-check", "mailsuite-users", "mailsuite-stats", "mailsuite-setup", "mailq",
                "mailsuite-qread", "mailsuite-rblcheck", "mailsuite-log", "sendmail", "mailsuite-inject",
                "mailsuite-tcpserver", "mailsuite-rblsmtpd", "mailsuite-newmrh", "mailsuite-remote",
                "mailsuite-spf"]


@pytest.mark.parametrize("program", USAGE_PROBES)
def test_page_matches_the_programs_usage(program):
    r = run([prog(program), "--no-such-option"], input=b"", timeout=10)
    assert r.returncode != 0
    text = page_text(program)
    usage = (r.stderr + r.stdout).decode(errors="replace")
    if program != "mailsuite-rblsmtpd":
        options = set(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", usage.split("usage", 1)[-1]))
        options.discard("--no-such-option")
        undocumented = sorted(o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text))
        assert not undocumented, f"{program}: options in its usage but not in its page: {undocumented}"
    exit_status = section(text, "EXIT STATUS")
    assert re.search(rf"(?<![\d.]){r.returncode}(?![\d.])", exit_status), (program, r.returncode, exit_status)


def test_version_option_of_every_page_is_real():
    """-V as the only argument prints the version (test_version.py); the
    pages say the same of every program, in SYNOPSIS too."""
    for page in MAN.glob("*.8"):
        first = page.read_text().split("\n")[0]
        if first.startswith(".so "):
            continue
        synopsis = section(render(page, MAN)[0], "SYNOPSIS")
        assert "-V" in synopsis, page.name


def test_control_page_is_generated_from_control_readme():
    generated = run([str(TOP / "mk/control-man")]).stdout.decode()
    assert generated == (MAN / "mailsuite-control.5").read_text(), \
        "man/mailsuite-control.5 and control/README disagree: run mk/control-man > man/mailsuite-control.5"
    text, _ = render(MAN / "mailsuite-control.5", MAN)
    readme_names = [l.split()[0] for l in (TOP / "control/README").read_text().splitlines()
                    if re.match(r"^[a-z0-9][a-z0-9._-]*\s{1,}\S", l) and not l.startswith("file ")]
    for name in ("me", "rcpthosts", "smtpgreeting", "queuewarnage", "checkpasswordsystem"):
        assert name in readme_names
        assert re.search(rf"\n       {re.escape(name)}\n", text) or re.search(rf"\n       {re.escape(name)} ", text), name
    assert "Default: 1200. Read by: smtpd." in text  # timeoutsmtpd, from the README's columns


def test_control_readme_lists_each_file_once():
    names = []
    lines = (TOP / "control/README").read_text().splitlines()
    start = next(i for i, l in enumerate(lines) if re.match(r"^-{10,}\s+-{10,}", l)) + 1
    for line in lines[start:]:
        if not line.strip():
            break
        if not line[0].isspace():
            names.append(line.split()[0])
    duplicated = sorted({n for n in names if names.count(n) > 1})
    assert not duplicated, f"control/README lists these more than once: {duplicated}"


def test_overview_names_a_working_command_for_each_outage():
    """mailsuite(7) "WHEN SOMETHING BREAKS": the seed's outages, each with
    commands that exist here (ours in build/bin, the others on PATH)."""
    import shutil
    source = (MAN / "mailsuite.7").read_text()
    part = source.split('.SH "WHEN SOMETHING BREAKS"', 1)[1].split(".SH SEE ALSO", 1)[0]
    outages = re.split(r"^\.SS ", part, flags=re.M)[1:]
    titles = [o.split("\n", 1)[0] for o in outages]
    for word in ("load", "disk", "Locked mailbox", "Stuck queue", "Blacklisted relay"):
        assert any(word.lower() in t.lower() for t in titles), (word, titles)
    for outage in outages:
        blocks = re.findall(r"^\.nf\n(.*?)^\.fi", outage, re.S | re.M)
        assert blocks, outage.split("\n", 1)[0]
        for line in "\n".join(blocks).splitlines():
            command = line.replace("\\-", "-").split()[0]
            assert (BIN / command).exists() or shutil.which(command), (command, line)
