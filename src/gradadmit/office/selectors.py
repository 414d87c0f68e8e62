"""The cycle at a glance: per programme and identity the funnel beside the quotas, and the cycle's daily figures.

Everything is counted in the database with a fixed number of queries whatever the cycle's size: one aggregate
query for every funnel number of every programme (conditional counts; "paid", "documents complete" and "letters
complete" are the completeness rules' SQL form in eligibility/completeness.py), one per chart. Scoped like every
office read: department staff see their programmes only (core/scoping.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncHour
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.choices import Identity
from gradadmit.core.deadlines import calendars_for
from gradadmit.cycles.models import Cycle, Program
from gradadmit.cycles.selectors import cycles_for_staff, programs_for_staff
from gradadmit.eligibility.completeness import documents_complete_q, letters_complete_q, paid_q
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.models import Admission, WaitlistEntry

MAX_DAYS = 120  # the per-day charts show at most this many days (the application window is a few weeks)
UPLOAD_DAYS = 3  # uploads per hour over this many days before the documents deadline


def _steps():
    """(key, label, condition on active applications, list to link to, its query) of each funnel step, in order.

    The links go to the list that can show exactly that number: the review queue filters on identity, paid,
    documents complete and review result. Letters, invitations, admissions and check-ins have no filtered list
    yet: they link to the programme's page of that subject (its count may then differ from the number).
    """
    queue = "eligibility:queue"
    return [
        ("applied", gettext_lazy("Applied"), Q(), queue, {}),
        ("paid", gettext_lazy("Paid"), paid_q(), queue, {"paid": "yes"}),
        ("documents", gettext_lazy("Documents complete"), documents_complete_q(), queue, {"documents": "complete"}),
        ("letters", gettext_lazy("Letters complete"), letters_complete_q(), "recommendations:office_program", None),
        (
            "qualified",
            gettext_lazy("Qualified"),
            Q(review_decision__result=ReviewDecision.Result.QUALIFIED),
            queue,
            {"status": "qualified"},
        ),
        (
            "invited",
            gettext_lazy("Invited to the interview"),
            Q(interview_invitation__isnull=False),
            "scoring:scores",
            None,
        ),
        ("admitted", gettext_lazy("Admitted"), Q(admission__status__in=Admission.HOLDING), "enrolment:board", None),
        (
            "waitlisted",
            gettext_lazy("Waitlisted"),
            Q(waitlist_entry__status=WaitlistEntry.Status.WAITING),
            "enrolment:board",
            None,
        ),
        (
            "checked_in",
            gettext_lazy("Checked in"),
            Q(admission__status=Admission.Status.CHECKED_IN),
            "enrolment:board",
            None,
        ),
    ]


@dataclass
class Step:
    key: str
    label: str
    count: int | None  # None: the step does not apply (letters of a programme asking none)
    url: str
    exact: bool  # the linked list is filtered to exactly this number


@dataclass
class FunnelRow:
    identity: str
    identity_label: str
    quota: int
    waitlist: int
    steps: list[Step]


@dataclass
class ProgramFunnel:
    program: Program
    rows: list[FunnelRow]


@dataclass
class Series:
    label: str
    values: list[int]


@dataclass
class Chart:
    """One chart: x labels (ISO dates or hours), one or more series; also shown as a table."""

    key: str
    title: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    display_labels: list[str] = field(default_factory=list)  # the x labels as people read them (table rows)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "labels": self.display_labels or self.labels,
            "series": [{"label": s.label, "values": s.values} for s in self.series],
        }

    @property
    def table_rows(self) -> list[tuple[str, list[int]]]:
        labels = self.display_labels or self.labels
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(labels)]

    @property
    def is_empty(self) -> bool:
        return not any(any(s.values) for s in self.series)


@dataclass
class Overview:
    cycle: Cycle
    previous: Cycle | None
    programs: list[ProgramFunnel]
    totals: list[Step]
    charts: list[Chart]
    step_labels: list[str]


def cycle_for_overview(user, pk) -> Cycle:
    """A cycle with at least one programme the staff member may see, or 404."""
    return get_object_or_404(cycles_for_staff(user).select_related("cloned_from"), pk=pk)


def cycle_overview(user, cycle: Cycle) -> Overview:
    """The funnel per programme and identity, and the charts, of `cycle` as `user` may see it (fixed queries)."""
    programs = list(programs_for_staff(user).filter(cycle=cycle).select_related(None).order_by("code"))
    steps = _steps()
    counts = _funnel_counts(programs, steps)
    funnels = [_program_funnel(program, steps, counts) for program in programs]
    totals = [
        Step(
            key,
            str(label),
            sum(_count(counts, p.id, identity, key) for p in programs for identity in Identity.values),
            "",
            False,
        )
        for key, label, *_rest in steps
    ]
    previous = cycle.cloned_from
    calendars = calendars_for([c for c in (cycle, previous) if c is not None])
    previous_codes = [p.code for p in programs]
    charts = _daily_charts(cycle, previous, programs, previous_codes, calendars)
    charts.append(_uploads_chart(cycle, programs, calendars[cycle.id]))
    return Overview(
        cycle=cycle,
        previous=previous,
        programs=funnels,
        totals=totals,
        charts=charts,
        step_labels=[str(label) for _key, label, *_rest in steps],
    )


def _funnel_counts(programs, steps) -> dict:
    """{(program id, identity): {step key: count}} in one query."""
    if not programs:
        return {}
    rows = (
        Application.objects.filter(program__in=programs, status=Application.Status.ACTIVE)
        .order_by()
        .values("program_id", "identity")
        .annotate(**{key: Count("id", filter=condition) for key, _label, condition, *_rest in steps})
    )
    return {(row["program_id"], row["identity"]): row for row in rows}


def _count(counts, program_id, identity, key) -> int:
    return counts.get((program_id, identity), {}).get(key, 0)


def _program_funnel(program, steps, counts) -> ProgramFunnel:
    urls = {}
    for _key, _label, _condition, viewname, _query in steps:
        urls.setdefault(viewname, reverse(viewname, args=[program.pk]))
    rows = []
    for identity, identity_label in Identity.choices:
        row_steps = []
        for key, label, _condition, viewname, query in steps:
            count = _count(counts, program.id, identity, key)
            if key == "letters" and program.recommendation_policy == Program.RecommendationPolicy.NONE:
                count = None
            url = urls[viewname]
            if query is not None:
                url += "?" + urlencode({"identity": identity, **query})
            row_steps.append(Step(key, str(label), count, url, query is not None))
        rows.append(
            FunnelRow(
                identity=identity,
                identity_label=str(identity_label),
                quota=program.quota_for(identity),
                waitlist=program.waitlist_in_service if identity == Identity.IN_SERVICE else program.waitlist_general,
                steps=row_steps,
            )
        )
    return ProgramFunnel(program=program, rows=rows)


# --- Charts --------------------------------------------------------------------------------------------------


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date()


def _day_range(start: date | None, end: date | None, seen: list[date]) -> list[date]:
    """The days to show: the application window (up to today), widened to the days that have figures."""
    today = _local_date(clock.now())
    first = min([d for d in [start, *seen] if d is not None], default=today)
    last = max([d for d in [min(end, today) if end else None, *seen] if d is not None], default=today)
    last = max(last, first)
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _scope_q(prefix: str, cycle, programs, previous, previous_codes) -> Q:
    """This cycle's programmes in scope, and the previous cycle's programmes of the same codes."""
    condition = Q(**{f"{prefix}__in": programs})
    if previous is not None:
        condition |= Q(**{f"{prefix}__cycle": previous, f"{prefix}__code__in": previous_codes})
    return condition


def _daily_charts(cycle, previous, programs, previous_codes, calendars) -> list[Chart]:
    """Applications and payments per day, with the previous cycle's on the same day of its application window."""
    applications = (
        Application.objects.filter(
            _scope_q("program", cycle, programs, previous, previous_codes), status=Application.Status.ACTIVE
        )
        .order_by()
        .values("program__cycle_id", day=TruncDate("applied_at"))
        .annotate(n=Count("id"))
    )
    from gradadmit.fees.models import Payment

    payments = (
        Payment.objects.filter(
            _scope_q("charge__application__program", cycle, programs, previous, previous_codes), amount__gt=0
        )
        .order_by()
        .values(cycle_id=F("charge__application__program__cycle_id"), day=TruncDate("received_at"))
        .annotate(n=Count("id"))
    )
    by_cycle = {"applications": {}, "payments": {}}
    for row in applications:
        by_cycle["applications"].setdefault(row["program__cycle_id"], {})[row["day"]] = row["n"]
    for row in payments:
        by_cycle["payments"].setdefault(row["cycle_id"], {})[row["day"]] = row["n"]

    def window_start(c):
        window = calendars[c.id].window("application") if c is not None else None
        return _local_date(window.starts_at) if window else None

    window = calendars[cycle.id].window("application")
    start = window_start(cycle)
    end = _local_date(window.ends_at) if window and window.ends_at else None
    seen = [d for kind in by_cycle.values() for d in kind.get(cycle.id, {})]
    days = _day_range(start, end, seen)
    offset = None
    if previous is not None:
        previous_start = window_start(previous)
        if start and previous_start:
            offset = previous_start - start  # the previous cycle's day matching each of this cycle's days
    charts = []
    titles = {
        "applications": (_("Applications per day"), _("Applications")),
        "payments": (_("Payments per day"), _("Payments")),
    }
    for kind, (title, series_label) in titles.items():
        this = by_cycle[kind].get(cycle.id, {})
        chart = Chart(
            key=kind,
            title=title,
            labels=[d.isoformat() for d in days],
            display_labels=[_short_date(d) for d in days],
            series=[Series(f"{series_label}: {cycle.name}", [this.get(d, 0) for d in days])],
        )
        if offset is not None:
            before = by_cycle[kind].get(previous.id, {})
            chart.series.append(
                Series(
                    _("%(what)s: %(cycle)s (same day of its application window)")
                    % {"what": series_label, "cycle": previous.name},
                    [before.get(d + offset, 0) for d in days],
                )
            )
        charts.append(chart)
    return charts


