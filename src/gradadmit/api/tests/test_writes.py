"""Writes: stage scores with the import's row errors, idempotency keys, payments, paper check-ins, body limit."""

import json

import pytest

from gradadmit.api.models import IdempotentWrite
from gradadmit.core import clock
from gradadmit.core.models import AuditEntry
from gradadmit.enrolment.models import Admission
from gradadmit.fees.models import Payment
from gradadmit.scoring.models import StageScore, StageSubmission

pytestmark = pytest.mark.django_db


def scores(world, *rows, program=None):
    return {"program": (program or world.program).pk,
            "scores": [{"application": a.pk, "stage": stage, "score": score} for a, stage, score in rows]}  # fmt: skip


def test_scores_are_entered_and_audited(world):
    first, second = world.applications[:2]
    response = world.client("write").post("/api/v1/stage-scores", scores(world, (first, 1, "77.5"), (second, 1, 66)))
    assert response.status_code == 200, response.content
    assert response.json()["applied"] == 2
    assert StageScore.objects.get(application=first, stage__order=1).score == pytest.approx(77.5)
    assert StageScore.objects.get(application=second, stage__order=1).source == "import"
    assert AuditEntry.objects.filter(action="scoring.stage_score", actor=world.staff).count() == 2


def test_absent_is_entered_without_a_score(world):
    body = {"program": world.program.pk, "scores": [{"application": world.applications[0].pk, "stage": 2,
                                                     "absent": True}]}  # fmt: skip
    assert world.client("write").post("/api/v1/stage-scores", body).status_code == 200
    assert StageScore.objects.get(application=world.applications[0], stage__order=2).absent


@pytest.mark.parametrize(
    ("score", "message"),
    [("100.5", "A score must be from 0 to 100."), (-1, "A score must be from 0 to 100."),
     (101, "A score must be from 0 to 100."), ("85.123", "A score may have at most two decimals."),
     (85.125, "A score may have at most two decimals.")],
)  # fmt: skip
def test_bad_scores_are_row_errors_and_nothing_is_written(world, score, message):
    before = list(StageScore.objects.values_list("score", flat=True).order_by("pk"))
    body = scores(world, (world.applications[0], 1, "50"), (world.applications[1], 1, score))
    response = world.client("write").post("/api/v1/stage-scores", body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "rows"
    assert problem["errors"] == [{"row": 2, "detail": message}]
    assert list(StageScore.objects.values_list("score", flat=True).order_by("pk")) == before


def test_an_application_of_another_programme_is_a_row_error(world):
    body = scores(world, (world.other_application, 1, "50"))
    response = world.client("write").post("/api/v1/stage-scores", body)
    assert response.status_code == 422
    assert (
        f"Application {world.other_application.pk} is not an active application"
        in response.json()["errors"][0]["detail"]
    )


def test_a_programme_outside_the_token_is_404(world):
    body = scores(world, (world.other_application, 1, "50"), program=world.other)
    assert world.client("write").post("/api/v1/stage-scores", body).status_code == 404


def test_a_submitted_stage_is_refused_row_by_row(world):
    stage = world.program.stages.get(order=1)
    StageSubmission.objects.create(stage=stage, submitted_at=clock.now(), submitted_by=world.office)
    response = world.client("write").post("/api/v1/stage-scores", scores(world, (world.applications[0], 1, "50")))
    assert response.status_code == 422
    assert "submitted this stage" in response.json()["errors"][0]["detail"]


def test_the_same_key_twice_writes_once_and_replays_the_answer(world):
    client = world.client("write")
    body = {"application": world.applications[0].pk, "amount": 50, "method": "postal_order",
            "received_at": "2026-11-20T09:00:00+08:00", "note": "money order 123"}  # fmt: skip
    first = client.post("/api/v1/payments", body, key="same-key-123456")
    again = client.post("/api/v1/payments", body, key="same-key-123456")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert Payment.objects.filter(note="money order 123").count() == 1


def test_the_same_key_for_scores_twice_enters_once(world):
    client = world.client("write")
    body = scores(world, (world.applications[0], 1, "61"))
    client.post("/api/v1/stage-scores", body, key="scores-key-0001")
    client.post("/api/v1/stage-scores", body, key="scores-key-0001")
    assert AuditEntry.objects.filter(action="scoring.stage_score", actor=world.staff).count() == 1
    assert IdempotentWrite.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(world):
    client = world.client("write")
    client.post("/api/v1/stage-scores", scores(world, (world.applications[0], 1, "61")), key="reused-key-0001")
    response = client.post("/api/v1/stage-scores", scores(world, (world.applications[0], 1, "62")),
                           key="reused-key-0001")  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "key_reused"


def test_a_write_without_a_key_is_refused(world):
    response = world.client("write").client.post(
        "/api/v1/stage-scores", scores(world, (world.applications[0], 1, "61")), content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['write'][1]}"},
    )  # fmt: skip
    assert response.status_code == 422
    assert ["header", "Idempotency-Key"] in [e["loc"] for e in response.json()["errors"]]


def test_a_10_mb_body_is_refused_before_it_is_read(world):
    row = {"application": world.applications[0].pk, "stage": 1, "score": "50"}
    body = json.dumps({"program": world.program.pk, "scores": [row] * 300_000})
    assert len(body) > 10 * 1024 * 1024
    response = world.client("write").client.post(
        "/api/v1/stage-scores", body, content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens['write'][1]}", "Idempotency-Key": "big-body-0001"},
    )  # fmt: skip
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "too_large"


def test_a_payment_by_other_means_goes_through_the_fees_service(world):
    body = {"application": world.applications[1].pk, "amount": 100, "method": "cash",
            "received_at": "2026-11-20T09:00:00", "note": "paid at the counter"}  # fmt: skip
    response = world.client("write").post("/api/v1/payments", body)
    assert response.status_code == 201, response.content
    assert response.json()["item"]
    assert AuditEntry.objects.filter(action="fees.payment_by_hand", actor=world.staff).exists()


def test_a_bank_transfer_cannot_be_recorded_by_hand(world):
    body = {"application": world.applications[1].pk, "amount": 100, "method": "bank",
            "received_at": "2026-11-20T09:00:00+08:00", "note": "x"}  # fmt: skip
    response = world.client("write").post("/api/v1/payments", body)
    assert response.status_code == 422
    assert response.json()["detail"] == "Choose postal money order or cash."


def test_paper_check_in_through_the_enrolment_service(world):
    client = world.client("write")
    response = client.post(f"/api/v1/admissions/{world.admission.pk}/paper-check-in", key="checkin-0001")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked_in"
    world.admission.refresh_from_db()
    assert (world.admission.status, world.admission.how) == (Admission.Status.CHECKED_IN, "paper")
    again = client.post(f"/api/v1/admissions/{world.admission.pk}/paper-check-in", key="checkin-0001")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    refused = client.post(f"/api/v1/admissions/{world.admission.pk}/paper-check-in", key="checkin-0002")
    assert refused.status_code == 422
