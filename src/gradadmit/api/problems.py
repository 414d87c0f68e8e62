"""Errors as RFC 9457 problem details (application/problem+json), with messages in the caller's language."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

from gradadmit.core.errors import DomainError

CONTENT_TYPE = "application/problem+json"


def titles() -> dict[int, str]:
    # Looked up per response: gettext picks the request's language (Accept-Language, via LocaleMiddleware).
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request body too large"),
        422: _("The request cannot be processed"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem(request, status: int, detail: str, *, code: str = "", errors=None, headers=None) -> HttpResponse:
    """One problem response: type, title, status, detail, instance, plus `code` and row or field `errors`."""
    body = {
        "type": "about:blank",
        "title": titles().get(status, _("Error")),
        "status": status,
        "detail": str(detail),
        "instance": request.path if request is not None else None,
        "code": code or str(status),
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiProblem(Exception):
    """Raised inside the API; turned into a problem response by the handlers in gradadmit.api.main."""

    def __init__(self, status: int, detail: str, *, code: str = "", errors=None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.code, self.errors, self.headers = status, detail, code, errors, headers


def not_authenticated(detail=None, code="not_authenticated") -> ApiProblem:
    return ApiProblem(401, detail or _("Send a valid API token: Authorization: Bearer <token>."), code=code,
                      headers={"WWW-Authenticate": 'Bearer realm="gradadmit"'})  # fmt: skip


def not_found() -> ApiProblem:
    return ApiProblem(404, _("There is no such object, or your token does not reach it."), code="not_found")


def read_only() -> ApiProblem:
    return ApiProblem(403, _("This token is read only; ask for a read and write token to make changes."),
                      code="read_only")  # fmt: skip


def refused(error: DomainError) -> ApiProblem:
    return ApiProblem(422, str(error), code=error.code)
