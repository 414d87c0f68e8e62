"""Durable background jobs: worker heartbeats, the sweeper that runs again what a dead worker held, the schedule.

We keep Django's task API and django-tasks' database backend (one queue in the database, SQLite or PostgreSQL,
several workers) and add what it lacks: a worker beats every LEASE/3 seconds (core.WorkerHeartbeat); a task
marked RUNNING whose worker has not beaten for LEASE seconds is put back to READY by any worker's sweeper (a
compare-and-set on its start time, so two sweepers never both requeue it). A worker starting under the id of one
that died (`run_worker --worker-id`, as scripts/serve.sh does) requeues its predecessor's tasks at once. A task
lost more than JOB_MAX_LOST times is failed ("WorkerLost") so a job that kills its worker cannot loop forever.
Every task is written to be run again safely (see each app's tasks.py).

The schedule (settings.GRADADMIT_SCHEDULE) is kept by the workers: each slot of each entry is claimed by
inserting a unique ScheduledRun row in the same transaction that enqueues the task, so with any number of
workers a slot runs once.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus

from gradadmit.core import clock
from gradadmit.core.models import AuditEntry, ScheduledRun, WorkerHeartbeat

log = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, out of memory, rebooted) too many times."""


def lease() -> timedelta:
    return timedelta(seconds=settings.GRADADMIT_WORKER_LEASE_SECONDS)


def heartbeat_interval() -> float:
    return max(settings.GRADADMIT_WORKER_LEASE_SECONDS / 3, 0.05)


# --- heartbeats ------------------------------------------------------------------------------------


def beat(worker_id: str, started_at: datetime) -> None:
    now = clock.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen=now, pid=os.getpid())
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": socket.gethostname()[:200], "pid": os.getpid(), "started_at": started_at,
                      "last_seen": now},
        )  # fmt: skip


def retire(worker_id: str) -> None:
    """A worker stopping cleanly says so: its heartbeat row goes (it holds no task then)."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def live_worker_ids(now=None) -> set[str]:
    now = now or clock.now()
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=now - lease()).values_list("worker_id", flat=True))


def stale_worker_ids(now=None) -> set[str]:
    """Workers that beat once and then went silent for longer than the lease: taken for dead."""
    now = now or clock.now()
    return set(WorkerHeartbeat.objects.filter(last_seen__lt=now - lease()).values_list("worker_id", flat=True))


# --- the sweeper ------------------------------------------------------------------------------------


def _owner(worker_ids) -> str | None:
    return worker_ids[-1] if worker_ids else None


def requeue_lost_tasks(*, now=None, restarted_worker: str | None = None, sweeper: str | None = None) -> dict:
    """Put back to READY each RUNNING task whose worker is gone; fail one lost too often. Returns counts.

    Gone: its worker's heartbeat is older than the lease, or it is `restarted_worker` (a worker just started
    under that id, so the one before it died). Never `sweeper`, the worker running this sweep: it is alive, even
    when its own beat was stamped before a wait for the database lock longer than the lease.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    stale = stale_worker_ids(now) - {sweeper}
    counts = {"requeued": 0, "failed": 0}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids", "started_at")
    for pk, worker_ids, started_at in running:
        owner = _owner(worker_ids)
        if owner is None or (owner not in stale and owner != restarted_worker):
            continue
        same_claim = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at)
        if len(worker_ids) >= settings.GRADADMIT_JOB_MAX_LOST:
            done = same_claim.update(
                status=TaskResultStatus.FAILED, finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker running this job stopped {len(worker_ids)} times; "
                "it was not started again. Retry it from the jobs page once the cause is fixed.",
            )  # fmt: skip
            counts["failed"] += done
        else:
            counts["requeued"] += same_claim.update(status=TaskResultStatus.READY, started_at=None)
    if counts["requeued"] or counts["failed"]:
        log.warning("sweeper: %(requeued)s task(s) requeued, %(failed)s failed after their worker was lost", counts)
    return counts


