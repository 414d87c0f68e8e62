"""Is an application complete (已完成報名且資格符合)? Read from the checklist registry, never from other apps.

Every app registers its own checklist rows (fee, documents, recommendations, …). An application is
complete when every row is done and the eligibility review says qualified. The rows of this app
(`OWN_KEYS`) are left out of the "what is missing" list, since they restate the review itself.

For staff pages, rows are computed for applications of many applicants at once: providers get one
ChecklistContext per group of applicants sharing what the providers read from the context (the
qualification basis, which decides the deadline scope and the applicable document items), with a
representative profile of the group. Providers must read anything per applicant from the application,
not from `context.user`. So a page of any length costs a bounded number of queries.

The same rules in SQL (`paid_q`, `documents_complete_q`, `letters_complete_q`, at the end of this module) count
whole cycles in one aggregate query (the cycle overview); they must agree with the rows, and a test checks both on
the same applications. Change one, change the other.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from gradadmit.core.checklist import ChecklistContext, ChecklistRegistry, ChecklistRow, checklist_registry
from gradadmit.core.deadlines import calendars_for, scope_for

OWN_KEYS = frozenset({"eligibility", "ticket"})
OWN_PROVIDER_MODULES = frozenset({"gradadmit.eligibility.checklist", "gradadmit.exams.checklist"})
# The fees app gives one row per charge ("fees-<item id>", or "fees" before the application fee is charged).
FEE_KEY, DOCUMENTS_KEY, LETTERS_KEY = "fees", "documents", "recommendations"


@dataclass(frozen=True)
class Completeness:
    decision: object  # ReviewDecision or None
    rows: list[ChecklistRow] = field(default_factory=list)

    @property
    def missing(self) -> list[ChecklistRow]:
        return [row for row in self.rows if not row.is_done]

    @property
    def is_qualified(self) -> bool:
        return self.decision is not None and self.decision.is_qualified

    @property
    def complete(self) -> bool:
        """已完成報名且資格符合: paid (or waived), documents and letters complete, and qualified."""
        return self.is_qualified and not self.missing

    def row_done(self, key: str) -> bool | None:
        """Whether the rows `key` and `key-…` are all done; None when no app provides such a row."""
        rows = [row for row in self.rows if row.key == key or row.key.startswith(f"{key}-")]
        return all(row.is_done for row in rows) if rows else None

    @property
    def paid(self) -> bool | None:
        return self.row_done(FEE_KEY)

    @property
    def documents_complete(self) -> bool | None:
        return self.row_done(DOCUMENTS_KEY)


def _others(rows):
    return [row for row in rows if row.key not in OWN_KEYS]


def completeness_from_rows(rows, decision) -> Completeness:
    return Completeness(decision=decision, rows=_others(rows))


def _group_key(profile):
    if profile is None:
        return (None, None)
    return (profile.education_status, profile.equivalent_article)


def completeness_for_staff(
    applications, decisions: dict, *, details: bool = True, keys=None
) -> dict[int, Completeness]:
    """{application id: Completeness} for applications of any applicants, in a bounded number of queries.

    `applications` come with `applicant__profile` and `program__cycle` loaded; `decisions` maps
    application id to its ReviewDecision (missing: not reviewed). With `details=False` (lists that
    read only paid / documents complete / complete), the rows have no detail text and no URL. With
    `keys` (e.g. {FEE_KEY, DOCUMENTS_KEY}), only the providers of those rows run: `paid` and
    `documents_complete` stay right, `missing` and `complete` then cover those rows only.
    """
    applications = [a for a in applications if a.is_active]
    if not applications:
        return {}
    cycles = {a.program.cycle_id: a.program.cycle for a in applications}
    calendars = calendars_for(list(cycles.values()))
    groups = defaultdict(list)
    for application in applications:
        groups[_group_key(_profile(application))].append(application)
    # Staff pages skip this app's own rows (they restate the decision the caller already has).
    registry = ChecklistRegistry([p for p in checklist_registry.providers if p.__module__ not in OWN_PROVIDER_MODULES])
    result = {}
    for members in groups.values():
        profile = _profile(members[0])
        context = ChecklistContext(
            user=None, profile=profile, calendars=calendars, scope=scope_for(profile), details=details
        )
        rows = registry.rows_for(members, context, keys=keys)
        for application in members:
            result[application.id] = completeness_from_rows(rows.get(application.id, []), decisions.get(application.id))
    return result


def _profile(application):
    try:
        return application.applicant.profile
    except ObjectDoesNotExist:  # an applicant without basic details
        return None


# --- The same rules as SQL, for counting many applications in one query -----------------------------------
# Each function returns a condition on Application (usable in filter() and in Count(filter=...)). They restate the
# providers' rules (fees/checklist.py, documents/checklist.py, recommendations/checklist.py) for the done / not
# done answer only; tests/test_completeness_sql.py checks them against completeness_for_staff.


def paid_q() -> Q:
    """Like `Completeness.paid`: the application fee is charged, and every charge is paid, waived or refunded.

    (No application-fee charge yet is the provider's pending "fees" row; a refunded charge is an information row.)
    """
    from gradadmit.fees.models import Charge, FeeItem

    settled = (Charge.Status.PAID, Charge.Status.WAIVED, Charge.Status.REFUNDED)
    charges = Charge.objects.filter(application=OuterRef("pk"))
    return Q(Exists(charges.filter(item__kind=FeeItem.Kind.APPLICATION))) & ~Q(
        Exists(charges.exclude(status__in=settled))
    )


def documents_complete_q() -> Q:
    """Like `Completeness.documents_complete`: every mandatory item that applies is uploaded, none to replace.

    An item applies to everyone, to in-service applicants only, or to equivalent-qualification applicants only
    (`DocumentRequirement.applies_to_application`).
    """
    from gradadmit.cycles.models import DocumentRequirement
    from gradadmit.documents.models import Document

    current = Document.objects.filter(application=OuterRef(OuterRef("pk")), requirement=OuterRef("pk"), is_current=True)
    missing = DocumentRequirement.objects.filter(program=OuterRef("program"), mandatory=True).exclude(Exists(current))
    applies = DocumentRequirement.AppliesTo
    any_missing = (
        Q(Exists(missing.exclude(applies_to__in=[applies.IN_SERVICE, applies.EQUIVALENT])))
        | (Q(identity="in_service") & Q(Exists(missing.filter(applies_to=applies.IN_SERVICE))))
        | (
            Q(applicant__profile__education_status="equivalent")
            & Q(Exists(missing.filter(applies_to=applies.EQUIVALENT)))
        )
    )
    to_replace = Document.objects.filter(
        application=OuterRef("pk"), is_current=True, check_status=Document.Check.REPLACE
    )
    return ~any_missing & ~Q(Exists(to_replace))


def letters_complete_q() -> Q:
    """Like `Completeness.row_done(LETTERS_KEY) is not False`: letters asked "at least N" have N completed.

    Optional letters never block, and a programme asking none has no row: both count as complete.
    """
    from gradadmit.cycles.models import Program
    from gradadmit.recommendations.models import RecommendationRequest

    completed = (
        RecommendationRequest.objects.filter(application=OuterRef("pk"), status=RecommendationRequest.Status.COMPLETED)
        .order_by()
        .values("application")
        .annotate(n=Count("id"))
        .values("n")
    )
    enough = GreaterThanOrEqual(Coalesce(Subquery(completed), Value(0)), F("program__recommendations_required"))
    return ~Q(program__recommendation_policy=Program.RecommendationPolicy.AT_LEAST) | Q(enough)


# --- The later steps of the funnel, in SQL only (no checklist row restates them) ---------------------------------
# The cycle overview counts them and the review queue filters on them with these same conditions, so the number
# the overview shows is the number of rows the queue lists.


def invited_q() -> Q:
    """Invited to the interview (複試): scoring's InterviewInvitation exists."""
    return Q(interview_invitation__isnull=False)


def admitted_q() -> Q:
    """Admitted by the published ranking, or promoted from the waitlist: an admission holding a place."""
    from gradadmit.enrolment.models import Admission

    return Q(admission__status__in=Admission.HOLDING)


def waitlisted_q() -> Q:
    """On the published waitlist (備取) and still waiting."""
    from gradadmit.enrolment.models import WaitlistEntry

    return Q(waitlist_entry__status=WaitlistEntry.Status.WAITING)


def checked_in_q() -> Q:
    """Checked in (報到) on its admission."""
    from gradadmit.enrolment.models import Admission

    return Q(admission__status=Admission.Status.CHECKED_IN)
