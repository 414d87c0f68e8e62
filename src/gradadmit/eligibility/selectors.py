"""Reads of eligibility decisions: the staff review queue (scoped), one application's review, open supplements."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404

from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applications_for_staff, dashboard_for
from gradadmit.core import clock
from gradadmit.core.models import AuditEntry
from gradadmit.core.prepared import Param, prepared
from gradadmit.documents.selectors import applicable_requirements
from gradadmit.eligibility import rules
from gradadmit.eligibility.completeness import (
    DOCUMENTS_KEY,
    FEE_KEY,
    admitted_q,
    checked_in_q,
    completeness_for_staff,
    completeness_from_rows,
    invited_q,
    letters_complete_q,
    waitlisted_q,
)
from gradadmit.eligibility.models import ReviewDecision

QUEUE_PAGE_SIZE = 50
QUEUE_KEYS = frozenset({FEE_KEY, DOCUMENTS_KEY})  # the queue shows and filters on these rows only
Result = ReviewDecision.Result


def open_supplement(application, requirement, *, at=None) -> ReviewDecision | None:
    """The decision allowing `application` to upload `requirement` again now, or None.

    Only while the decision asks for a supplement, until its deadline, and for the named items only.
    documents.services.upload_document asks this before refusing an upload after the documents deadline.
    """
    at = at or clock.now()
    return (
        ReviewDecision.objects.filter(
            application_id=application.pk,
            result=Result.SUPPLEMENT,
            supplement_until__gte=at,
            supplement_items=requirement,
        )
        .order_by()
        .first()
    )


_SUPPLEMENT_ITEMS = prepared(
    lambda: ReviewDecision.supplement_items.through.objects.filter(
        reviewdecision__application_id=Param("application"),
        reviewdecision__result=Result.SUPPLEMENT,
        reviewdecision__supplement_until__gte=Param("at", models.DateTimeField()),
    ).values_list("documentrequirement_id", flat=True)
)


def supplement_items(application, *, at=None) -> set[int]:
    """Requirement ids the application may upload now under an open supplement request (one query)."""
    return set(_SUPPLEMENT_ITEMS(application=application.pk, at=at or clock.now()))


def decision_of(application) -> ReviewDecision | None:
    return ReviewDecision.objects.filter(application=application).prefetch_related("supplement_items").first()


def application_for_review(user, pk) -> Application:
    """An application of the staff member's programmes, or 404."""
    return get_object_or_404(applications_for_staff(user), pk=pk)


def applications_for_review(user, pk_list):
    return applications_for_staff(user).filter(pk__in=pk_list, status=Application.Status.ACTIVE)


# --- The review queue ----------------------------------------------------------------

STATUS_FILTERS = {
    "pending": Q(review_decision__isnull=True) | Q(review_decision__result=Result.PENDING),
    "supplement": Q(review_decision__result=Result.SUPPLEMENT),
    "committee": Q(review_decision__result=Result.COMMITTEE),
    "qualified": Q(review_decision__result=Result.QUALIFIED),
    "not_qualified": Q(review_decision__result=Result.NOT_QUALIFIED),
}
BASIS_FILTERS = {
    "graduated": Q(applicant__profile__education_status="graduated"),
    "expected": Q(applicant__profile__education_status="expected"),
    "equivalent": Q(applicant__profile__education_status="equivalent") & ~Q(applicant__profile__equivalent_article=7),
    "article7": Q(applicant__profile__education_status="equivalent", applicant__profile__equivalent_article=7),
}
# The later funnel steps, the same conditions the cycle overview counts (eligibility/completeness.py): built when
# used, since they read other apps' models.
LETTERS_FILTERS = {"complete": letters_complete_q, "missing": lambda: ~letters_complete_q()}
INVITED_FILTERS = {"yes": invited_q, "no": lambda: ~invited_q()}
OUTCOME_FILTERS = {"admitted": admitted_q, "waitlisted": waitlisted_q, "checked_in": checked_in_q}
# Each filter of the queue: the values it accepts.
FILTER_VALUES = {
    "status": STATUS_FILTERS,
    "paid": {"yes", "no"},
    "documents": {"complete", "incomplete"},
    "letters": LETTERS_FILTERS,
    "identity": {"general", "in_service"},
    "basis": BASIS_FILTERS,
    "invited": INVITED_FILTERS,
    "outcome": OUTCOME_FILTERS,
}
# The queue's sortable columns (?sort=key, ?sort=-key for the other way): the fields each orders by. The default is
# the order of application ("number"); every order ends with the id, so pages never share or skip a row.
QUEUE_SORTS = {
    "number": ("applied_at",),
    "name": ("applicant__profile__name_zh",),
    "identity": ("identity",),
    "basis": ("applicant__profile__education_status", "applicant__profile__equivalent_article"),
    "review": ("review_decision__result",),
}
SORT_VALUES = {f"{prefix}{key}" for key in QUEUE_SORTS for prefix in ("", "-")}


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    paid: str = ""  # "yes" / "no"
    documents: str = ""  # "complete" / "incomplete"
    identity: str = ""
    basis: str = ""
    letters: str = ""  # "complete" / "missing"
    invited: str = ""  # "yes" / "no"
    outcome: str = ""  # "admitted" / "waitlisted" / "checked_in"
    sort: str = ""  # a QUEUE_SORTS key, "-" first for the other way; "" is the order of application

    @classmethod
    def from_query(cls, query) -> "QueueFilters":
        """The filters and sort the URL sets; a value the queue does not know is left out (see `unknown_values`)."""
        return cls(
            **{name: query.get(name, "") for name, allowed in _ALLOWED.items() if query.get(name, "") in allowed}
        )

    @staticmethod
    def unknown_values(query) -> list[tuple[str, str]]:
        """(filter, value) of each value in the URL that the queue does not know (a stale or hand-edited URL)."""
        return [
            (name, query[name])
            for name, allowed in _ALLOWED.items()
            if query.get(name, "") and query[name] not in allowed
        ]

    def ordering(self) -> list:
        key, descending = self.sort.lstrip("-"), self.sort.startswith("-")
        fields = QUEUE_SORTS.get(key, QUEUE_SORTS["number"])
        order = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in fields]
        return [*order, "-id" if descending and key in ("", "number") else "id"]

    @property
    def needs_rows_for_all(self) -> bool:
        return bool(self.paid or self.documents)

    @property
    def in_sql(self) -> bool:
        """Whether a filter applied in SQL is set (the programme's total is then not the list's count)."""
        return bool(self.status or self.identity or self.basis or self.letters or self.invited or self.outcome)

    def as_query(self, **changes) -> str:
        """The filters and sort as a query string (without "?"), with `changes` applied."""
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in {**self.__dict__, **changes}.items() if v})


