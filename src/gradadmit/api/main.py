"""The API under /api/v1/: django-ninja with problem+json errors, ETags, a body size limit and the call log.

Every request goes through `instrumented` (the URL patterns wrap ninja's views): bodies over the limit are
refused before anything reads them, GET answers get an ETag (304 when the client has it), and every call made
with a known token is written to the call log with its status and duration.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gradadmit.api import public, reads, services, writes  # noqa: F401 (writes adds its operations to reads.router)
from gradadmit.api.auth import TokenAuth
from gradadmit.api.problems import CONTENT_TYPE, ApiProblem, problem
from gradadmit.api.schemas import Problem
from gradadmit.core import clock

logger = logging.getLogger(__name__)
DESCRIPTION = """The portal's data for the university's other systems (registrar, departments, accounting, planning).

**Tokens**: staff create one for themselves, the admissions office one for a service account, at
`/office/api-tokens/`. Send it as `Authorization: Bearer ga_…`. A token reaches its programmes, within what its
owner may see on the office pages; another programme's object answers 404. Read-only tokens get 403 on writes.

**Pages**: lists return `items`, `next_cursor` (pass it as `cursor`; it is signed) and `as_of` (use it as the next
`updated_since` for an incremental sync).

**Writes** need an `Idempotency-Key` header: the same key again returns the first answer and writes nothing.

**Errors** are RFC 9457 problem details (`application/problem+json`) in the language of `Accept-Language`
(zh-Hant or en). **ETags**: send `If-None-Match` to get 304 when nothing changed.
"""


def max_body_bytes() -> int:
    return int(getattr(settings, "GRADADMIT_API_MAX_BODY_BYTES", 1024 * 1024))


class PortalApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Error answers are documented as application/problem+json, as they are sent."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                # ninja keys responses by int; one key per code in the JSON (Swagger UI refuses duplicates)
                responses = {str(code): response for code, response in operation.get("responses", {}).items()}
                operation["responses"] = responses
                public = not operation.get("security")
                for status, response in responses.items():
                    content = response.get("content", {})
                    if str(status).isdigit() and int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
                for status in PUBLIC_ERRORS if public else TOKEN_ERRORS:
                    responses.setdefault(str(status), _problem_response(status))
                if method == "get":
                    responses.setdefault("304", {"description": "Not modified: the ETag sent in If-None-Match"})
        return schema


PUBLIC_ERRORS = (404, 422)
TOKEN_ERRORS = (400, 401, 403, 404, 413, 422, 429)
ERROR_MEANINGS = {
    400: "A page cursor that is not valid",
    401: "No token, or a token that is not valid, expired or revoked",
    403: "A read-only token writing",
    404: "No such object, or outside the token's programmes",
    413: "Request body too large",
    422: "Invalid parameters or body; refused by a rule",
    429: "Rate limit of the token reached (see Retry-After)",
}


def _problem_response(status: int) -> dict:
    return {"description": ERROR_MEANINGS[status],
            "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}  # fmt: skip


api = PortalApi(
    title="GradAdmit API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("", public.router)
api.add_router("", reads.router)


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return problem(request, exc.status, exc.detail, code=exc.code, errors=exc.errors, headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(request, 401, _("Send a valid API token: Authorization: Bearer <token>."),
                   code="not_authenticated", headers={"WWW-Authenticate": 'Bearer realm="gradadmit"'})  # fmt: skip


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, _("There is no such object, or your token does not reach it."), code="not_found")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(request, exc.status_code, str(exc), code=str(exc.status_code))


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [{"loc": [str(part) for part in e.get("loc", [])], "detail": e.get("msg", "")} for e in exc.errors]
    return problem(request, 422, _("Some values of the request are missing or wrong: see errors."), code="invalid",
                   errors=errors)  # fmt: skip


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error", exc_info=exc)
    return problem(request, 500, _("Something went wrong on our side; try again later."), code="server_error")


def _too_big(request) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_body_bytes():
        return problem(request, 413, _("The request body is larger than %(size)s KB; send fewer rows at once.")
                       % {"size": max_body_bytes() // 1024}, code="too_large")  # fmt: skip
    return None


def _with_etag(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return response
    etag = response.get("ETag") or f'W/"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()]
    if etag in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    return response


def instrumented(view):
    def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        try:
            response = _too_big(request) or view(request, *args, **kwargs)
        except RequestDataTooBig:
            response = problem(request, 413, _("The request body is too large."), code="too_large")
        response = _with_etag(request, response)
        token = getattr(request, "api_token", None)
        if token is not None:
            services.log_call(token_id=token.pk, method=request.method, path=request.get_full_path(),
                              status=response.status_code, at=clock.now(),
                              duration_ms=int((time.monotonic() - started) * 1000))  # fmt: skip
        return response

    wrapper.csrf_exempt = True  # bearer tokens, never cookies: no CSRF to forge
    wrapper.__name__ = getattr(view, "__name__", "api_view")
    return wrapper


def urlpatterns():
    patterns, _app_name, _namespace = api.urls
    return [
        URLPattern(p.pattern, instrumented(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
        for p in patterns
    ]


__all__ = ["api", "urlpatterns", "Problem"]
