"""Helpers for the queue tests: run mailsuite-queue with a message and an
envelope, and read queue files back (queue/FORMAT.md)."""
import os
import pathlib
import subprocess

from conftest import prog


def envelope(sender, *recipients):
    return (b"F" + sender.encode() + b"\0" +
            b"".join(b"T" + r.encode() + b"\0" for r in recipients) + b"\0")


def run_queue(env, message, env_bytes, timeout=30, argv=None, preexec_fn=None):
    """Runs mailsuite-queue with message on fd 0 and env_bytes on fd 1
    (both pipes, fed by writer processes so that any size works)."""
    argv = argv or [prog("mailsuite-queue")]
    mr, mw = os.pipe()
    er, ew = os.pipe()
    p = subprocess.Popen(argv, stdin=mr, stdout=er, stderr=subprocess.PIPE, env=env,
                         pass_fds=(), preexec_fn=preexec_fn)
    os.close(mr)
    os.close(er)
    try:
        with os.fdopen(mw, "wb") as w:
            w.write(message)
    except BrokenPipeError:
        pass
    try:
        with os.fdopen(ew, "wb") as w:
            w.write(env_bytes)
    except BrokenPipeError:
        pass
    _, err = p.communicate(timeout=timeout)
    return p.returncode, err.decode(errors="replace")


def parse_queue_file(path):
    data = pathlib.Path(path).read_bytes()
    header = data[:64]
    assert header.endswith(b"\n") and header.startswith(b"MSQ1 "), header
    f = header.split()
    moff, mlen, eoff, elen, queued = (int(x) for x in f[1:6])
    assert moff == 64 and eoff == moff + mlen and eoff + elen == len(data), (f, len(data))
    message = data[moff:moff + mlen]
    env = data[eoff:eoff + elen]
    assert env.startswith(b"F") and env.endswith(b"\0\0")
    items = env[:-1].split(b"\0")[:-1]
    sender = items[0][1:].decode()
    recipients = [i[1:].decode() for i in items[1:]]
    assert all(i.startswith(b"T") for i in items[1:])
    return {"message": message, "sender": sender, "recipients": recipients,
            "queued": queued, "size": mlen}


def mess_files(queue):
    return sorted((pathlib.Path(queue) / "mess").iterdir())


def tmp_files(queue):
    return sorted((pathlib.Path(queue) / "tmp").iterdir())
