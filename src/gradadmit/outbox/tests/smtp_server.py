"""A real SMTP server for the outbox tests (aiosmtpd on a free port), scripted per recipient address.

- `fail_first[address] = n`: the first n deliveries to it are answered 421 (try again later), then 250.
- `unknown`: addresses answered 550 at RCPT (no such mailbox).
- stop() / start() on the same port: connections are refused while it is stopped.
"""

import socket
from collections import Counter

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    def __init__(self):
        self.fail_first: dict[str, int] = {}
        self.unknown: set[str] = set()
        self.tries = Counter()
        self.delivered = []  # envelopes accepted

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        address = envelope.rcpt_tos[0]
        self.tries[address] += 1
        if self.tries[address] <= self.fail_first.get(address, 0):
            return "421 4.7.0 Try again later, closing connection"
        self.delivered.append(envelope)
        return "250 Message accepted"

    def delivered_to(self) -> list[str]:
        return [envelope.rcpt_tos[0] for envelope in self.delivered]


class ScriptedSMTPServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = ScriptedHandler()
        self._controller = None

    def start(self):
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 5,
        }
