"""An SMTP sink with STARTTLS (Python's ssl module) for mailsuite-remote's
TLS tests: offers STARTTLS, optionally refuses mail before TLS
(require_tls), records each message with the TLS version it came over."""
import contextlib
import ssl

from remote_sinks import SmtpSink


class TlsSink(SmtpSink):
    """SmtpSink's listener and threads; its own dialogue with STARTTLS."""

    def __init__(self, ip, port, pem, offer_tls=True, require_tls=False):
        super().__init__(ip, port)
        self.offer_tls, self.require_tls = offer_tls, require_tls
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(pem))

    def _serve(self, conn):
        conn.settimeout(20)
        commands = []
        self.sessions.append(commands)
        f = conn.makefile("rb")
        tls = None

        def send(text):
            conn.sendall(text.encode() + b"\r\n")

        try:
            send("220 tls-sink.test ESMTP")
            mail, rcpts = None, []
            while True:
                line = f.readline(1000)
                if not line:
                    return
                line = line.rstrip(b"\r\n").decode("latin-1")
                commands.append(line)
                verb = line[:4].upper()
                if verb == "EHLO":
                    keywords = ["tls-sink.test", "PIPELINING", "8BITMIME"]
                    if self.offer_tls and tls is None:
                        keywords.append("STARTTLS")
                    for i, k in enumerate(keywords):
                        send(("250 " if i == len(keywords) - 1 else "250-") + k)
                elif line.upper() == "STARTTLS" and self.offer_tls and tls is None:
                    send("220 go ahead")
                    conn = self.ctx.wrap_socket(conn, server_side=True)
                    tls = conn.version()
                    f = conn.makefile("rb")
                    mail, rcpts = None, []
                elif verb == "MAIL":
                    if self.require_tls and tls is None:
                        send("530 5.7.0 must issue a STARTTLS command first")
                        continue
                    mail, rcpts = line, []
                    send("250 ok")
                elif verb == "RCPT":
                    if mail is None:
                        send("503 need MAIL")
                        continue
                    rcpts.append(line[line.find("<") + 1:line.rfind(">")])
                    send("250 ok")
                elif verb == "DATA":
                    if not rcpts:
                        send("554 no valid recipients")
                        continue
                    send("354 go")
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        chunk = f.readline(100000)
                        if not chunk:
                            return
                        data += chunk
                    self.messages.append({"rcpts": rcpts, "tls": tls, "data": data[:-3]})
                    send("250 2.0.0 ok queued")
                    mail, rcpts = None, []
                elif verb == "QUIT":
                    send("221 bye")
                    return
                else:
                    send("500 what?")
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client went away or broke the handshake
        finally:
            with contextlib.suppress(OSError):
                conn.close()
