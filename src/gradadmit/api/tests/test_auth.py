"""Every endpoint against every kind of wrong token: none, forged, expired, revoked (401), another programme's
(404), read only writing (403); public endpoints need none."""

import pytest

from gradadmit.api.models import ApiCall

pytestmark = pytest.mark.django_db


def reads(w, mine=True):
    """(path) of every token read endpoint, for objects of the token's programme (or of the other one)."""
    application = w.applications[0] if mine else w.other_application
    admission = w.admission if mine else w.other_admission
    document = w.document if mine else w.other_document
    run = application.program.ranking_runs.get()
    return [
        "/api/v1/me",
        "/api/v1/programs",
        "/api/v1/applications",
        f"/api/v1/applications/{application.pk}",
        "/api/v1/documents",
        f"/api/v1/documents/{document.pk}",
        f"/api/v1/documents/{document.pk}/file",
        "/api/v1/payments",
        "/api/v1/eligibility-decisions",
        "/api/v1/stage-scores",
        "/api/v1/ranking-runs",
        f"/api/v1/ranking-runs/{run.pk}",
        "/api/v1/results",
        "/api/v1/admissions",
        f"/api/v1/admissions/{admission.pk}",
    ]


def writes(w, mine=True):
    application = w.applications[0] if mine else w.other_application
    admission = w.admission if mine else w.other_admission
    program = application.program
    return [
        (
            "/api/v1/stage-scores",
            {"program": program.pk, "scores": [{"application": application.pk, "stage": 1, "score": "80"}]},
        ),  # fmt: skip
        (
            "/api/v1/payments",
            {
                "application": application.pk,
                "amount": 100,
                "method": "cash",
                "received_at": "2026-11-01T10:00:00+08:00",
                "note": "cash",
            },
        ),  # fmt: skip
        (f"/api/v1/admissions/{admission.pk}/paper-check-in", {}),
    ]


@pytest.mark.parametrize("kind", [None, "forged", "expired", "revoked"])
def test_every_endpoint_refuses_a_missing_or_bad_token_with_401(world, kind):
    client = world.client("read")
    if kind is None:
        client.secret = None
    elif kind == "forged":
        token = world.tokens["read"][1]
        client.secret = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    else:
        client.secret = world.tokens[kind][1]
    for path in reads(world):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
        assert "Bearer" in response["WWW-Authenticate"]
    for path, body in writes(world):
        assert client.post(path, body).status_code == 401, path


def test_a_token_of_another_programme_gets_404_for_every_object_and_empty_lists(world):
    client = world.client("other")
    for path in reads(world, mine=True):
        response = client.get(path)
        if "/" in path.removeprefix("/api/v1/"):
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found"
        elif path not in ("/api/v1/me", "/api/v1/programs"):
            items = response.json()["items"]
            assert all(item.get("program_id", world.other.pk) == world.other.pk for item in items), path
            ids = {item["application_id"] for item in items if "application_id" in item}
            assert not ids & {a.pk for a in world.applications}, path


def test_a_write_token_of_another_programme_gets_404_for_every_write(world):
    client = world.client("other")
    for path, body in writes(world, mine=True):
        assert client.post(path, body).status_code == 404, path


def test_a_read_only_token_gets_403_on_every_write(world):
    client = world.client("read")
    for path, body in writes(world):
        response = client.post(path, body)
        assert response.status_code == 403, (path, response.content)
        assert response.json()["code"] == "read_only"


def test_department_token_scope_never_exceeds_what_its_owner_sees(world):
    """A department member's token naming a programme they lost is cut to what the pages let them see."""
    from gradadmit.cycles.models import ProgramAssignment

    ProgramAssignment.objects.filter(user=world.staff, program=world.program).delete()
    response = world.client("read").get(f"/api/v1/applications/{world.applications[0].pk}")
    assert response.status_code == 404


def test_public_endpoints_need_no_token(world):
    client = world.client(None)
    cycle = world.program.cycle
    assert client.get("/api/v1/cycles").status_code == 200
    assert client.get(f"/api/v1/cycles/{cycle.code}").json()["code"] == cycle.code
    programs = client.get(f"/api/v1/cycles/{cycle.code}/programs").json()
    assert {p["id"] for p in programs} == {world.program.pk, world.other.pk}
    assert client.get("/api/v1/cycles/no-such-cycle").status_code == 404


def test_every_call_with_a_known_token_is_logged_even_when_refused(world):
    world.client("read").get("/api/v1/applications")
    world.client("revoked").get("/api/v1/applications")
    world.client("read").post("/api/v1/payments", {})
    calls = list(ApiCall.objects.order_by("id").values_list("token_id", "method", "path", "status"))
    assert calls == [
        (world.tokens["read"][0].pk, "GET", "/api/v1/applications", 200),
        (world.tokens["revoked"][0].pk, "GET", "/api/v1/applications", 401),
        (world.tokens["read"][0].pk, "POST", "/api/v1/payments", 403),
    ]
