"""Read endpoints for staff and service tokens: every queryset starts from the pages' selectors (core.scoping),
narrowed to the token's programmes, so another programme's object is a 404 and lists never show it.

Lists are cursor pages in id order (one query for the rows, a fixed number for their parts, whatever the page).
"""

import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access
from gradadmit.api.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    decode_cursor,
    encode_cursor,
    filtered_page,
    listing_key,
    one,
    page,
    page_body,
    scoped,
    since,
)
from gradadmit.api.problems import not_found
from gradadmit.api.schemas import (
    AdmissionOut,
    ApplicationOut,
    DecisionOut,
    DocumentOut,
    Page,
    PaymentOut,
    RankingRunDetailOut,
    RankingRunOut,
    ResultOut,
    StageScoreOut,
    TokenProgramOut,
    WhoAmIOut,
)
from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applications_for_staff
from gradadmit.cycles.selectors import programs_for_staff
from gradadmit.documents.files import serve_document
from gradadmit.documents.selectors import documents_for_staff
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.models import Admission
from gradadmit.fees.models import Charge, FeeItem, Payment
from gradadmit.scoring.models import RankingRun, StageScore

router = Router(tags=["reads"])
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (1–500)")
Cursor = Query(None, max_length=2000, description="`next_cursor` of the previous page")
Since = Query(None, description="Only rows changed at or after this time (ISO 8601; without an offset: Taiwan time)")


@router.get("/me", response=WhoAmIOut, summary="The token itself: owner's scope, access, expiry")
def whoami(request):
    token = request.auth
    programs = scoped(token, programs_for_staff(token.user), "").order_by("pk")
    return {"token": f"ga_{token.prefix}_…", "name": token.name, "access": token.access, "expires_at": token.expires_at,
            "programs": [_program(p) for p in programs]}  # fmt: skip


def _program(program) -> dict:
    return {"id": program.pk, "cycle": program.cycle.code, "code": program.code, "name_zh": program.name_zh,
            "name_en": program.name_en}  # fmt: skip


@router.get("/programs", response=list[TokenProgramOut], summary="The programmes this token reaches")
def list_programs(request):
    return [_program(p) for p in scoped(request.auth, programs_for_staff(request.auth.user), "").order_by("pk")]


# --- applications -------------------------------------------------------------------------------------------


APPLICATION_FIELDS = (
    "id", "program_id", "program__code", "program__cycle__code", "identity", "status", "applied_at", "withdrawn_at",
    "updated_at", "applicant__profile__name_zh", "applicant__profile__name_en", "applicant__email",
    "ticket__exam_number", "review_decision__result", "admission__status", "waitlist_entry__identity",
    "waitlist_entry__position", "waitlist_entry__status",
)  # fmt: skip


def _applications(token):
    return scoped(token, applications_for_staff(token.user), "program")


def _outcomes(program_ids) -> dict[int, str]:
    """{application id: published outcome status} of the programmes' published runs, one query."""
    runs = RankingRun.objects.filter(program_id__in=set(program_ids), state=RankingRun.State.PUBLISHED).only("result")
    return {o["key"]: o["status"] for run in runs for o in run.result.get("outcomes", [])}


def _fee_statuses(application_ids) -> dict[int, str]:
    """{application id: status of its application fee}, one query."""
    charges = Charge.objects.filter(application_id__in=application_ids, item__kind=FeeItem.Kind.APPLICATION)
    return dict(charges.values_list("application_id", "status"))


def _related(obj, name):
    try:
        return getattr(obj, name)
    except Exception:  # the reverse one-to-one is absent (RelatedObjectDoesNotExist)
        return None