_ALLOWED = {**FILTER_VALUES, "sort": SORT_VALUES}


@dataclass
class QueueRow:
    application: Application
    decision: ReviewDecision | None
    completeness: object

    @property
    def result(self) -> str:
        return self.decision.result if self.decision else Result.PENDING

    @property
    def version(self) -> int:
        return self.decision.version if self.decision else 0


@dataclass
class ReviewQueue:
    rows: list[QueueRow]
    page: object
    counts: dict = field(default_factory=dict)
    filters: QueueFilters = field(default_factory=QueueFilters)


def _decision(application):
    try:
        return application.review_decision
    except ReviewDecision.DoesNotExist:
        return None


def status_counts(user, program) -> dict:
    """Active applications of the programme by review result, one query."""
    aggregates = {name: Count("id", filter=q) for name, q in STATUS_FILTERS.items()}
    return (
        applications_for_staff(user)
        .filter(program=program, status=Application.Status.ACTIVE)
        .aggregate(total=Count("id"), **aggregates)
    )


def _with_program(applications, program) -> list:
    """The applications, each pointing at the same programme object (one programme: loaded once by the caller)."""
    applications = list(applications)
    for application in applications:
        application.program = program
    return applications


def _queue_queryset(user, program, filters: QueueFilters):
    """The programme's active applications with profile and decision, and the filters applied in SQL (all but two)."""
    queryset = (
        applications_for_staff(user)
        .filter(program=program, status=Application.Status.ACTIVE)
        .select_related(None)  # the programme (and cycle) is the one given: not joined and built again per row
        .select_related("applicant__profile", "review_decision")
        # No list of the queue shows an ID or passport number: left encrypted in the database (each costs a
        # decryption a row when loaded).
        .defer("applicant__profile__national_id", "applicant__profile__passport_number")
        .order_by(*filters.ordering())
    )
    if filters.status:
        queryset = queryset.filter(STATUS_FILTERS[filters.status])
    if filters.identity:
        queryset = queryset.filter(identity=filters.identity)
    if filters.basis:
        queryset = queryset.filter(BASIS_FILTERS[filters.basis])
    if filters.letters:
        queryset = queryset.filter(LETTERS_FILTERS[filters.letters]())
    if filters.invited:
        queryset = queryset.filter(INVITED_FILTERS[filters.invited]())
    if filters.outcome:
        queryset = queryset.filter(OUTCOME_FILTERS[filters.outcome]())
    return queryset


def _all_with_completeness(queryset, program, filters: QueueFilters):
    """Every application of the queryset that passes the "paid" and "documents" filters, with the checklist states."""
    applications = _with_program(queryset, program)
    completeness = completeness_for_staff(
        applications, {a.id: _decision(a) for a in applications}, details=False, keys=QUEUE_KEYS
    )

    def keep(application):
        # No row from an app (e.g. no fee app installed) counts as done.
        state = completeness[application.id]
        paid_ok = not filters.paid or (state.paid is not False) == (filters.paid == "yes")
        documents_ok = not filters.documents or (state.documents_complete is not False) == (
            filters.documents == "complete"
        )
        return paid_ok and documents_ok

    return [a for a in applications if keep(a)], completeness


