#!/usr/bin/python3
"""A minimal checkpassword for developing the pop3d tests before the real
mailsuite-checkpassword is merged: users file lines user:password:home."""
import os
import sys

data = b""
while True:
    c = os.read(3, 4096)
    if not c:
        break
    data += c
user, pw, _ = data.split(b"\0")[:3]
for l in open(os.environ["MAILSUITE_USERS"], "rb"):
    u, p, home = l.rstrip(b"\n").split(b":")
    if u == user and p == pw:
        os.environ["HOME"] = home.decode()
        os.environ["USER"] = user.decode()
        os.chdir(home)
        os.execv(sys.argv[1], sys.argv[1:])
sys.exit(1)
