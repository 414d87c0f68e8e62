"""Reads of recommendation requests, scoped: the applicant's own, a token's one, or the staff member's programmes."""

import hashlib
from collections import defaultdict

from django.db import models
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.core.prepared import Param, attach, one_or_none, prepared
from gradadmit.core.scoping import staff_program_q
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def letters_window(calendar, scope):
    """The letters deadline; a cycle without its own letters step uses the documents deadline."""
    return calendar.window("recommendations", scope) or calendar.window("documents", scope)


def _notices():
    return RecommendationNotice.objects.select_related("email").order_by("created_at")


def _with_notices(queryset):
    """Each request with `notice_list`, its notices oldest first."""
    return queryset.prefetch_related(Prefetch("notices", queryset=_notices(), to_attr="notice_list"))


_REQUESTS_OF_APPLICATION = prepared(
    lambda: RecommendationRequest.objects.filter(application_id=Param("application")).order_by("created_at", "id")
)
_NOTICES_OF = prepared(lambda: _notices().filter(request_id__in=Param("requests", many=True)))


def requests_of_application(application) -> list:
    """The application's recommenders, each with `notice_list` (as _with_notices() gives it)."""
    rows = list(_REQUESTS_OF_APPLICATION(application=application.pk))
    attach(rows, "notice_list", _NOTICES_OF(requests=rows), key="request_id", back="request")
    return rows


def request_of_applicant(user, application, pk) -> RecommendationRequest:
    """The applicant's own recommender on that application, or 404."""
    return get_object_or_404(
        RecommendationRequest.objects.filter(application=application, application__applicant=user), pk=pk
    )


_NOTICE_OF_TOKEN = prepared(
    lambda: (
        RecommendationNotice.objects.select_related(
            "request__application__program__cycle", "request__application__applicant__profile"
        )
        .filter(token_hash=Param("token_hash", models.CharField()))
        .order_by()
    )
)


def request_for_token(raw: str) -> RecommendationRequest | None:
    """The request a link token belongs to, or None when the token is unknown, malformed or expired."""
    if not raw or len(raw) > 100:
        return None
    notice = one_or_none(_NOTICE_OF_TOKEN(token_hash=hash_token(raw)))  # token_hash is unique
    if notice is None:
        return None
    request = notice.request
    if request.token_expires_at <= clock.now() or not request.application.is_active:
        return None
    return request


def sibling_requests(request):
    """The same recommender (same email) asked by the same applicant for other programmes, still open."""
    return (
        RecommendationRequest.objects.filter(
            application__applicant_id=request.application.applicant_id,
            application__status="active",
            email=request.email,
            status__in=[RecommendationRequest.Status.INVITED, RecommendationRequest.Status.OPENED],
        )
        .exclude(pk=request.pk)
        .select_related("application__program__cycle")
        .order_by("application__program__code")
    )


def sibling_choices(request) -> list[tuple[int, str]]:
    """(request id, programme name) of the sibling requests, for the "also for" checkboxes: one narrow query."""
    rows = (
        sibling_requests(request)
        .select_related(None)
        .values_list("pk", "application__program__name_zh", "application__program__name_en")
    )
    return [(pk, pick(name_zh, name_en)) for pk, name_zh, name_en in rows]


def _status_counts():
    return (
        RecommendationRequest.objects.filter(application__in=Param("applications", many=True))
        .values("application_id", "status")
        .annotate(n=Count("id"))
    )


_STATUS_COUNTS = prepared(_status_counts)


def status_counts(applications) -> dict[int, dict[str, int]]:
    """{application_id: {status: count}} in one query."""
    counts = defaultdict(dict)
    for row in _STATUS_COUNTS(applications=applications):
        counts[row["application_id"]][row["status"]] = row["n"]
    return counts


def requests_for_staff(user):
    return RecommendationRequest.objects.filter(staff_program_q(user, "application__program"))


def program_requests(user, program):
    """Every request of the programme's active applications, for the office page (fixed queries)."""
    return _with_notices(
        requests_for_staff(user)
        .filter(application__program=program, application__status="active")
        .select_related("application__applicant__profile", "letter")
        .order_by("application_id", "created_at", "id")
    )


def letter_for_staff(user, pk) -> RecommendationRequest:
    """A completed request whose letter the staff member may read (their programmes), or 404."""
    return get_object_or_404(
        requests_for_staff(user).filter(status=RecommendationRequest.Status.COMPLETED).select_related("letter"), pk=pk
    )
