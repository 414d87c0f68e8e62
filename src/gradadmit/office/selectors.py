"""The cycle at a glance: per programme and identity the funnel beside the quotas, and the cycle's daily figures.

Everything is counted in the database with a fixed number of queries whatever the cycle's size: one aggregate
query for every funnel number of every programme (conditional counts with the SQL rules of eligibility/completeness.py,
the same conditions the review queue filters on, which each number links to), one per chart. Scoped like every
office read: department staff see their programmes only (core/scoping.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
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
from gradadmit.eligibility.completeness import (
    admitted_q,
    checked_in_q,
    documents_complete_q,
    invited_q,
    letters_complete_q,
    paid_q,
    waitlisted_q,
)
from gradadmit.eligibility.selectors import STATUS_FILTERS

MAX_DAYS = 120  # the per-day charts show at most this many days (the application window is a few weeks)
UPLOAD_DAYS = 3  # uploads per hour over this many days before the documents deadline


QUEUE = "eligibility:queue"
# (key, label, its filters on the review queue) of each funnel step, in order. Every step links to the programme's
# review queue filtered to the identity of the row and to exactly that step, with the same conditions (the queue's
# filters are eligibility/completeness.py's SQL rules): the queue lists as many applications as the number says.
STEPS = [
    ("applied", gettext_lazy("Applied"), {}),
    ("paid", gettext_lazy("Paid"), {"paid": "yes"}),
    ("documents", gettext_lazy("Documents complete"), {"documents": "complete"}),
    ("letters", gettext_lazy("Letters complete"), {"letters": "complete"}),
    ("qualified", gettext_lazy("Qualified"), {"status": "qualified"}),
    ("invited", gettext_lazy("Invited to the interview"), {"invited": "yes"}),
    ("admitted", gettext_lazy("Admitted"), {"outcome": "admitted"}),
    ("waitlisted", gettext_lazy("Waitlisted"), {"outcome": "waitlisted"}),
    ("checked_in", gettext_lazy("Checked in"), {"outcome": "checked_in"}),
]


def _conditions() -> dict[str, Q]:
    """Each step's condition on active applications: the rules' SQL form, the same the review queue filters on."""
    return {
        "applied": Q(),
        "paid": paid_q(),
        "documents": documents_complete_q(),
        "letters": letters_complete_q(),
        "qualified": STATUS_FILTERS["qualified"],
        "invited": invited_q(),
        "admitted": admitted_q(),
        "waitlisted": waitlisted_q(),
        "checked_in": checked_in_q(),
    }


@dataclass
class Step:
    key: str
    label: str
    count: int | None  # None: the step does not apply (letters of a programme asking none)
    url: str  # the review queue filtered to exactly this number


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
    url: str = ""  # the programme's applications


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
    counted_at: datetime | None = None


def cycle_for_overview(user, pk) -> Cycle:
    """A cycle with at least one programme the staff member may see, or 404."""
    return get_object_or_404(cycles_for_staff(user).select_related("cloned_from"), pk=pk)


def cycle_overview(user, cycle: Cycle) -> Overview:
    """The funnel per programme and identity, and the charts, of `cycle` as `user` may see it (fixed queries).

    The figures are counted once per GRADADMIT_OVERVIEW_CACHE_SECONDS for the same cycle and the same programmes
    (the key holds the programme ids, so a department never reads figures counted for a wider scope).
    """
    programs = list(programs_for_staff(user).filter(cycle=cycle).select_related(None).order_by("code"))
    previous = cycle.cloned_from
    seconds = settings.GRADADMIT_OVERVIEW_CACHE_SECONDS
    key = f"office:overview:{cycle.pk}:{previous.pk if previous else 0}:{','.join(str(p.pk) for p in programs)}"
    figures = cache.get(key) if seconds else None
    if figures is None:
        figures = _figures(cycle, previous, programs)
        if seconds:
            cache.set(key, figures, seconds)
    counts = figures["funnel"]
    labels = {key: str(label) for key, label, *_rest in STEPS}
    labels["identities"] = [(identity, str(label)) for identity, label in Identity.choices]
    labels["queries"] = {
        (identity, key): urlencode({"identity": identity, **params})
        for identity in Identity.values
        for key, _label, params in STEPS
    }
    totals = [Step(key, labels[key], sum(row.get(key, 0) for row in counts.values()), "") for key, *_rest in STEPS]
    return Overview(
        cycle=cycle,
        previous=previous,
        programs=[_program_funnel(program, labels, counts) for program in programs],
        totals=totals,
        charts=[*_daily_charts(cycle, previous, figures), _uploads_chart(figures)],
        step_labels=[labels[key] for key, *_rest in STEPS],
        counted_at=figures["counted_at"],
    )


def _figures(cycle, previous, programs) -> dict:
    """Every number of the page, counted in the database: plain data (cached as it is)."""
    calendars = calendars_for([c for c in (cycle, previous) if c is not None])
    application = calendars[cycle.id].window("application")
    previous_application = calendars[previous.id].window("application") if previous is not None else None
    documents = calendars[cycle.id].window("documents")
    return {
        "counted_at": clock.now(),
        "funnel": _funnel_counts(programs),
        "daily": _daily_counts(cycle, previous, programs),
        "application_start": _local_date(application.starts_at) if application else None,
        "application_end": _local_date(application.ends_at) if application and application.ends_at else None,
        "previous_start": _local_date(previous_application.starts_at) if previous_application else None,
        "uploads": _upload_counts(programs, documents.ends_at if documents else None),
    }


def _funnel_counts(programs) -> dict:
    """{(program id, identity): {step key: count}} in one query."""
    if not programs:
        return {}
    rows = (
        Application.objects.filter(program__in=programs, status=Application.Status.ACTIVE)
        .order_by()
        .values("program_id", "identity")
        .annotate(**{key: Count("id", filter=condition) for key, condition in _conditions().items()})
    )
    return {(row["program_id"], row["identity"]): row for row in rows}


def _program_funnel(program, labels, counts) -> ProgramFunnel:
    """Rows of one programme; the queue's URL from one reverse(), labels translated once per page (`labels`)."""
    queue = reverse(QUEUE, args=[program.pk])
    no_letters = program.recommendation_policy == Program.RecommendationPolicy.NONE
    rows = []
    for identity, identity_label in labels["identities"]:
        mine = counts.get((program.id, identity), {})
        row_steps = []
        for key, *_rest in STEPS:
            count = None if key == "letters" and no_letters else mine.get(key, 0)
            row_steps.append(Step(key, labels[key], count, f"{queue}?{labels['queries'][identity, key]}"))
        rows.append(
            FunnelRow(
                identity=identity,
                identity_label=identity_label,
                quota=program.quota_for(identity),
                waitlist=program.waitlist_in_service if identity == Identity.IN_SERVICE else program.waitlist_general,
                steps=row_steps,
            )
        )
    return ProgramFunnel(program=program, rows=rows, url=reverse("office:program_applications", args=[program.pk]))


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


