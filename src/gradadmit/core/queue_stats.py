"""Figures of the background task queue (django_tasks_db), read by /readyz and the Prometheus collector."""

from dataclasses import dataclass

from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueFigures:
    ready: int  # waiting and due: run_after unset or past
    running: int
    failed: int
    oldest_ready_age: float  # seconds the longest-waiting due task has waited; 0 when none waits


def queue_figures(now=None) -> QueueFigures:
    """One query. A task waits from when it was enqueued, or from its run_after when that came later."""
    now = now or timezone.now()
    date_max = get_date_max()
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=date_max) | Q(run_after__lte=now))
    waiting_since = Case(
        When(run_after=date_max, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    row = DBTaskResult.objects.aggregate(
        ready=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        oldest=Min(waiting_since, filter=due),
    )
    oldest = row["oldest"]
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueFigures(ready=row["ready"], running=row["running"], failed=row["failed"], oldest_ready_age=age)
