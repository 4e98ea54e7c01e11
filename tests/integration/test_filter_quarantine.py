"""Quarantine: a rule with action quarantine holds the message whole with
envelope and verdict under the queue's quarantine/ (the client gets 250);
mailsuite-quarantine lists, shows, releases (unchanged, to FILTER_NEXT's
program, past the filter) and deletes; only root and msadmin may."""
import os
import subprocess

import pytest

from conftest import prog, run
from filter_support import Filtered
from smtpd_support import Recorder


@pytest.fixture
def held(root):
    (root.queue / "quarantine").mkdir(exist_ok=True)
    root.set("filterrules", "hold me.*\tPolicy-Subject:\tsuspicious subject\tquarantine")
    f = Filtered(root)
    return f


def msg(subject, body="body line\n"):
    return f"From: a@sender.test\nTo: bob@example.test\nSubject: {subject}\n\n{body}"


def q(root, *args, env=None):
    return run([prog("mailsuite-quarantine"), *args], env=env or root.env)


def test_quarantine_list_show_release_delete(root, held):
    assert held.send(msg("hold me 1"), rcpts=("bob@example.test", "carol@example.test"))[0] == 250
    assert held.send(msg("hold me 2", body="second\n"))[0] == 250
    assert held.send(msg("plain"))[0] == 250
    assert len(held.queued()) == 1  # only "plain" went on
    listing = q(root, "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.decode().splitlines()
    assert len(lines) == 2
    first = lines[0].split("\t")
    assert first[3] == "<alice@sender.test>" and first[4] == "bob@example.test,carol@example.test"
    assert first[5] == "rule:1: suspicious subject"
    id1, id2 = first[0], lines[1].split("\t")[0]
    shown = q(root, "show", id1)
    assert shown.returncode == 0
    head, body = shown.stdout.split(b"\n\n", 1)
    assert b"verdict rule:1: suspicious subject" in head
    assert b"Subject: hold me 1\n" in body and body.endswith(b"\n\nbody line\n")

    # release: to FILTER_NEXT's program, unchanged, never through the filter
    rel = Recorder(root.path / "released")
    env = dict(root.env, FILTER_NEXT=str(rel.wrapper))
    r = q(root, "release", id1, env=env)
    assert r.returncode == 0, r.stderr
    [(m, sender, rcpts)] = rel.queued()
    assert m == body and sender == "alice@sender.test" and rcpts == ["bob@example.test", "carol@example.test"]
    assert not (root.queue / "quarantine" / id1).exists()

    # a failing next program keeps the entry
    rel.exit_with(71)
    r = q(root, "release", id2, env=env)
    assert r.returncode == 111 and (root.queue / "quarantine" / id2).exists()

    assert q(root, "delete", id2).returncode == 0
    assert q(root, "list").stdout == b""
    assert q(root, "show", id2).returncode == 100
    assert q(root, "delete", "../../etc/passwd").returncode == 100
    assert q(root, "frobnicate").returncode == 100


def test_quarantine_only_root_and_msadmin(root, held):
    r = run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", prog("mailsuite-quarantine"), "list"],
            env=root.env)
    assert r.returncode == 100 and b"only root and the msadmin group" in r.stderr


def test_quarantine_missing_directory_tempfails(root):
    root.set("filterrules", "hold me\tPolicy-Subject:\tx\tquarantine")
    f = Filtered(root)
    assert f.send(msg("hold me")) == (451, "4.3.0 quarantine unavailable, try again later")
    assert f.queued() == []
