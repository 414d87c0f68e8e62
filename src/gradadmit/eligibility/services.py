"""Eligibility decisions: one application (qualified, needs supplement, not qualified, committee) or a selection."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.core.rocdate import format_for_language
from gradadmit.documents.selectors import applicable_requirements
from gradadmit.eligibility import rules
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.selectors import qualification_problems
from gradadmit.notifications.services import notify

Result = ReviewDecision.Result
Reason = ReviewDecision.Reason
AUDIT_FIELDS = [
    "result",
    "reason",
    "message",
    "supplement_until",
    "supplement_item_ids",
    "by_committee",
    "committee_reference",
    "version",
]


class ReviewConflict(DomainError):
    def __init__(self, message):
        super().__init__(message, code="conflict")


def _snapshot(decision: ReviewDecision) -> dict:
    data = snapshot(decision, [f for f in AUDIT_FIELDS if f != "supplement_item_ids"])
    data["supplement_item_ids"] = sorted(decision.supplement_items.values_list("pk", flat=True)) if decision.pk else []
    return data


def decide_review(
    *,
    actor,
    application: Application,
    result: str,
    expected_version: int,
    reason: str = "",
    message: str = "",
    supplement_until: datetime | None = None,
    supplement_items=(),
    by_committee: bool = False,
    committee_reference: str = "",
) -> ReviewDecision:
    """Record the eligibility decision of one application.

    `expected_version` is the decision version the reviewer saw (0 when not reviewed yet); if someone
    decided in between, ReviewConflict is raised and nothing is saved. Refused after the programme's
    lists were published (reopen them first), for a withdrawn application, and when the decision is
    incomplete: a supplement needs a message, a future deadline and the named items; "not qualified"
    needs a reason; "qualified" needs the in-service check to pass; Article-7 applicants are decided
    by the committee (recorded with its meeting reference).

    Side effects, in one transaction: the decision row (version + 1), an audit entry with before and
    after, an in-portal message and an email to the applicant (sent after commit).
    """
    from gradadmit.exams.selectors import decisions_frozen

    message, reason, committee_reference = message.strip(), reason.strip(), committee_reference.strip()
    if result not in (Result.QUALIFIED, Result.SUPPLEMENT, Result.NOT_QUALIFIED, Result.COMMITTEE):
        raise DomainError(_("Choose a decision."))
    profile = getattr(application.applicant, "profile", None)
    article_7 = rules.needs_committee(
        education_status=getattr(profile, "education_status", ""),
        equivalent_article=getattr(profile, "equivalent_article", None),
    )
    items = list(supplement_items)
    if result == Result.SUPPLEMENT:
        applicable = {r.pk for r in applicable_requirements(application, profile)}
        if not message:
            raise DomainError(_("Tell the applicant what to supplement."))
        if supplement_until is None or supplement_until <= clock.now():
            raise DomainError(_("Give a supplement deadline in the future."))
        if not items:
            raise DomainError(_("Choose the items the applicant may upload again."))
        if any(item.pk not in applicable for item in items):
            raise DomainError(_("Only items of this application can be supplemented."))
    if result == Result.NOT_QUALIFIED:
        if reason not in Reason.values:
            raise DomainError(_("Choose the reason the application is not qualified."))
        if reason == Reason.OTHER and not message:
            raise DomainError(_("Explain the reason in the message."))
    if result in (Result.QUALIFIED, Result.NOT_QUALIFIED) and article_7 and not by_committee:
        raise DomainError(
            _(
                "Article-7 applicants are decided by the committee: refer the application, then record the committee's decision with its meeting reference."
            )  # noqa: E501
        )
    if by_committee and not committee_reference:
        raise DomainError(_("Give the committee meeting reference (e.g. the minutes number)."))

    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
        if not locked.is_active:
            raise DomainError(_("This application was withdrawn."))
        if decisions_frozen(locked.program):
            raise DomainError(
                _(
                    "The results of this programme are published: decisions are frozen. Reopen the results to correct one."
                )  # noqa: E501
            )
        decision, _created = ReviewDecision.objects.get_or_create(application=locked)
        decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.version != expected_version:
            raise ReviewConflict(_conflict_message(decision))
        if result == Result.QUALIFIED:
            problems = qualification_problems(locked)
            if problems:
                raise DomainError(_("Not qualified yet: %(problems)s") % {"problems": " ".join(problems)})
        before = _snapshot(decision)
        decision.result = result
        decision.reason = reason if result == Result.NOT_QUALIFIED else ""
        decision.message = message
        decision.supplement_until = supplement_until if result == Result.SUPPLEMENT else None
        decision.by_committee = bool(by_committee)
        decision.committee_reference = committee_reference if by_committee else ""
        decision.version += 1
        decision.decided_by, decision.decided_at = actor, clock.now()
        decision.save()
        decision.supplement_items.set(items if result == Result.SUPPLEMENT else [])
        record_audit(
            actor=actor,
            action="eligibility.decide",
            target=decision,
            before=before,
            after=_snapshot(decision),
            reason=message,
        )
        notify(
            user=locked.applicant,
            template="eligibility/decision",
            context={"application": locked, "decision": decision, "items": items},
        )
    return decision


def _conflict_message(decision: ReviewDecision) -> str:
    from django.utils.translation import get_language

    who = decision.decided_by.email if decision.decided_by else _("someone")
    when = format_for_language(decision.decided_at, get_language() or "zh-hant") if decision.decided_at else ""
    return _(
        "%(who)s decided this application (%(result)s) on %(when)s while you were looking at it. "
        "Nothing was saved: read their decision below and decide again if needed."
    ) % {"who": who, "result": decision.get_result_display(), "when": when}


@dataclass
class BulkOutcome:
    decided: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def decide_many(*, actor, selections, result: str, reason: str = "", message: str = "") -> BulkOutcome:
    """The same decision (qualified or not qualified) for several applications, each on the version shown.

    `selections` is a list of (application, expected_version). Each application is decided in its own
    transaction through decide_review, with the same side effects; refusals (a conflict, the in-service
    check, a frozen programme) are collected, not raised, so one refusal does not undo the others.
    """
    if result not in (Result.QUALIFIED, Result.NOT_QUALIFIED):
        raise DomainError(_("Several applications at once can only be qualified or not qualified."))
    outcome = BulkOutcome()
    for application, expected_version in selections:
        try:
            decide_review(
                actor=actor,
                application=application,
                result=result,
                expected_version=expected_version,
                reason=reason,
                message=message,
            )
        except DomainError as refusal:
            outcome.refused.append((application.pk, str(refusal)))
        else:
            outcome.decided.append(application.pk)
    return outcome