def review_queue(user, program, filters: QueueFilters, page_number=1) -> ReviewQueue:
    """One page of the programme's active applications with their decision and completeness.

    A fixed number of queries whatever the page length: filters on the decision, identity, basis, letters,
    interview invitation and ranking outcome are SQL; "paid" and "documents complete" come from the checklist rows, computed for the page only, or for
    every application of the programme when one of those two filters is set.
    """
    queryset = _queue_queryset(user, program, filters)
    if filters.needs_rows_for_all:
        applications, completeness = _all_with_completeness(queryset, program, filters)
        page = Paginator(applications, QUEUE_PAGE_SIZE).get_page(page_number)
    else:
        counts = status_counts(user, program)
        paginator = Paginator(queryset, QUEUE_PAGE_SIZE)
        if not filters.in_sql:
            paginator.count = counts["total"]  # the same count: no second COUNT query
        page = paginator.get_page(page_number)
        on_page = _with_program(page.object_list, program)
        completeness = completeness_for_staff(
            on_page, {a.id: _decision(a) for a in on_page}, details=False, keys=QUEUE_KEYS
        )
        rows = [QueueRow(a, _decision(a), completeness.get(a.id)) for a in on_page]
        return ReviewQueue(rows=rows, page=page, counts=counts, filters=filters)
    rows = [QueueRow(a, _decision(a), completeness.get(a.id)) for a in page.object_list]
    return ReviewQueue(rows=rows, page=page, counts=status_counts(user, program), filters=filters)


def queue_rows_for_export(user, program, filters: QueueFilters) -> list[QueueRow]:
    """Every row of the queue the filters select (no page), with who decided, in a fixed number of queries."""
    queryset = _queue_queryset(user, program, filters).select_related("review_decision__decided_by")
    applications, completeness = _all_with_completeness(queryset, program, filters)
    return [QueueRow(a, _decision(a), completeness.get(a.id)) for a in applications]


# --- One application's review ---------------------------------------------------------


@dataclass
class ReviewContext:
    application: Application
    profile: object
    decision: ReviewDecision | None
    completeness: object
    requirements: list
    documents: list
    in_service_problems: list[str]
    needs_committee: bool
    history: list


def review_context(application) -> ReviewContext:
    """What a reviewer sees for one application (already scoped by application_for_review)."""
    from gradadmit.documents.models import Document

    profile = getattr(application.applicant, "profile", None)
    decision = decision_of(application)
    requirements = applicable_requirements(application, profile)
    documents = list(Document.objects.filter(application=application, is_current=True).select_related("requirement"))
    completeness = completeness_for_staff([application], {application.id: decision}).get(application.id)
    history = []
    if decision is not None:
        history = list(
            AuditEntry.objects.filter(target_type="eligibility.reviewdecision", target_id=str(decision.pk))
            .select_related("actor")
            .order_by("-created_at", "-id")[:20]
        )
    return ReviewContext(
        application=application,
        profile=profile,
        decision=decision,
        completeness=completeness,
        requirements=requirements,
        documents=documents,
        in_service_problems=in_service_problems(application, profile, requirements, documents),
        needs_committee=rules.needs_committee(
            education_status=getattr(profile, "education_status", ""),
            equivalent_article=getattr(profile, "equivalent_article", None),
        ),
        history=history,
    )


def in_service_problems(application, profile, requirements, documents) -> list[str]:
    """The in-service check: employer, one year of service, and the service certificate item uploaded.

    The certificate is the programme's item given by in-service applicants only; a programme without
    such an item is not checked for it.
    """
    certificate_items = {r.pk for r in requirements if r.applies_to == r.AppliesTo.IN_SERVICE}
    uploaded = {d.requirement_id for d in documents}
    return rules.in_service_problems(
        identity=application.identity,
        employer=getattr(profile, "employer", ""),
        service_years=getattr(profile, "service_years", None),
        has_certificate=certificate_items <= uploaded,
    )


def qualification_problems(application) -> list[str]:
    """What blocks a "qualified" decision now (the service asks this inside its transaction)."""
    from gradadmit.documents.models import Document

    profile = getattr(application.applicant, "profile", None)
    if application.identity != "in_service":
        return []
    requirements = applicable_requirements(application, profile)
    documents = list(Document.objects.filter(application=application, is_current=True))
    return in_service_problems(application, profile, requirements, documents)


# --- The applicant's side --------------------------------------------------------------


def applicant_review(user, profile, application):
    """The applicant's own review result and completeness, from the same checklist as 考生專區."""
    item = dashboard_for([application], user, profile)[0]
    decision = decision_of(application)
    return item, completeness_from_rows(item["rows"], decision)
