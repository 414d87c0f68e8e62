"""WSGI entry point of the API benchmark: bench/wsgi_bench.py's app plus /bench/api-reference/, the same rows
read with the ORM's values() and serialised with json.dumps, a page at a time (keyset on the id, as the API)."""

import json

from django.http import Http404, HttpResponse
from django.urls import path

from bench.wsgi_bench import application  # noqa: F401  (the production app, set up)
from gradadmit import urls
from gradadmit.applications.models import Application

ROUTE = "bench/api-reference/"
FIELDS = [
    "id", "program_id", "program__code", "program__cycle__code", "identity", "status", "applied_at", "withdrawn_at",
    "updated_at", "applicant__profile__name_zh", "applicant__profile__name_en", "applicant__email",
    "ticket__exam_number", "review_decision__result", "admission__status",
]  # fmt: skip


def api_reference(request):
    import os

    if os.environ.get("GRADADMIT_BENCH") != "1":
        raise Http404
    after, limit = int(request.GET.get("after", 0)), int(request.GET.get("limit", 100))
    rows = list(Application.objects.filter(pk__gt=after).order_by("pk").values(*FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    body = {"items": rows, "next": rows[-1]["id"] if more else None}
    return HttpResponse(json.dumps(body, default=str, ensure_ascii=False), content_type="application/json")


if not any(str(getattr(p, "pattern", "")) == ROUTE for p in urls.urlpatterns):
    urls.urlpatterns.insert(0, path(ROUTE, api_reference, name="bench_api_reference"))
