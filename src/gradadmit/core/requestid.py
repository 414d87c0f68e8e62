"""A request id on every log line: taken from the load balancer's X-Request-ID when sane, else made here.

The id lives in a context variable for the length of the request, is sent back in the
X-Request-ID response header, and `RequestIdFilter` copies it onto every log record
("-" outside a request: the task worker, management commands).
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

from gradadmit.core.logging import redact

HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Letters, digits and a few separators, as load balancers make them (uuid, hex, "1-5f2a-..."); nothing else
# reaches a log line, so a client cannot forge log syntax or smuggle text through the header.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

_request_id = contextvars.ContextVar("gradadmit_request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _request_id.get()


def request_id_from(header_value: str | None) -> str:
    """The load balancer's id when it is a sane token without personal data, else a new uuid4 hex."""
    value = (header_value or "").strip()
    if SANE_ID.fullmatch(value) and redact(value) == value:
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost but one (after django-prometheus's first middleware): every later log line has the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        # Not reset on the way out: Django logs a failed request ("django.request") after the middlewares have
        # returned. `end_of_request` resets it when the response is closed.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="gradadmit.core.requestid.end_of_request")
def end_of_request(sender, **kwargs):
    _request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record passing the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get()
        return True
