"""An email backend for benchmarks: builds each message as SMTP would (EmailMessage.message()), counts it, keeps nothing.

Django's locmem backend keeps every message in django.core.mail.outbox, so memory would grow with the number sent
and hide whether the code under test stays flat; the console backend writes every message to stdout. This one
does the same per-message work as either and only counts (SENT, per process).
"""

from django.core.mail.backends.base import BaseEmailBackend

SENT = 0
BYTES = 0


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        global SENT, BYTES
        for message in email_messages:
            BYTES += len(message.message().as_bytes())
            SENT += 1
        return len(email_messages)
