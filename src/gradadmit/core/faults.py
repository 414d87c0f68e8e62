"""When the database is unreachable: a translated 503 page with Retry-After instead of a 500.

A connection-level error (django.db.OperationalError, InterfaceError) means the request could not be
served; every service writes in one transaction, so nothing of it was saved half-way. Django closes a
connection that failed at the end of the request, so the next request connects afresh and works once
the database is back.

Two ways in, one answer: `DatabaseUnavailableMiddleware.process_exception` for errors raised by a view
(or its template), and `server_error` (handler500) for errors raised by a middleware before the view
(the session or the signed-in user loaded from the database), which Django turns into a 500 itself.
The page is rendered without a request context: no context processor, no user, no query.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

from gradadmit.core.logging import redact

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    """503, in the language the person chose (the cookie; Chinese by default), without touching the database."""
    with translation.override(translation.get_language_from_request(request)):
        html = render_to_string("503.html")
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        # ERROR with the traceback: the operators (and Sentry, through its logging integration) must know.
        logger.error(
            "database unavailable during %s %s: %s",
            request.method,
            redact(request.path),
            type(exception).__name__,
            exc_info=exception,
        )
        return database_unavailable_response(request)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the error being handled is the database's, else the standalone 500 page.

    Django calls it while handling the exception, so sys.exc_info() still holds it (Django has logged it).
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name)