def _uploads_chart(cycle, programs, calendar) -> Chart:
    """Uploads (every version) per hour over the last days before the documents deadline, up to now."""
    from gradadmit.documents.models import Document

    title = _("Uploads per hour before the documents deadline")
    window = calendar.window("documents")
    if window is None or window.ends_at is None:
        return Chart(key="uploads", title=title, labels=[])
    start = window.ends_at - timedelta(days=UPLOAD_DAYS)
    end = min(window.ends_at, clock.now())  # hours still to come are not drawn as zeros
    if end < start:
        return Chart(key="uploads", title=title, labels=[])
    rows = (
        Document.objects.filter(application__program__in=programs, uploaded_at__gte=start, uploaded_at__lte=end)
        .order_by()
        .values(hour=TruncHour("uploaded_at"))
        .annotate(n=Count("id"))
    )
    counts = {timezone.localtime(row["hour"]).replace(minute=0, second=0, microsecond=0): row["n"] for row in rows}
    first = timezone.localtime(start).replace(minute=0, second=0, microsecond=0)
    hours = []
    at = first
    while at <= end:
        hours.append(at)
        at += timedelta(hours=1)
    return Chart(
        key="uploads",
        title=title,
        labels=[h.isoformat() for h in hours],
        display_labels=[f"{_short_date(h.date())} {h:%H}:00" for h in hours],
        series=[Series(_("Uploads"), [counts.get(h, 0) for h in hours])],
    )


def _short_date(day: date) -> str:
    return f"{day.month}/{day.day}"
