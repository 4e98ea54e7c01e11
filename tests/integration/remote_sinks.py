"""Scriptable SMTP servers for mailsuite-remote's integration tests.

    sink = SmtpSink("127.0.0.61", 25, rcpt={"bad@x.test": "550 5.1.1 no such user"})
    sink.start(); ...; sink.messages  # what was delivered; sink.stop()

Each connection is served by a thread; everything a client sends is kept
in `sessions` (one list of command lines per connection) and each accepted
message in `messages` (dict: helo, mail, rcpts, data).  Behaviours:

  greeting       first reply ("421 busy" / "554 go away" refuse it)
  ehlo           False: answer EHLO with 502 so the client must use HELO
  extensions     EHLO keywords (default PIPELINING, 8BITMIME, SIZE 10000000)
  mail           reply to MAIL FROM
  rcpt           {address: reply}; others get "250 ok"
  data           reply to DATA; final: reply after the message
  drop_in_data   close the connection after this many bytes of message
  delay          {"greeting"|"ehlo"|"mail"|"rcpt"|"data"|"final": seconds}
                 before that reply (for timeoutremote)

Every socket operation is bounded (timeout 30 s) and stop() closes all.
"""
import socket
import threading
import time


class SmtpSink:
    def __init__(self, ip, port=25, greeting="220 sink.test ESMTP", ehlo=True,
                 extensions=("PIPELINING", "8BITMIME", "SIZE 10000000"),
                 mail="250 2.1.0 ok", rcpt=None, data="354 go ahead",
                 final="250 2.0.0 ok queued", drop_in_data=None, delay=None):
        self.ip, self.port = ip, port
        self.greeting, self.ehlo, self.extensions = greeting, ehlo, list(extensions)
        self.mail_reply, self.rcpt, self.data_reply = mail, dict(rcpt or {}), data
        self.final, self.drop_in_data, self.delay = final, drop_in_data, dict(delay or {})
        self.sessions, self.messages, self.connections = [], [], 0
        self._sock = None
        self._stop = threading.Event()
        self._threads = []
        self._clients = []

    def start(self):
        s = socket.socket(socket.AF_INET6 if ":" in self.ip else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.ip, self.port))
        s.listen(64)
        s.settimeout(0.1)
        self._sock = s
        t = threading.Thread(target=self._accept_loop, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)
        if self._sock:
            self._sock.close()
            self._sock = None
        for c in self._clients:
            try:
                c.close()
            except OSError:
                pass

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            self._clients.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()

    def _wait(self, what):
        seconds = self.delay.get(what, 0)
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self._stop.is_set():
            time.sleep(0.02)

    def _serve(self, conn):
        conn.settimeout(30)
        commands = []
        self.sessions.append(commands)
        buf = b""

        def send(line):
            conn.sendall(line.encode() + b"\r\n")

        def readline():
            nonlocal buf
            while b"\n" not in buf:
                chunk = conn.recv(65536)
                if not chunk:
                    raise EOFError
                buf += chunk
            line, buf = buf.split(b"\n", 1)
            return line.rstrip(b"\r").decode("latin-1")

        try:
            self._wait("greeting")
            send(self.greeting)
            if not self.greeting.startswith("2"):
                readline()  # give the client the chance to QUIT
                return
            helo, mail, rcpts = None, None, []
            while True:
                line = readline()
                commands.append(line)
                verb = line[:4].upper()
                if verb == "EHLO":
                    self._wait("ehlo")
                    if not self.ehlo:
                        send("502 5.5.1 no EHLO here")
                        continue
                    helo = line[5:]
                    lines = ["sink.test hello"] + self.extensions
                    for i, text in enumerate(lines):
                        send(("250 " if i == len(lines) - 1 else "250-") + text)
                elif verb == "HELO":
                    helo = line[5:]
                    send("250 sink.test")
                elif verb == "MAIL":
                    self._wait("mail")
                    mail, rcpts = line, []
                    send(self.mail_reply)
                elif verb == "RCPT":
                    self._wait("rcpt")
                    addr = line[line.find("<") + 1:line.rfind(">")]
                    reply = self.rcpt.get(addr, "250 2.1.5 ok")
                    if reply.startswith("2"):
                        rcpts.append(addr)
                    send(reply)
                elif verb == "DATA":
                    self._wait("data")
                    if not mail or not self.mail_reply.startswith("2") or not rcpts:
                        send("554 5.5.1 no valid recipients")
                        continue
                    if not self.data_reply.startswith("3"):
                        send(self.data_reply)
                        continue
                    send(self.data_reply)
                    data = buf
                    while True:
                        if self.drop_in_data is not None and len(data) >= self.drop_in_data:
                            return  # hang up in the middle of the message
                        if b"\r\n.\r\n" in b"\r\n" + data:
                            break
                        chunk = conn.recv(65536)
                        if not chunk:
                            raise EOFError
                        data += chunk
                    whole = b"\r\n" + data
                    end = whole.index(b"\r\n.\r\n")
                    raw, buf = whole[2:end + 2], whole[end + 5:]
                    self._wait("final")
                    self.messages.append({"helo": helo, "mail": mail, "rcpts": list(rcpts),
                                          "raw": raw, "data": _unstuff(raw)})
                    send(self.final)
                    mail, rcpts = None, []
                elif verb == "RSET":
                    mail, rcpts = None, []
                    send("250 ok")
                elif verb == "QUIT":
                    send("221 bye")
                    return
                elif line == ".":
                    send("554 5.5.1 no transaction")
                else:
                    send("500 5.5.2 what?")
        except (EOFError, OSError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


def _unstuff(raw):
    lines = raw.split(b"\r\n")
    return b"\r\n".join(l[1:] if l.startswith(b".") else l for l in lines)
