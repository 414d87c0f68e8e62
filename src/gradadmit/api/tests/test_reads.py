"""Reads: what each listing holds, cursor pages (tampered cursor refused), updated_since, ETags, query counts,
file downloads, the rate limit and translated problems."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.testing.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_applications_list_their_statuses(world):
    items = world.client("read").get("/api/v1/applications").json()["items"]
    assert [i["id"] for i in items] == [a.pk for a in world.applications]
    first = items[0]
    assert first["eligibility"] == "qualified"
    assert first["fee_status"] == "paid"
    assert first["result"] == "admitted"
    assert first["admission_status"] == "offered"
    assert first["applicant"]["name_zh"] == "王小明"
    assert items[1]["result"] == "waitlisted"


def test_pages_follow_the_cursor_to_the_end(world):
    client = world.client("read")
    seen, cursor = [], None
    while True:
        body = client.get("/api/v1/applications", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [a.pk for a in world.applications]


def test_a_tampered_cursor_is_refused(world):
    client = world.client("read")
    cursor = client.get("/api/v1/applications", {"limit": 1}).json()["next_cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    response = client.get("/api/v1/applications", {"limit": 1, "cursor": tampered})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_cursor"


def test_a_cursor_of_another_listing_is_refused(world):
    client = world.client("read")
    cursor = client.get("/api/v1/applications", {"limit": 1}).json()["next_cursor"]
    assert client.get("/api/v1/stage-scores", {"cursor": cursor}).status_code == 400
    assert client.get("/api/v1/applications", {"cursor": cursor, "status": "withdrawn"}).status_code == 400


def test_updated_since_lists_only_what_changed(world):
    client = world.client("read")
    as_of = client.get("/api/v1/applications").json()["as_of"]
    assert client.get("/api/v1/applications", {"updated_since": as_of}).json()["items"] == []
    Application.objects.filter(pk=world.applications[2].pk).update(updated_at=clock.now() + timedelta(seconds=1))
    items = client.get("/api/v1/applications", {"updated_since": as_of}).json()["items"]
    assert [i["id"] for i in items] == [world.applications[2].pk]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-11-31T25:00", "0000-00-00"])
def test_updated_since_in_a_wrong_format_is_a_422_problem(world, value):
    response = world.client("read").get("/api/v1/applications", {"updated_since": value})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["loc"] == ["query", "updated_since"]


def test_etag_gives_304_when_nothing_changed(world):
    client = world.client("read")
    first = client.get(f"/api/v1/applications/{world.applications[0].pk}")
    assert first["ETag"]
    again = client.get(f"/api/v1/applications/{world.applications[0].pk}", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    Application.objects.filter(pk=world.applications[0].pk).update(identity="in_service")
    changed = client.get(f"/api/v1/applications/{world.applications[0].pk}", **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200


def test_query_count_per_page_does_not_grow_with_the_page(world):
    client = world.client("read")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/applications", {"limit": 2}).json()["items"]) == 2
    for _ in range(20):
        ApplicationFactory(program=world.program)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/applications", {"limit": 20}).json()["items"]) == 20
    assert len(small) == len(large) <= 8, [q["sql"][:120] for q in large]


@pytest.mark.parametrize(
    "path", ["/api/v1/documents", "/api/v1/payments", "/api/v1/eligibility-decisions", "/api/v1/stage-scores",
             "/api/v1/ranking-runs", "/api/v1/results", "/api/v1/admissions"],
)  # fmt: skip
def test_every_listing_answers_in_a_fixed_number_of_queries(world, path):
    client = world.client("office")
    with CaptureQueriesContext(connection) as one:
        client.get(path, {"limit": 1})
    with CaptureQueriesContext(connection) as many:
        body = client.get(path, {"limit": 500}).json()
    assert body["items"]
    assert len(one) == len(many) <= 6


def test_document_file_downloads_with_the_pages_headers(world):
    response = world.client("read").get(f"/api/v1/documents/{world.document.pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["ETag"] == f'"{world.document.sha256}"'
    from gradadmit.accesslog.models import AccessEvent

    logged = AccessEvent.objects.get()
    assert (logged.applicant_id, logged.kind) == (world.document.application.applicant_id, "document")


def test_results_list_the_published_outcomes(world):
    body = world.client("read").get("/api/v1/results", {"status": "admitted"}).json()
    assert [r["application_id"] for r in body["items"]] == [world.applications[0].pk]


def test_the_rate_limit_answers_429_with_retry_after(world, settings):
    settings.GRADADMIT_API_RATE_PER_MINUTE = 3
    client = world.client("read")
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me")
    assert int(response["Retry-After"]) >= 1
    assert world.client("write").get("/api/v1/me").status_code == 200  # another token has its own count


def test_problems_are_translated_by_accept_language(world):
    english = world.client("other", language="en").get(f"/api/v1/applications/{world.applications[0].pk}").json()
    chinese = world.client("other", language="zh-hant").get(f"/api/v1/applications/{world.applications[0].pk}")
    assert english["title"] == "Not found"
    assert english["detail"] == "There is no such object, or your token does not reach it."
    with translation.override("zh-hant"):
        # The catalogue's translation once locale/pending/api.py is merged; the English msgid until then.
        assert chinese.json()["title"] == translation.gettext("Not found")
    assert chinese["Content-Language"] == "zh-hant"