def applications_out(rows: list[dict]) -> list[dict]:
    """Rows of values(*APPLICATION_FIELDS) as ApplicationOut dicts, with fee status and result: two queries.

    Rows rather than model instances: a page of 100 applications with eight joined models costs several times
    more as instances (bench/bench_api.py).
    """
    ids = [row["id"] for row in rows]
    fees = _fee_statuses(ids) if ids else {}
    outcomes = _outcomes({row["program_id"] for row in rows}) if ids else {}
    return [
        {
            "id": r["id"], "program_id": r["program_id"], "program_code": r["program__code"],
            "cycle": r["program__cycle__code"], "identity": r["identity"], "status": r["status"],
            "applied_at": r["applied_at"], "withdrawn_at": r["withdrawn_at"], "updated_at": r["updated_at"],
            "applicant": {"name_zh": r["applicant__profile__name_zh"] or "",
                          "name_en": r["applicant__profile__name_en"] or "", "email": r["applicant__email"]},
            "exam_number": r["ticket__exam_number"],
            "eligibility": r["review_decision__result"] or ReviewDecision.Result.PENDING,
            "fee_status": fees.get(r["id"]),
            "result": outcomes.get(r["id"]),
            "admission_status": r["admission__status"],
            "waitlist": None if r["waitlist_entry__position"] is None else {
                "identity": r["waitlist_entry__identity"], "position": r["waitlist_entry__position"],
                "status": r["waitlist_entry__status"]},
        }
        for r in rows
    ]  # fmt: skip


def json_response(body) -> HttpResponse:
    """A body already shaped as its documented schema, serialised directly (the fuzz test checks the shape)."""
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json")


