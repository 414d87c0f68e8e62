"""Write endpoints: stage scores (the score import's checks and row errors), payments by other means, paper
check-ins. Each needs a read and write token and an Idempotency-Key: the same key again replays the first answer
and writes nothing (api.services.run_once); each goes through the services the office pages use."""

import hashlib
import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Header

from gradadmit.api import reads, services
from gradadmit.api.auth import WriteTokenAuth, require_write
from gradadmit.api.paging import one, scoped, since
from gradadmit.api.problems import ApiProblem, not_found, refused
from gradadmit.api.schemas import AdmissionOut, PaymentIn, PaymentOut, Problem, ScoresIn, ScoresOut
from gradadmit.applications.selectors import applications_for_staff
from gradadmit.core.errors import DomainError
from gradadmit.cycles.selectors import programs_for_staff
from gradadmit.enrolment import services as enrolment_services
from gradadmit.fees import services as fee_services
from gradadmit.fees.models import Charge, FeeItem
from gradadmit.scoring import imports as score_imports
from gradadmit.scoring.models import StageScore

router = reads.router  # one router: a path read and written (/payments) must be one URL pattern
WRITES = ["writes"]
Key = Header(..., alias="Idempotency-Key", min_length=8, max_length=200,
             description="A new random value per write (a UUID); sending it again replays the first answer.")  # fmt: skip
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem,
          429: Problem}  # fmt: skip


def _fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _once(request, key: str, operation: str, data, write):
    token = require_write(request)
    try:
        status, body, replayed = services.run_once(
            user=token.user, key=key, operation=operation, request_hash=_fingerprint(data), write=write
        )
    except services.KeyReused as error:
        raise ApiProblem(422, str(error), code="key_reused") from None
    except DomainError as error:
        raise refused(error) from None
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


@router.post(
    "/stage-scores",
    response={200: ScoresOut, **ERRORS},
    summary="Enter stage scores (all rows or none)",
    tags=WRITES,
    auth=WriteTokenAuth(),
)
def post_stage_scores(request, body: ScoresIn, idempotency_key: str = Key):
    """Checked like the score import (xlsx/csv): every bad row is reported in `errors` with its position, and
    nothing is written unless every row is good. A submitted (locked) stage is refused row by row."""
    token = require_write(request)
    program = one(scoped(token, programs_for_staff(token.user), ""), body.program)
    rows = [
        (n, str(row.application), str(row.stage), "absent" if row.absent else ("" if row.score is None else str(row.score)))
        for n, row in enumerate(body.scores, start=1)
    ]  # fmt: skip

    def write():
        report, applications, stages = score_imports.check_score_rows(program=program, rows=rows)
        if report.errors:
            raise ApiProblem(422, _("Some rows are wrong; nothing was saved. Correct them and send all rows again."),
                             code="rows", errors=[{"row": line, "detail": str(m)} for line, m in report.errors])  # fmt: skip
        score_imports.apply_score_rows(actor=token.user, report=report, applications=applications, stages=stages)
        pairs = [(applications[a].pk, stages[o].pk) for _line, a, o, _s, _x in report.rows]
        saved = StageScore.objects.select_related("stage").filter(
            application_id__in={a for a, _s in pairs}, stage_id__in={s for _a, s in pairs}
        )
        items = [reads.stage_score_out(s) for s in saved if (s.application_id, s.stage_id) in set(pairs)]
        return 200, json.loads(ScoresOut(applied=report.applied, scores=items).model_dump_json())

    return _once(request, idempotency_key, "stage_scores", body.model_dump(mode="json"), write)


@router.post(
    "/payments",
    response={201: PaymentOut, **ERRORS},
    summary="Record a payment received by other means",
    tags=WRITES,
    auth=WriteTokenAuth(),
)
def post_payment(request, body: PaymentIn, idempotency_key: str = Key):
    """A postal money order or cash at the office, with a note, through the fees service the office page uses."""
    token = require_write(request)
    application = one(scoped(token, applications_for_staff(token.user), "program"), body.application)
    charges = Charge.objects.filter(application=application).select_related("item")
    charge = charges.filter(item__code=body.item).first() if body.item else charges.filter(
        item__kind=FeeItem.Kind.APPLICATION).first()  # fmt: skip
    if charge is None:
        raise not_found()

    def write():
        payment = fee_services.record_payment(actor=token.user, charge=charge, amount=body.amount, method=body.method,
                                              received_at=since(body.received_at), note=body.note)  # fmt: skip
        payment.charge = charge
        return 201, json.loads(PaymentOut(**reads.payment_out(payment)).model_dump_json())

    return _once(request, idempotency_key, "payment", body.model_dump(mode="json"), write)


@router.post("/admissions/{admission_id}/paper-check-in", response={200: AdmissionOut, **ERRORS},
             summary="Record a check-in made on paper", tags=WRITES, auth=WriteTokenAuth())  # fmt: skip
def post_paper_check_in(request, admission_id: int, idempotency_key: str = Key):
    """Within the check-in window and rules, as the check-in board's button (enrolment.services)."""
    token = require_write(request)
    admission = one(reads.admissions(token), admission_id)

    def write():
        enrolment_services.record_paper_check_in(actor=token.user, admission=admission)
        fresh = reads.admissions(token).get(pk=admission.pk)
        return 200, json.loads(AdmissionOut(**reads.admission_out(fresh)).model_dump_json())

    return _once(request, idempotency_key, "paper_check_in", {"admission": admission_id}, write)
