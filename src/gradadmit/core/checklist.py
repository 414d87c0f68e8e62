"""The applicant's checklist: apps register providers; the dashboard knows only this registry.

A provider is a function taking a list of one applicant's applications (already
fetched, with programme and cycle) and a ChecklistContext (what the dashboard
has loaded once: the applicant, the profile, the calendars), and returning
{application.id: [ChecklistRow, ...]}. It must run a fixed number of queries
whatever the number of applications, so the 考生專區 page costs the same for
one application or ten.

When `context.details` is False (staff lists that only need done / not done for many
applications), a provider may leave `detail` and `url` empty: only key, order, status and
blocking are read. Providers should build URLs with `url_for` (one reverse() per call) and
translate constant labels once per call, not once per application.

A provider may declare the row keys it gives (`@checklist_registry.register(keys=("fees",))`), so a
caller that needs only some rows (`rows_for(..., keys={"fees"})`) skips the other providers and their
queries. Providers that declare nothing always run.

A provider reading a one-to-one row of the application (its review decision, ticket, admission) may
declare it (`register(related=("review_decision",))`): a caller that loads the applications itself adds
`checklist_registry.related()` to its select_related, and the provider reads the joined rows with
`preloaded()` instead of running its own query (it still queries when the caller did not join them).
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from gradadmit.core.templatetags.cached_urls import cached_reverse

_PK_PLACEHOLDER = 2_147_483_647  # an id no real row has; replaced by each application's id


class RowStatus(StrEnum):
    DONE = "done"
    PENDING = "pending"  # not done yet, still possible
    MISSING = "missing"  # not done and the deadline has passed, or blocking
    NOT_REQUIRED = "not_required"
    INFO = "info"


STATUS_LABELS = {
    RowStatus.DONE: gettext_lazy("Done"),
    RowStatus.PENDING: gettext_lazy("To do"),
    RowStatus.MISSING: gettext_lazy("Missing"),
    RowStatus.NOT_REQUIRED: gettext_lazy("Not required"),
    RowStatus.INFO: gettext_lazy("Info"),
}


@dataclass(frozen=True)
class ChecklistRow:
    key: str
    order: int
    label: str
    status: RowStatus
    detail: str = ""
    deadline: datetime | None = None
    url: str = ""
    blocking: bool = True  # counts towards "complete" when required

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_done(self) -> bool:
        return self.status in (RowStatus.DONE, RowStatus.NOT_REQUIRED, RowStatus.INFO) or not self.blocking


@dataclass(frozen=True)
class ChecklistContext:
    """What the dashboard loaded once and shares with every provider."""

    user: Any
    profile: Any  # ApplicantProfile or None
    calendars: dict  # cycle id -> CycleCalendar
    scope: str  # deadline scope of the applicant (core.deadlines.scope_for)
    details: bool = True  # False: only the status of each row is read (no detail, no url needed)


def url_for(viewname: str):
    """A function pk -> reverse(viewname, args=[pk]), with one path per process instead of a reverse() per pk
    (the pattern is cached_reverse()'s: 考生專區 asks for about ten of them, each reverse() about 30 µs)."""
    placeholder = str(_PK_PLACEHOLDER)
    pattern = cached_reverse(viewname, (_PK_PLACEHOLDER,))
    if pattern.count(placeholder) != 1:  # cannot happen with an <int:pk> route; fall back to reverse()
        return lambda pk: reverse(viewname, args=[pk])
    before, after = pattern.split(placeholder)
    return lambda pk: f"{before}{pk}{after}"


@dataclass
class ChecklistRegistry:
    providers: list = field(default_factory=list)

    def register(self, provider=None, *, keys=None, related=()):
        """Register a provider; as `@register` or `@register(keys=(...), related=(...))`.

        `keys`: the row keys it gives; `related`: select_related paths from Application it can read joined.
        """
        if provider is None:
            return lambda provider: self.register(provider, keys=keys, related=related)
        if keys is not None:
            provider.checklist_keys = frozenset(keys)
        provider.checklist_related = tuple(related)
        if provider not in self.providers:
            self.providers.append(provider)
        return provider

    def related(self) -> list[str]:
        """The select_related paths every provider can use, for the query loading the applications."""
        return sorted({path for provider in self.providers for path in getattr(provider, "checklist_related", ())})

    def rows_for(self, applications, context: ChecklistContext, *, keys=None) -> dict[int, list[ChecklistRow]]:
        """Rows of every provider; with `keys`, only of the providers giving one of those keys (or undeclared)."""
        rows: dict[int, list[ChecklistRow]] = {application.id: [] for application in applications}
        if not applications:
            return rows
        for provider in self.providers:
            declared = getattr(provider, "checklist_keys", None)
            if keys is not None and declared is not None and not declared & keys:
                continue
            for application_id, provided in provider(applications, context).items():
                rows[application_id].extend(provided)
        for application_id in rows:
            rows[application_id].sort(key=lambda row: row.order)
        return rows


checklist_registry = ChecklistRegistry()


def preloaded(instances, accessor: str) -> dict[int, Any] | None:
    """{instance pk: its one-to-one row `accessor` or None} when every instance has it joined, else None.

    `accessor` is a reverse one-to-one name (an application's "review_decision", a programme's "publication")
    that the caller may have put in select_related; None tells the provider to run its own query.
    """
    if not instances:
        return {}
    relation = instances[0]._meta.get_field(accessor)
    if not all(relation.is_cached(instance) for instance in instances):
        return None
    return {instance.pk: relation.get_cached_value(instance) for instance in instances}