@router.get("/applications", response=Page[ApplicationOut], summary="Applications with their statuses")
def list_applications(request, program: int | None = None, status: Application.Status | None = None,
                      updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    """`updated_since` finds applications whose own data, eligibility decision or admission changed since then;
    payments have their own listing."""
    queryset = _applications(request.auth)
    if program is not None:
        queryset = queryset.filter(program_id=program)
    if status is not None:
        queryset = queryset.filter(status=status)
    if updated_since is not None:
        changed = Greatest(
            F("updated_at"),
            Coalesce(F("review_decision__decided_at"), F("updated_at")),
            Coalesce(F("admission__created_at"), F("updated_at")),
            Coalesce(F("admission__checked_in_at"), F("updated_at")),
            Coalesce(F("admission__closed_at"), F("updated_at")),
        )
        queryset = queryset.alias(changed=changed).filter(changed__gte=since(updated_since))
    key = listing_key("applications", program=program, status=status, since=updated_since)
    rows, next_cursor = page(queryset.values(*APPLICATION_FIELDS), listing=key, cursor=cursor, limit=limit)
    return json_response(page_body(applications_out(rows), next_cursor))


@router.get("/applications/{application_id}", response=ApplicationOut, summary="One application")
def get_application(request, application_id: int):
    rows = list(_applications(request.auth).filter(pk=application_id).values(*APPLICATION_FIELDS))
    if not rows:
        raise not_found()
    return json_response(applications_out(rows)[0])


# --- documents ----------------------------------------------------------------------------------------------


def document_out(d) -> dict:
    return {
        "id": d.pk, "application_id": d.application_id, "item": d.requirement.code, "item_name_zh": d.requirement.name_zh,
        "item_name_en": d.requirement.name_en, "original_name": d.original_name, "content_type": d.content_type,
        "size": d.size, "pages": d.pages, "sha256": d.sha256, "sanitized": d.sanitized, "uploaded_at": d.uploaded_at,
        "is_current": d.is_current, "check_status": d.check_status,
        "file_url": reverse("api:document_file", kwargs={"document_id": d.pk}),
    }  # fmt: skip


@router.get("/documents", response=Page[DocumentOut], summary="Document metadata (every version)")
def list_documents(request, program: int | None = None, application: int | None = None, current: bool | None = None,
                   updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = scoped(request.auth, documents_for_staff(request.auth.user), "application__program")
    rows, next_cursor = filtered_page(
        queryset,
        listing="documents",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("uploaded_at", "checked_at", "replaced_at"),
        application__program_id=program,
        application_id=application,
        is_current=current,
    )
    return page_body([document_out(d) for d in rows], next_cursor)


@router.get("/documents/{document_id}", response=DocumentOut, summary="One document's metadata")
def get_document(request, document_id: int):
    return document_out(one(scoped(request.auth, documents_for_staff(request.auth.user), "application__program"),
                            document_id))  # fmt: skip


# --- payments, decisions, scores -----------------------------------------------------------------------------


def payment_out(p) -> dict:
    return {"id": p.pk, "application_id": p.charge.application_id, "charge_id": p.charge_id, "item": p.charge.item.code,
            "amount": p.amount, "method": p.method, "received_at": p.received_at, "note": p.note,
            "created_at": p.created_at}  # fmt: skip


def payments(token):
    return scoped(token, Payment.objects.select_related("charge__item"), "charge__application__program")


@router.get("/payments", response=Page[PaymentOut], summary="Payments received and refunds")
def list_payments(request, program: int | None = None, application: int | None = None,
                  updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = payments(request.auth)
    rows, next_cursor = filtered_page(
        queryset,
        listing="payments",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("created_at",),
        charge__application__program_id=program,
        charge__application_id=application,
    )
    return page_body([payment_out(p) for p in rows], next_cursor)


@router.get("/eligibility-decisions", response=Page[DecisionOut], summary="Eligibility review decisions")
def list_decisions(request, program: int | None = None, result: ReviewDecision.Result | None = None,
                   updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = scoped(request.auth, ReviewDecision.objects.all(), "application__program")
    rows, next_cursor = filtered_page(
        queryset,
        listing="decisions",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("decided_at",),
        application__program_id=program,
        result=result,
    )
    items = [{"application_id": d.application_id, "result": d.result, "reason": d.reason, "message": d.message,
              "supplement_until": d.supplement_until, "by_committee": d.by_committee,
              "committee_reference": d.committee_reference, "decided_at": d.decided_at} for d in rows]  # fmt: skip
    return page_body(items, next_cursor)


def stage_score_out(s) -> dict:
    return {"id": s.pk, "application_id": s.application_id, "program_id": s.stage.program_id, "stage": s.stage.order,
            "stage_kind": s.stage.kind, "score": s.score, "absent": s.absent, "source": s.source,
            "disagreement": s.disagreement, "updated_at": s.updated_at}  # fmt: skip


def stage_scores(token):
    return scoped(token, StageScore.objects.select_related("stage"), "application__program")


@router.get("/stage-scores", response=Page[StageScoreOut], summary="Stage scores (the ones the ranking uses)")
def list_stage_scores(request, program: int | None = None, stage: int | None = None,
                      updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = stage_scores(request.auth)
    rows, next_cursor = filtered_page(
        queryset,
        listing="scores",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("updated_at",),
        application__program_id=program,
        stage__order=stage,
    )
    return page_body([stage_score_out(s) for s in rows], next_cursor)


# --- ranking runs and published results -----------------------------------------------------------------------


def run_out(run) -> dict:
    return {"id": run.pk, "program_id": run.program_id, "number": run.number, "state": run.state,
            "engine_version": run.engine_version, "input_hash": run.input_hash, "reason": run.reason,
            "created_at": run.created_at, "published_at": run.published_at}  # fmt: skip


def outcome_out(o) -> dict:
    return {"application_id": o["key"], "identity": o["identity"], "status": o["status"], "rank": o.get("rank"),
            "waitlist_position": o.get("waitlist_position"), "total": o.get("total"), "reason": o.get("reason")}  # fmt: skip


def _runs(token):
    return scoped(token, RankingRun.objects.defer("inputs", "result"), "program")


@router.get("/ranking-runs", response=Page[RankingRunOut], summary="Ranking runs (proposed, published, superseded)")
def list_runs(request, program: int | None = None, state: RankingRun.State | None = None,
              updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = _runs(request.auth)
    rows, next_cursor = filtered_page(
        queryset,
        listing="runs",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("created_at", "published_at"),
        program_id=program,
        state=state,
    )
    return page_body([run_out(r) for r in rows], next_cursor)


@router.get("/ranking-runs/{run_id}", response=RankingRunDetailOut, summary="One ranking run with its outcomes")
def get_run(request, run_id: int):
    run = one(scoped(request.auth, RankingRun.objects.all(), "program"), run_id)
    return {**run_out(run), "outcomes": [outcome_out(o) for o in run.result.get("outcomes", [])]}


@router.get("/results", response=Page[ResultOut], summary="Published results, one row per application")
def list_results(request, program: int | None = None, status: str | None = Query(None, max_length=40),
                 cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    """The outcomes of each programme's published run (admitted, waitlisted, not_admitted, committee)."""
    runs = scoped(request.auth, RankingRun.objects.filter(state=RankingRun.State.PUBLISHED), "program")
    if program is not None:
        runs = runs.filter(program_id=program)
    key = listing_key("results", program=program, status=status)
    after = decode_cursor(key, cursor) or 0
    if not isinstance(after, int):
        after = 0
    rows = sorted(
        ({**outcome_out(o), "program_id": run.program_id, "run_id": run.pk, "published_at": run.published_at}
         for run in runs for o in run.result.get("outcomes", [])
         if o["key"] > after and (status is None or o["status"] == status)),
        key=lambda row: row["application_id"],
    )  # fmt: skip
    more = len(rows) > limit
    rows = rows[:limit]
    return page_body(rows, encode_cursor(key, rows[-1]["application_id"]) if more else None)


# --- check-in ------------------------------------------------------------------------------------------------


def admission_out(a) -> dict:
    ticket, profile = _related(a.application, "ticket"), _related(a.applicant, "profile")
    return {"id": a.pk, "application_id": a.application_id, "program_id": a.program_id,
            "exam_number": ticket.exam_number if ticket else None, "seat_identity": a.seat_identity,
            "source": a.source, "status": a.status, "deadline": a.deadline, "how": a.how,
            "checked_in_at": a.checked_in_at, "given_up_at": a.given_up_at, "closed_at": a.closed_at,
            "name_zh": profile.name_zh if profile else "", "name_en": profile.name_en if profile else ""}  # fmt: skip


def admissions(token):
    return scoped(token, Admission.objects.select_related("application__ticket", "applicant__profile"), "program")


@router.get("/admissions", response=Page[AdmissionOut], summary="Admissions and their check-in status")
def list_admissions(request, program: int | None = None, status: Admission.Status | None = None,
                    updated_since: datetime | None = Since, cursor: str | None = Cursor, limit: int = Limit):  # fmt: skip
    queryset = admissions(request.auth)
    rows, next_cursor = filtered_page(
        queryset,
        listing="admissions",
        cursor=cursor,
        limit=limit,
        changed_since=updated_since,
        changed_fields=("created_at", "checked_in_at", "closed_at", "given_up_at"),
        program_id=program,
        status=status,
    )
    return page_body([admission_out(a) for a in rows], next_cursor)


@router.get("/admissions/{admission_id}", response=AdmissionOut, summary="One admission")
def get_admission(request, admission_id: int):
    return admission_out(one(admissions(request.auth), admission_id))


@router.get("/documents/{document_id}/file", url_name="document_file", summary="Download one document's file",
            response={200: None}, openapi_extra={"responses": {"200": {"description": "The file (PDF, JPEG or PNG)",
                                                                       "content": {"application/octet-stream": {}}}}})  # fmt: skip
def document_file(request, document_id: int):
    """The same check as the office's document page (documents.selectors.document_for_staff), within the token's
    programmes; served with the same headers (nosniff, no-store, sandbox)."""
    document = one(scoped(request.auth, documents_for_staff(request.auth.user), "application__program"), document_id)
    # Logged in the applicant's access log as the office page logs it, under the token's owner.
    record_access(staff=request.auth.user, applicant_id=document.application.applicant_id, kind=AccessKind.DOCUMENT,
                  detail=f"document #{document.pk} (API token {request.auth.prefix})")  # fmt: skip
    response = serve_document(document, download=True)
    response["ETag"] = f'"{document.sha256}"'
    return response