def forget_dead_workers(*, now=None) -> int:
    """Heartbeat rows of workers silent for a day are dropped (their tasks were requeued long ago)."""
    now = now or clock.now()
    return WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()[0]


# --- the schedule ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    task: str  # dotted path of a django-tasks Task taking no arguments
    every: int  # seconds; slots are aligned to the epoch (every=3600 runs at the top of each hour)

    def slot(self, now: datetime) -> datetime:
        seconds = int(now.timestamp())
        return datetime.fromtimestamp(seconds - seconds % self.every, tz=now.tzinfo)


def schedule() -> list[ScheduleEntry]:
    return [ScheduleEntry(**entry) for entry in settings.GRADADMIT_SCHEDULE]


def run_schedule(*, worker_id: str, now=None) -> list[str]:
    """Enqueue every entry whose current slot has not run yet; returns the names enqueued by this call."""
    now = now or clock.now()
    enqueued = []
    for entry in schedule():
        slot = entry.slot(now)
        if ScheduledRun.objects.filter(name=entry.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, slot=slot, enqueued_at=now, worker_id=worker_id)
                result = import_string(entry.task).enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(entry.name)
    return enqueued


def prune_history(*, now=None) -> dict:
    """Retention: finished task results and schedule runs older than GRADADMIT_JOB_HISTORY_DAYS go."""
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    cutoff = now - timedelta(days=settings.GRADADMIT_JOB_HISTORY_DAYS)
    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()[0]
    runs = ScheduledRun.objects.filter(slot__lt=cutoff).delete()[0]
    return {"task_results": finished, "scheduled_runs": runs, "workers": forget_dead_workers(now=now)}


# --- queuing -------------------------------------------------------------------------------------------


def enqueue(task, **kwargs) -> None:
    """Queue a task so that it exists exactly when the caller's change commits.

    With the database backend the task row is written in the caller's transaction (a crash after the commit
    cannot lose it, a rollback removes it). Other backends (the tests' immediate one) run after commit.
    """
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


# --- staff: what runs, and trying a failed job again ----------------------------------------------------


def retry_failed_task(*, actor, task_result_id: str):
    """Queue a failed job again with the same arguments (every job is safe to run again). Audited.

    Returns the new task result; raises DomainError when the job is not failed (it is waiting or running).
    """
    from django.utils.translation import gettext as _
    from django_tasks_db.models import DBTaskResult

    from gradadmit.core.audit import record_audit
    from gradadmit.core.errors import DomainError

    row = DBTaskResult.objects.filter(pk=task_result_id).first()
    if row is None or row.status != TaskResultStatus.FAILED:
        raise DomainError(_("Only a failed job can be tried again."))
    with transaction.atomic():
        if AuditEntry.objects.filter(action="jobs.retried", target_id=str(row.pk)).exists():
            raise DomainError(_("This job was already tried again; see the newer entry."))
        result = row.task.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        record_audit(actor=actor, action="jobs.retried", target=row, after={"new": str(result.id)})
    return result


def retry_failed_build(*, actor, build, task, action: str, **task_kwargs):
    """Build a failed zip (packets, tickets) again: same row, progress reset, its task queued with it. Audited.

    `build` is a model with status (its Status has FAILED and QUEUED), error, done and finished_at.
    """
    from django.utils.translation import gettext as _

    from gradadmit.core.audit import record_audit
    from gradadmit.core.errors import DomainError

    model = type(build)
    with transaction.atomic():
        updated = model.objects.filter(pk=build.pk, status=model.Status.FAILED).update(
            status=model.Status.QUEUED, error="", done=0, finished_at=None
        )
        if not updated:
            raise DomainError(_("Only a failed build can be tried again."))
        record_audit(actor=actor, action=action, target=build)
        enqueue(task, **task_kwargs)
    build.refresh_from_db()
    return build
