"""The applicant's checklist: apps register providers; the dashboard knows only this registry.

A provider is a function taking a list of one applicant's applications (already
fetched, with programme and cycle) and a ChecklistContext (what the dashboard
has loaded once: the applicant, the profile, the calendars), and returning
{application.id: [ChecklistRow, ...]}. It must run a fixed number of queries
whatever the number of applications, so the 考生專區 page costs the same for
one application or ten.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class RowStatus(StrEnum):
    DONE = "done"
    PENDING = "pending"  # not done yet, still possible
    MISSING = "missing"  # not done and the deadline has passed, or blocking
    NOT_REQUIRED = "not_required"
    INFO = "info"


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
    def is_done(self) -> bool:
        return self.status in (RowStatus.DONE, RowStatus.NOT_REQUIRED, RowStatus.INFO) or not self.blocking


@dataclass(frozen=True)
class ChecklistContext:
    """What the dashboard loaded once and shares with every provider."""

    user: Any
    profile: Any  # ApplicantProfile or None
    calendars: dict  # cycle id -> CycleCalendar
    scope: str  # deadline scope of the applicant (core.deadlines.scope_for)


@dataclass
class ChecklistRegistry:
    providers: list = field(default_factory=list)

    def register(self, provider):
        if provider not in self.providers:
            self.providers.append(provider)
        return provider

    def rows_for(self, applications, context: ChecklistContext) -> dict[int, list[ChecklistRow]]:
        rows: dict[int, list[ChecklistRow]] = {application.id: [] for application in applications}
        if not applications:
            return rows
        for provider in self.providers:
            for application_id, provided in provider(applications, context).items():
                rows[application_id].extend(provided)
        for application_id in rows:
            rows[application_id].sort(key=lambda row: row.order)
        return rows


checklist_registry = ChecklistRegistry()
