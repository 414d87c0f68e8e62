"""Bearer tokens: find, check (forged, expired, revoked, owner gone), rate limit per token in the shared cache."""

import os
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from gradadmit.api import services
from gradadmit.api.models import ApiToken
from gradadmit.api.problems import ApiProblem, not_authenticated, read_only
from gradadmit.core import clock


def rate_per_minute() -> int:
    default = int(os.environ.get("GRADADMIT_API_RATE_PER_MINUTE", "600"))
    return int(getattr(settings, "GRADADMIT_API_RATE_PER_MINUTE", default))


class TokenAuth(HttpBearer):
    """request.auth is the ApiToken, with `program_ids` (the token's programmes) loaded once."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            raise not_authenticated(code="no_token")
        return super().__call__(request)

    def authenticate(self, request, token):
        prefix = services.split_token(token.strip())
        found = None
        if prefix is not None:
            found = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if found is None or not services.token_matches(found, token.strip()):
            raise not_authenticated(_("This API token is not valid."), code="invalid_token")
        request.api_token = found  # the call is logged with it from here on, refused or not
        if found.revoked_at is not None:
            raise not_authenticated(_("This API token was revoked."), code="revoked_token")
        if found.expires_at <= clock.now():
            raise not_authenticated(_("This API token has expired; create a new one."), code="expired_token")
        if not (found.user.is_active and found.user.is_portal_staff):
            raise not_authenticated(_("The owner of this API token may no longer use the portal."), code="owner")
        _check_rate(found)
        found.program_ids = set(found.programs.values_list("pk", flat=True))
        return found


def _check_rate(token: ApiToken) -> None:
    """A fixed one-minute window per token; the counter lives in the cache (Redis in production: shared)."""
    limit = rate_per_minute()
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        wait = max(1, 60 - int(now % 60))
        raise ApiProblem(429, _("This token made more than %(limit)s calls this minute; wait %(wait)s seconds.")
                         % {"limit": limit, "wait": wait}, code="rate_limited", headers={"Retry-After": str(wait)})  # fmt: skip


class WriteTokenAuth(TokenAuth):
    """For writes: a read-only token is refused (403) before the body is even looked at."""

    def authenticate(self, request, token):
        found = super().authenticate(request, token)
        if not found.can_write:
            raise read_only()
        return found


def require_write(request) -> ApiToken:
    token = request.auth
    if not token.can_write:
        raise read_only()
    return token
