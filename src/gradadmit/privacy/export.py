"""One applicant's copy of their data: data.json, a readable summary.html and the files they uploaded, as a zip.

What is in it is what the portal holds about them and shows them: the account and basic details, every application
with its documents, recommenders (the details the applicant gave), fees and payments, fee-waiver and exam
accommodation requests, the eligibility decision, exam number and interview, scores and the result once published
(not before: the same rule as the results page), admission and waitlist, regrade requests and appeals, and the
inbox. Reviewers' individual scores and comments and the recommenders' letters are not the applicant's to read
(the letters are confidential to the committee) and are left out.
"""

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.rocdate import format_for_language
from gradadmit.documents.models import Document
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.exams.models import AccommodationRequest, AdmissionTicket
from gradadmit.fees.models import Charge, Payment, WaiverRequest
from gradadmit.notifications.models import Message
from gradadmit.recommendations.models import RecommendationRequest
from gradadmit.scoring.models import Appeal, RegradeRequest
from gradadmit.scoring.results import result_for_applicant

PROFILE_FIELDS = ["name_zh", "name_en", "nationality", "national_id", "passport_number", "birth_date", "gender",
                  "phone_mobile", "phone_home", "postal_code", "address", "school", "department", "education_status",
                  "equivalent_article", "graduation_year", "employer", "job_title", "service_years", "updated_at"]  # fmt: skip


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _fields(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


def _grouped(queryset, key="application_id") -> dict:
    grouped = {}
    for row in queryset:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def collect(user) -> tuple[dict, list[tuple[str, object]]]:
    """The applicant's data as JSON-ready dicts, and the files to add: (path in the zip, field file)."""
    profile = ApplicantProfile.objects.filter(user=user).first()
    applications = list(Application.objects.filter(applicant=user).select_related("program__cycle").order_by("pk"))
    ids = [a.pk for a in applications]
    documents = _grouped(Document.objects.filter(application_id__in=ids).select_related("requirement").order_by("pk"))
    requests = _grouped(RecommendationRequest.objects.filter(application_id__in=ids).order_by("pk"))
    charges = _grouped(
        Charge.objects.filter(application_id__in=ids).select_related("item").prefetch_related("accounts")
    )
    payments = _grouped(Payment.objects.filter(charge__application_id__in=ids).order_by("received_at"), "charge_id")
    waivers = _grouped(WaiverRequest.objects.filter(charge__application_id__in=ids), "charge_id")
    decisions = {d.application_id: d for d in ReviewDecision.objects.filter(application_id__in=ids)}
    tickets = {
        t.application_id: t for t in AdmissionTicket.objects.filter(application_id__in=ids).select_related("slot")
    }
    accommodations = {a.application_id: a for a in AccommodationRequest.objects.filter(application_id__in=ids)}
    admissions = {a.application_id: a for a in Admission.objects.filter(application_id__in=ids)}
    waitlist = {w.application_id: w for w in WaitlistEntry.objects.filter(application_id__in=ids)}
    regrades = _grouped(RegradeRequest.objects.filter(application_id__in=ids).prefetch_related("items__stage"))
    appeals = _grouped(Appeal.objects.filter(application_id__in=ids))
    files = []
    data_apps = []
    for application in applications:
        docs = []
        for document in documents.get(application.pk, []):
            path = ""
            if document.file:
                path = (
                    f"files/application-{application.pk}/{document.pk}-{document.requirement.code}.{document.extension}"
                )
                files.append((path, document.file))
            docs.append({"item": document.requirement.name_zh, "item_en": document.requirement.name_en,
                         "original_name": document.original_name, "uploaded_at": document.uploaded_at,
                         "size": document.size, "pages": document.pages, "current": document.is_current,
                         "initial_check": document.check_status, "check_message": document.check_message,
                         "file": path})  # fmt: skip
        fees = []
        for charge in charges.get(application.pk, []):
            fees.append({
                "item": charge.item.name_zh, "amount_due": charge.amount_due, "received": charge.amount_received,
                "refunded": charge.amount_refunded, "status": charge.status, "due_at": charge.due_at,
                "virtual_accounts": [account.number for account in charge.accounts.all()],
                "payments": [_fields(p, ["amount", "method", "received_at"]) for p in payments.get(charge.pk, [])],
                "waiver_requests": [_fields(w, ["category", "status", "household_address", "phone_day", "phone_night",
                                                "phone_mobile", "requested_at", "decided_at", "reason"])
                                    for w in waivers.get(charge.pk, [])],
            })  # fmt: skip
            for waiver in waivers.get(charge.pk, []):
                if waiver.proof:
                    path = f"files/application-{application.pk}/waiver-{waiver.pk}.{waiver.proof_extension or 'bin'}"
                    files.append((path, waiver.proof))
        decision = decisions.get(application.pk)
        ticket = tickets.get(application.pk)
        accommodation = accommodations.get(application.pk)
        if accommodation is not None and accommodation.proof:
            path = f"files/application-{application.pk}/accommodation.{accommodation.proof_extension or 'bin'}"
            files.append((path, accommodation.proof))
        result = result_for_applicant(application)
        admission = admissions.get(application.pk)
        entry = waitlist.get(application.pk)
        app_appeals = []
        for appeal in appeals.get(application.pk, []):
            path = ""
            if appeal.attachment:
                path = f"files/application-{application.pk}/appeal-{appeal.pk}{_suffix(appeal.attachment.name)}"
                files.append((path, appeal.attachment))
            app_appeals.append(_fields(appeal, ["facts", "remedy", "status", "submitted_at", "answer", "answered_at"])
                               | {"attachment": path})  # fmt: skip
        data_apps.append({
            "number": application.pk,
            "cycle": application.program.cycle.name_zh,
            "program": f"{application.program.code} {application.program.name_zh}",
            "identity": application.identity, "status": application.status,
            "applied_at": application.applied_at, "withdrawn_at": application.withdrawn_at,
            "documents": docs,
            "recommenders": [_fields(r, ["name", "organisation", "title", "relationship", "email", "phone", "status",
                                         "created_at", "completed_at", "declined_at"]) for r in requests.get(application.pk, [])],
            "fees": fees,
            "eligibility": _fields(decision, ["result", "reason", "message", "supplement_until", "decided_at"])
            if decision else None,
            "exam_number": ticket.exam_number if ticket else "",
            "interview": {"starts_at": ticket.slot.starts_at, "room": ticket.slot.room} if ticket and ticket.slot else None,
            "accommodation": _fields(accommodation, ["category", "severity", "certificate_number", "description",
                                                     "extra_time", "enlarged_paper", "early_entry", "other_needs",
                                                     "status", "decision_note", "submitted_at"])
            if accommodation else None,
            "result": {"status": str(result["status"]), "explanation": str(result["explanation"]),
                       "scores": [{"stage": s.stage.kind, "score": s.score, "absent": s.absent} for s in result["scores"]]}
            if result.get("published") else None,
            "admission": _fields(admission, ["seat_identity", "source", "status", "deadline", "how", "checked_in_at",
                                             "given_up_at"]) if admission else None,
            "waitlist": _fields(entry, ["position", "status", "wants_promotion"]) if entry else None,
            "regrades": [{"status": r.status, "submitted_at": r.submitted_at,
                          "items": [{"stage": i.stage.kind, "original": i.original_score, "new": i.new_score,
                                     "outcome": i.outcome} for i in r.items.all()]}
                         for r in regrades.get(application.pk, [])],
            "appeals": app_appeals,
        })  # fmt: skip
    messages = [_fields(m, ["created_at", "read_at", "subject_zh", "subject_en", "body_zh", "body_en"])
                for m in Message.objects.filter(recipient=user).order_by("created_at", "id")]  # fmt: skip
    data = {
        "generated_at": clock.now(),
        "account": _fields(user, ["email", "date_joined", "last_login", "pdpa_consent_at"]),
        "profile": _fields(profile, PROFILE_FIELDS) if profile else None,
        "applications": data_apps,
        "messages": messages,
    }
    return data, files


def _readable(value):
    """The data for people: times as ROC dates in Taiwan time (the JSON keeps ISO times)."""
    if isinstance(value, dict):
        return {key: _readable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_readable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return format_for_language(value, "zh-hant")
    return value


def _labelled(model, fields: dict) -> dict:
    """Field names replaced by the model's own labels (Chinese in the summary)."""
    return {str(model._meta.get_field(name).verbose_name): value for name, value in fields.items()}


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""


def write_zip(user, output) -> int:
    """Write the applicant's zip to `output` (a path or a binary file). Returns the number of files in it."""
    data, files = collect(user)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    with translation.override("zh-hant"):
        readable = _readable(data)
        readable["account"] = _labelled(type(user), readable["account"])
        if readable["profile"]:
            readable["profile"] = _labelled(ApplicantProfile, readable["profile"])
        summary = render_to_string("privacy/export_summary.html", {"data": readable, "user": user})
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", text)
        archive.writestr("summary.html", summary)
        for path, field_file in files:
            # Uploaded files are PDFs and photos, already compressed: stored as they are.
            with field_file.open("rb") as handle, archive.open(zipfile.ZipInfo(path, _zip_time()), "w") as target:
                while chunk := handle.read(1024 * 1024):
                    target.write(chunk)
    return len(files) + 2


def _zip_time():
    now = clock.local(clock.now())
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