def _scope_q(prefix: str, programs, previous, previous_codes) -> Q:
    """This cycle's programmes in scope, and the previous cycle's programmes of the same codes."""
    condition = Q(**{f"{prefix}__in": programs})
    if previous is not None:
        condition |= Q(**{f"{prefix}__cycle": previous, f"{prefix}__code__in": previous_codes})
    return condition


def _daily_counts(cycle, previous, programs) -> dict:
    """{"applications" | "payments": {cycle id: {local date: count}}}: two queries, both cycles in each."""
    from gradadmit.fees.models import Payment

    previous_codes = [p.code for p in programs]
    applications = (
        Application.objects.filter(
            _scope_q("program", programs, previous, previous_codes), status=Application.Status.ACTIVE
        )
        .order_by()
        .values("program__cycle_id", day=TruncDate("applied_at"))
        .annotate(n=Count("id"))
    )
    payments = (
        Payment.objects.filter(
            _scope_q("charge__application__program", programs, previous, previous_codes), amount__gt=0
        )
        .order_by()
        .values(cycle_id=F("charge__application__program__cycle_id"), day=TruncDate("received_at"))
        .annotate(n=Count("id"))
    )
    daily = {"applications": {}, "payments": {}}
    for row in applications:
        daily["applications"].setdefault(row["program__cycle_id"], {})[row["day"]] = row["n"]
    for row in payments:
        daily["payments"].setdefault(row["cycle_id"], {})[row["day"]] = row["n"]
    return daily


def _daily_charts(cycle, previous, figures) -> list[Chart]:
    """Applications and payments per day, with the previous cycle's on the same day of its application window."""
    daily, start = figures["daily"], figures["application_start"]
    seen = [d for kind in daily.values() for d in kind.get(cycle.id, {})]
    days = _day_range(start, figures["application_end"], seen)
    offset = None
    if previous is not None and start and figures["previous_start"]:
        offset = figures["previous_start"] - start  # the previous cycle's day matching each of this cycle's days
    charts = []
    titles = {
        "applications": (_("Applications per day"), _("Applications")),
        "payments": (_("Payments per day"), _("Payments")),
    }
    for kind, (title, series_label) in titles.items():
        this = daily[kind].get(cycle.id, {})
        chart = Chart(
            key=kind,
            title=title,
            labels=[d.isoformat() for d in days],
            display_labels=[_short_date(d) for d in days],
            series=[Series(f"{series_label}: {cycle.name}", [this.get(d, 0) for d in days])],
        )
        if offset is not None:
            before = daily[kind].get(previous.id, {})
            chart.series.append(
                Series(
                    _("%(what)s: %(cycle)s (same day of its application window)")
                    % {"what": series_label, "cycle": previous.name},
                    [before.get(d + offset, 0) for d in days],
                )
            )
        charts.append(chart)
    return charts


def _upload_counts(programs, deadline) -> dict | None:
    """Uploads (every version) per local hour over the last days before the documents deadline, up to now."""
    from gradadmit.documents.models import Document

    if deadline is None:
        return None
    start = deadline - timedelta(days=UPLOAD_DAYS)
    end = min(deadline, clock.now())  # hours still to come are not drawn as zeros
    if end < start:
        return None
    rows = (
        Document.objects.filter(application__program__in=programs, uploaded_at__gte=start, uploaded_at__lte=end)
        .order_by()
        .values(hour=TruncHour("uploaded_at"))
        .annotate(n=Count("id"))
    )
    counts = {_hour(row["hour"]): row["n"] for row in rows}
    return {"start": start, "end": end, "counts": counts}


def _hour(value: datetime) -> datetime:
    return timezone.localtime(value).replace(minute=0, second=0, microsecond=0)


def _uploads_chart(figures) -> Chart:
    title = _("Uploads per hour before the documents deadline")
    uploads = figures["uploads"]
    if uploads is None:
        return Chart(key="uploads", title=title, labels=[])
    hours, at = [], _hour(uploads["start"])
    while at <= uploads["end"]:
        hours.append(at)
        at += timedelta(hours=1)
    return Chart(
        key="uploads",
        title=title,
        labels=[h.isoformat() for h in hours],
        display_labels=[f"{_short_date(h.date())} {h:%H}:00" for h in hours],
        series=[Series(_("Uploads"), [uploads["counts"].get(h, 0) for h in hours])],
    )


def _short_date(day: date) -> str:
    return f"{day.month}/{day.day}"
