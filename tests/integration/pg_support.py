"""A real PostgreSQL 15 for the userdb tests: its own data directory in a
temporary directory, run as the postgres account with trust
authentication, listening on a unix socket in that directory (and, for
the multi-host test, on an address the test gives).  The schema is the
one control/USERDB.md documents (userdb/schema.sql)."""
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

from conftest import TOP, ensure_account

PG_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
SCHEMA = TOP / "userdb" / "schema.sql"


class PgServer:
    def __init__(self, listen="", port=5432, hba_net=None, netns=None):
        ensure_account("postgres")
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="ms-pg-", dir="/tmp"))
        os.chmod(self.dir, 0o755)
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.sock.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        shutil.chown(self.sock, "postgres", "postgres")
        self.listen, self.port, self.netns = listen, port, netns
        self.proc = None
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D",
                        str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                        "-E", "UTF8", "--locale=C"],
                       check=True, capture_output=True, timeout=120)
        if hba_net:
            with open(self.data / "pg_hba.conf", "a") as f:
                f.write(f"host all all {hba_net} trust\n")

    def conninfo(self, host=None):
        return f"host={host or self.sock} port={self.port} user=postgres dbname=postgres"

    def start(self):
        # setpriv execs (runuser would stay as a parent that keeps signals
        # from reaching the postmaster).
        cmd = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
               str(PG_BIN / "postgres"), "-D", str(self.data),
               "-k", str(self.sock), "-p", str(self.port), "-c", f"listen_addresses={self.listen}",
               "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB",
               "-c", "max_connections=20"]
        if self.netns:
            cmd = ["nsenter", f"--net=/run/netns/{self.netns}"] + cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=open(self.dir / "postgres.log", "ab"),
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            r = subprocess.run([str(PG_BIN / "pg_isready"), "-q", "-h", str(self.sock), "-p",
                                str(self.port)], capture_output=True)
            if r.returncode == 0:
                return self
            assert self.proc.poll() is None, (self.dir / "postgres.log").read_text()
            time.sleep(0.05)
        raise AssertionError("postgres did not start: " + (self.dir / "postgres.log").read_text())

    def stop(self):
        """Fast shutdown (SIGINT): clients are disconnected, as in an outage."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)
            self.proc.wait(timeout=30)
        self.proc = None

    def sql(self, text):
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.sock),
                            "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-At",
                            "-c", text], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout

    def script(self, text):
        """Statements from standard input: each its own transaction."""
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.sock),
                            "-p", str(self.port), "-U", "postgres", "-d", "postgres"],
                           input=text, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr

    def load_schema(self):
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.sock),
                            "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                            "-f", str(SCHEMA)], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return self

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
