"""mailsuite-local: every dot-file form, the search order and defaults."""
import os

from local_support import MESSAGE, Home, reason, recording_queue, run_local


def test_no_dot_file_uses_defaultdelivery_maildir(root, tmp_path):
    home = Home(tmp_path / "joe")
    cp = run_local(root, home)
    assert cp.returncode == 0, cp.stdout
    assert reason(cp) == "did 1+0+0/"
    [msg] = home.new_messages()
    data = msg.read_bytes()
    assert data == b"Return-Path: <alice@example.org>\nDelivered-To: joe@example.test\n" + MESSAGE
    assert not list((home.maildir / "tmp").iterdir())


def test_defaultdelivery_may_be_an_mbox_or_several_lines(root, tmp_path):
    home = Home(tmp_path / "joe")
    cp = run_local(root, home, default="./Mailbox\n./Maildir/\n")
    assert cp.returncode == 0, cp.stdout
    assert reason(cp) == "did 2+0+0/"
    assert (home.path / "Mailbox").read_bytes().startswith(b"From alice@example.org ")
    assert len(home.new_messages()) == 1


def test_empty_dot_file_means_defaultdelivery(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "")
    cp = run_local(root, home)
    assert cp.returncode == 0
    assert len(home.new_messages()) == 1


def test_comment_only_dot_file_discards(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "# throw it all away\n")
    cp = run_local(root, home)
    assert cp.returncode == 0
    assert reason(cp) == "did 0+0+0/"
    assert home.new_messages() == []


def test_qmail_with_every_form(root, tmp_path):
    home = Home(tmp_path / "joe")
    other = tmp_path / "joe" / "Other"
    os.makedirs(other / "tmp"); os.makedirs(other / "new"); os.makedirs(other / "cur")
    script, rec = recording_queue(tmp_path)
    home.dot(".qmail", "# all forms\n./Maildir/\n./Other/\n./mbox\n"
                       f"{home.path}/abs-mbox\n|cat > prog-out\n&fwd@example.org\nplain@example.net\n")
    cp = run_local(root, home, env={"QMAILQUEUE": str(script)})
    assert cp.returncode == 0, cp.stdout
    assert reason(cp) == "did 4+2+1/"
    assert len(home.new_messages()) == 1
    assert len(home.new_messages(other)) == 1
    assert (home.path / "mbox").read_bytes().count(b"\nFrom ") == 0
    assert (home.path / "abs-mbox").exists()
    assert (home.path / "prog-out").read_bytes() == MESSAGE
    assert (rec / "envelope").read_bytes() == b"Falice@example.org\0Tfwd@example.org\0Tplain@example.net\0\0"
    assert (rec / "message").read_bytes() == b"Delivered-To: joe@example.test\n" + MESSAGE


def test_mailsuite_dot_file_wins_over_qmail(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./qmail-mbox\n")
    home.dot(".mailsuite", "./ms-mbox\n")
    cp = run_local(root, home)
    assert cp.returncode == 0
    assert (home.path / "ms-mbox").exists()
    assert not (home.path / "qmail-mbox").exists()


def test_extension_search_order_and_default(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail-default", "./catchall\n")
    home.dot(".qmail-foo-default", "|echo \"$DEFAULT $EXT $EXT2\" > foo-default-out\n")
    home.dot(".qmail-foo-bar", "./foo-bar\n")
    # exact match
    assert run_local(root, home, local="joe-foo-bar", dash="-", ext="foo-bar").returncode == 0
    assert (home.path / "foo-bar").exists()
    # -foo-default, with $DEFAULT the part it stands for
    cp = run_local(root, home, local="joe-foo-Baz", dash="-", ext="foo-Baz")
    assert cp.returncode == 0, cp.stdout
    assert (home.path / "foo-default-out").read_text() == "Baz foo-Baz Baz\n"
    # .qmail-default
    assert run_local(root, home, local="joe-other", dash="-", ext="other").returncode == 0
    assert (home.path / "catchall").exists()
    # upper-case extension finds the lower-case file
    os.unlink(home.path / "foo-bar")
    assert run_local(root, home, local="joe-FOO-BAR", dash="-", ext="FOO-BAR").returncode == 0
    assert (home.path / "foo-bar").exists()


def test_extension_without_any_dot_file_bounces(root, tmp_path):
    home = Home(tmp_path / "joe")
    cp = run_local(root, home, local="joe-nothing", dash="-", ext="nothing")
    assert cp.returncode == 100
    assert reason(cp) == "Sorry, no mailbox here by that name. (#5.1.1)"
    assert home.new_messages() == []


def test_dash_with_empty_ext_uses_qmail_dash_default(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail-", "./dash-mbox\n")
    assert run_local(root, home, local="joe-", dash="-", ext="").returncode == 0
    assert (home.path / "dash-mbox").exists()


def test_print_instructions_with_n(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./Maildir/\n|true\n&a@example.org\n./mbox\n")
    cp = run_local(root, home, flags=["-n"])
    assert cp.returncode == 0
    assert cp.stdout == b"maildir ./Maildir/\nprogram true\nforward a@example.org\nmbox ./mbox\n"
    assert home.new_messages() == []


def test_blank_first_line_and_bad_lines_defer(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "\n./Maildir/\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "first line" in reason(cp)
    home.dot(".qmail", "./Maildir/\n./x\0y\n")
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "line 2" in reason(cp) and "NUL" in reason(cp)
    assert home.new_messages() == []  # nothing delivered before the error


def test_crlf_dot_file(root, tmp_path):
    home = Home(tmp_path / "joe")
    (home.path / ".qmail").write_bytes(b"./Maildir/\r\n")
    os.chmod(home.path / ".qmail", 0o644)
    assert run_local(root, home).returncode == 0
    assert len(home.new_messages()) == 1


def test_executable_dot_file_may_only_forward(root, tmp_path):
    home = Home(tmp_path / "joe")
    home.dot(".qmail", "./Maildir/\n", mode=0o744)
    cp = run_local(root, home)
    assert cp.returncode == 111
    assert "only forward" in reason(cp)
    script, rec = recording_queue(tmp_path)
    home.dot(".qmail", "&a@example.org\n", mode=0o744)
    cp = run_local(root, home, env={"QMAILQUEUE": str(script)})
    assert cp.returncode == 0
    assert (rec / "envelope").exists()


def test_owner_dot_file_changes_forward_sender(root, tmp_path):
    home = Home(tmp_path / "joe")
    script, rec = recording_queue(tmp_path)
    home.dot(".qmail-list", "&member@example.org\n")
    home.dot(".qmail-list-owner", "./owner-mbox\n")
    cp = run_local(root, home, local="joe-list", dash="-", ext="list", env={"QMAILQUEUE": str(script)})
    assert cp.returncode == 0, cp.stdout
    assert (rec / "envelope").read_bytes() == b"Fjoe-list-owner@example.test\0Tmember@example.org\0\0"
