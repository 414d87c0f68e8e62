"""When a cycle ends and when its retention period is over: the rule that lets the office anonymise it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gradadmit.privacy.models import retention_days_of


@dataclass(frozen=True)
class Retention:
    days: int
    ends_at: datetime | None  # the cycle's last calendar step; None: no calendar yet (never ended)
    keep_until: datetime | None  # the end of the retention period
    refusal: str  # why anonymisation is refused now; empty: allowed

    @property
    def allowed(self) -> bool:
        return not self.refusal


def cycle_ends_at(cycle) -> datetime | None:
    """The end of the cycle's last calendar step (its start when the step has no end)."""
    return cycle.milestones.aggregate(end=Max(Coalesce("ends_at", "starts_at")))["end"]


def retention_for(cycle, *, now: datetime) -> Retention:
    days = retention_days_of(cycle)
    ends_at = cycle_ends_at(cycle)
    if ends_at is None or ends_at > now:
        return Retention(days, ends_at, None, _("The cycle has not ended: its calendar still has steps to come."))
    keep_until = ends_at + timedelta(days=days)
    if keep_until > now:
        return Retention(
            days,
            ends_at,
            keep_until,
            _("The cycle is inside its retention period: its personal data must be kept until the period is over."),
        )
    return Retention(days, ends_at, keep_until, "")
