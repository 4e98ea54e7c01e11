"""A small SMTP server for mailsuite-send's remote tests: records every
transaction; RCPT replies are scriptable per address (and may be changed
while it runs)."""
import socket
import threading


class SendSink:
    def __init__(self, ip="127.0.0.1"):
        self.rcpt_replies = {}
        self.transactions = []   # dicts: mail, rcpts (accepted), refused, data
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((ip, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(20)
        f = conn.makefile("rb")

        def reply(text):
            conn.sendall(text.encode() + b"\r\n")

        try:
            reply("220 sink.test ESMTP")
            t = None
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode("latin-1").rstrip("\r\n")
                verb = cmd[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 sink.test")
                elif verb == "MAIL":
                    t = {"mail": cmd[10:].strip().strip("<>"), "rcpts": [], "refused": []}
                    reply("250 ok")
                elif verb == "RCPT":
                    addr = cmd[8:].strip().strip("<>")
                    answer = self.rcpt_replies.get(addr, "250 ok")
                    (t["rcpts"] if answer.startswith("2") else t["refused"]).append(addr)
                    reply(answer)
                elif verb == "DATA":
                    reply("354 go ahead")
                    data = b""
                    while True:
                        l = f.readline()
                        if not l or l == b".\r\n":
                            break
                        data += l
                    t["data"] = data
                    self.transactions.append(t)
                    reply("250 ok queued")
                elif verb == "QUIT":
                    reply("221 bye")
                    return
                else:
                    reply("250 ok")
        except OSError:
            pass
        finally:
            conn.close()
