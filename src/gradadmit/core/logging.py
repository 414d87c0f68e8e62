"""Log redaction: personal data (emails, Taiwan IDs, phone numbers) and secret link tokens stay out of logs."""

import logging
import re

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b[A-Z][12489]\d{8}\b"), "[national-id]"),
    (re.compile(r"\b09\d{2}-?\d{3}-?\d{3}\b"), "[phone]"),
    # Secret links (recommender pages, email confirmation, password reset): the token is a credential.
    (re.compile(r"/(recommend|accounts/confirm-email|accounts/password/reset/key)/[^/\s\"?]+"), r"/\1/[token]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _gunicorn_logger():
    from gunicorn.glogging import Logger

    class RedactingAccessLogger(Logger):
        """gunicorn's logger with the request path (%(U)s, %(r)s) redacted like every other log line."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("U", "r"):
                if key in atoms:
                    atoms[key] = redact(atoms[key])
            return atoms

    return RedactingAccessLogger


def __getattr__(name):  # gunicorn imports the class by dotted path; build it lazily (gunicorn is optional here)
    if name == "RedactingAccessLogger":
        return _gunicorn_logger()
    raise AttributeError(name)
