"""One applicant's record for staff: everything the portal holds about them, limited to what the staff member may see.

A fixed number of queries whatever the number of applications, documents, payments or messages: each section
is one query over every visible application at once (or a prefetch), and the audit trail is one query over
the (type, id) pairs of every object of this applicant collected on the way.
"""

import dataclasses
from collections import defaultdict

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from gradadmit.applications.models import Application
from gradadmit.applications.selectors import dashboard_for
from gradadmit.core.checklist import checklist_registry
from gradadmit.core.models import AuditEntry
from gradadmit.core.scoping import staff_program_q
from gradadmit.office.search import applicants_for_staff

AUDIT_LIMIT = 200


def applicant_for_staff(user, pk):
    """The applicant, or 404: department staff see only applicants with an application in their programmes."""
    return get_object_or_404(applicants_for_staff(user).select_related("profile"), pk=pk)


def _by_application(rows, attribute="application_id"):
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


def applicant_record(user, applicant) -> dict:
    """Every section of the record page for `applicant`, seen by staff member `user`."""
    from gradadmit.cycles.models import DeadlineExtension
    from gradadmit.documents.models import Document
    from gradadmit.exams.models import AccommodationRequest
    from gradadmit.fees.models import Charge, Payment, VirtualAccount, WaiverRequest
    from gradadmit.notifications.models import Message
    from gradadmit.recommendations.models import RecommendationRequest
    from gradadmit.scoring.explanations import status_label
    from gradadmit.scoring.models import Appeal, RankingRun, RegradeRequest, StageScore

    profile = getattr(applicant, "profile", None)
    applications = list(
        Application.objects.filter(staff_program_q(user, "program"), applicant=applicant)
        .select_related(
            *checklist_registry.related(),
            "program__cycle",
            "ticket__slot",
            "review_decision__decided_by",
            "admission",
            "waitlist_entry",
            "interview_invitation",
        )
        .order_by("program__cycle__academic_year", "program__code", "pk")
    )
    ids = [a.pk for a in applications]
    checklist = {}
    if profile is not None and applications:
        for item in dashboard_for(applications, applicant, profile):
            # The rows link to the applicant's own pages: staff reach the same things from this page instead.
            checklist[item["application"].pk] = [dataclasses.replace(row, url="") for row in item["rows"]]

    documents = list(
        Document.objects.filter(application_id__in=ids)
        .select_related("requirement", "checked_by")
        .order_by("application_id", "requirement__order", "-uploaded_at", "-pk")
    )
    charges = list(
        Charge.objects.filter(application_id__in=ids)
        .select_related("item", "discount")
        .prefetch_related(
            Prefetch("accounts", queryset=VirtualAccount.objects.order_by("-created_at"), to_attr="all_accounts"),
            Prefetch("payments", queryset=Payment.objects.select_related("recorded_by"), to_attr="all_payments"),
            Prefetch("waiver_requests", queryset=WaiverRequest.objects.order_by("-requested_at"), to_attr="waivers"),
        )
    )
    recommendations = list(
        RecommendationRequest.objects.filter(application_id__in=ids).order_by("application_id", "created_at", "pk")
    )
    scores = list(
        StageScore.objects.filter(application_id__in=ids)
        .select_related("stage", "entered_by")
        .order_by("application_id", "stage__order")
    )
    published = {
        run.program_id: run
        for run in RankingRun.objects.filter(
            program_id__in={a.program_id for a in applications}, state=RankingRun.State.PUBLISHED
        )
    }
    regrades = list(RegradeRequest.objects.filter(application_id__in=ids).values_list("pk", flat=True))
    appeals = list(Appeal.objects.filter(application_id__in=ids).values_list("pk", flat=True))
    accommodations = list(AccommodationRequest.objects.filter(application_id__in=ids).values_list("pk", flat=True))
    # Messages are not tied to a programme: a department's staff could read of the applicant's other ones.
    messages = []
    extensions = []
    if user.is_office:
        messages = list(Message.objects.filter(recipient=applicant).select_related("email").order_by("-created_at"))
        extensions = list(DeadlineExtension.objects.filter(applicant=applicant).select_related("cycle", "granted_by"))

    documents_by_app, charges_by_app = _by_application(documents), _by_application(charges)
    recommendations_by_app, scores_by_app = _by_application(recommendations), _by_application(scores)
    sections = []
    for application in applications:
        run = published.get(application.program_id)
        outcome = run.outcome_of(application.pk) if run else None
        sections.append(
            {
                "application": application,
                "checklist": checklist.get(application.pk, []),
                "documents": documents_by_app[application.pk],
                "charges": charges_by_app[application.pk],
                "recommendations": recommendations_by_app[application.pk],
                "scores": scores_by_app[application.pk],
                "outcome": outcome,
                "outcome_label": status_label(outcome["status"]) if outcome else "",
            }
        )

    targets = {
        "applications.application": ids,
        "documents.document": [d.pk for d in documents],
        "fees.charge": [c.pk for c in charges],
        "fees.waiverrequest": [w.pk for c in charges for w in c.waivers],
        "eligibility.reviewdecision": [
            a.review_decision.pk for a in applications if getattr(a, "review_decision", None) is not None
        ],
        "enrolment.admission": [a.admission.pk for a in applications if getattr(a, "admission", None) is not None],
        "enrolment.waitlistentry": [
            a.waitlist_entry.pk for a in applications if getattr(a, "waitlist_entry", None) is not None
        ],
        "exams.admissionticket": [a.ticket.pk for a in applications if getattr(a, "ticket", None) is not None],
        "exams.accommodationrequest": accommodations,
        "recommendations.recommendationrequest": [r.pk for r in recommendations],
        "scoring.stagescore": [s.pk for s in scores],
        "scoring.regraderequest": regrades,
        "scoring.appeal": appeals,
        "cycles.deadlineextension": [e.pk for e in extensions],
        "outbox.email": [m.email_id for m in messages if m.email_id],
    }
    if user.is_office:
        targets["accounts.user"] = [applicant.pk]
        if profile is not None:
            targets["accounts.applicantprofile"] = [profile.pk]
    audit = _audit_trail(targets)
    return {
        "applicant": applicant,
        "profile": profile,
        "sections": sections,
        "inbox": [
            {"message": m, "status": m.email_status, "status_label": Message.EmailStatus(m.email_status).label}
            for m in messages
        ],
        "extensions": extensions,
        "audit": audit,
        "audit_limited": len(audit) == AUDIT_LIMIT,
        "cycles": sorted({a.program.cycle for a in applications}, key=lambda c: -c.academic_year),
    }


def _audit_trail(targets: dict[str, list]) -> list[AuditEntry]:
    """Every audit entry about one of these objects, newest first, in one query."""
    condition = Q(pk__in=[])
    for target_type, pks in targets.items():
        if pks:
            condition |= Q(target_type=target_type, target_id__in=[str(pk) for pk in pks])
    return list(AuditEntry.objects.filter(condition).select_related("actor")[:AUDIT_LIMIT])
