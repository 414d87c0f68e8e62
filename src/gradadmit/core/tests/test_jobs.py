"""The sweeper (tasks of dead workers run again), worker heartbeats, the schedule (once per slot), retention."""

from datetime import timedelta

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gradadmit.core import clock, jobs
from gradadmit.core.models import ScheduledRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.GRADADMIT_WORKER_LEASE_SECONDS = 30


def running_task(worker_ids, started_minutes_ago=1):
    from gradadmit.core.tasks import prune_job_history

    result = prune_job_history.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=worker_ids,
        started_at=clock.now() - timedelta(minutes=started_minutes_ago),
    )  # fmt: skip
    return DBTaskResult.objects.get(pk=result.id)


def heartbeat(worker_id, seconds_ago):
    seen = clock.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=seen, last_seen=seen)


def status_of(task):
    return DBTaskResult.objects.get(pk=task.pk).status


def test_a_task_whose_worker_stopped_beating_runs_again(database_tasks):
    heartbeat("dead", seconds_ago=120)
    task = running_task(["dead"])
    assert jobs.requeue_lost_tasks() == {"requeued": 1, "failed": 0}
    assert status_of(task) == TaskResultStatus.READY


def test_a_task_of_a_live_worker_is_left_alone(database_tasks):
    heartbeat("alive", seconds_ago=2)
    task = running_task(["alive"])
    assert jobs.requeue_lost_tasks() == {"requeued": 0, "failed": 0}
    assert status_of(task) == TaskResultStatus.RUNNING


def test_a_worker_restarted_under_the_same_id_takes_its_tasks_back_at_once(database_tasks):
    heartbeat("host-1", seconds_ago=1)  # the old process beat a second ago, then was killed
    task = running_task(["host-1"])
    assert jobs.requeue_lost_tasks(restarted_worker="host-1")["requeued"] == 1
    assert status_of(task) == TaskResultStatus.READY


def test_a_task_lost_too_often_fails_with_a_reason(database_tasks, settings):
    settings.GRADADMIT_JOB_MAX_LOST = 3
    heartbeat("dead", seconds_ago=120)
    task = running_task(["w1", "w2", "dead"])
    assert jobs.requeue_lost_tasks()["failed"] == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and "WorkerLost" in task.traceback


def test_two_sweepers_requeue_a_task_once(database_tasks):
    heartbeat("dead", seconds_ago=120)
    task = running_task(["dead"])
    first = jobs.requeue_lost_tasks()
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.RUNNING, worker_ids=["dead", "new"],
                                                   started_at=clock.now())  # fmt: skip
    heartbeat("new", seconds_ago=0)
    second = jobs.requeue_lost_tasks()  # the new claim is not the lost one
    assert first["requeued"] == 1 and second["requeued"] == 0


def test_heartbeat_and_retire():
    started = clock.now()
    jobs.beat("w", started)
    jobs.beat("w", started)
    assert jobs.live_worker_ids() == {"w"} and jobs.stale_worker_ids() == set()
    jobs.retire("w")
    assert not WorkerHeartbeat.objects.exists()


def test_each_slot_of_the_schedule_runs_once_whatever_the_number_of_workers(database_tasks, settings):
    settings.GRADADMIT_SCHEDULE = [{"name": "prune", "task": "gradadmit.core.tasks.prune_job_history", "every": 60}]
    now = clock.now().replace(second=10)
    assert jobs.run_schedule(worker_id="a", now=now) == ["prune"]
    assert jobs.run_schedule(worker_id="b", now=now + timedelta(seconds=20)) == []  # same minute
    assert jobs.run_schedule(worker_id="b", now=now + timedelta(seconds=60)) == ["prune"]  # next minute
    assert ScheduledRun.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path="gradadmit.core.tasks.prune_job_history").count() == 2


def test_a_slot_taken_by_another_worker_in_between_is_skipped(database_tasks, settings):
    settings.GRADADMIT_SCHEDULE = [{"name": "prune", "task": "gradadmit.core.tasks.prune_job_history", "every": 60}]
    now = clock.now()
    entry = jobs.schedule()[0]
    ScheduledRun.objects.create(name="prune", slot=entry.slot(now), enqueued_at=now, worker_id="other")
    assert jobs.run_schedule(worker_id="a", now=now) == []
    assert not DBTaskResult.objects.exists()


def test_every_scheduled_task_exists():
    from django.conf import settings
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for entry in settings.GRADADMIT_SCHEDULE:
        assert isinstance(import_string(entry["task"]), Task), entry


def test_retention_drops_old_history_only(database_tasks, settings):
    settings.GRADADMIT_JOB_HISTORY_DAYS = 30
    old, recent = running_task([]), running_task([])
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=clock.now() - timedelta(days=31))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="SUCCESSFUL", finished_at=clock.now())
    heartbeat("gone", seconds_ago=2 * 86400)
    assert jobs.prune_history() == {"task_results": 1, "scheduled_runs": 0, "workers": 1}
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]


def test_enqueue_writes_the_task_in_the_callers_transaction(database_tasks):
    from django.db import transaction

    from gradadmit.core.tasks import prune_job_history

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue(prune_job_history)
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError
    assert DBTaskResult.objects.count() == 0


def test_a_worker_never_takes_itself_for_dead(database_tasks, settings, monkeypatch):
    """Its beat waited for the database lock (a long write of its own job) longer than the lease: it is still
    alive, so its sweeper leaves the task it is running alone (it used to put it back to READY, to be run twice)."""
    from gradadmit.core.management.commands.run_worker import DurableWorker

    settings.GRADADMIT_WORKER_LEASE_SECONDS = 1
    worker = DurableWorker(queue_names=["default"], interval=0.1, batch=False, backend_name="default",
                           startup_delay=False, max_tasks=None, worker_id="me", schedule=False)  # fmt: skip
    task = running_task(["me"], started_minutes_ago=0)
    start = clock.now()
    ticks = iter(start + timedelta(seconds=2 * n) for n in range(100))  # each read of the clock 2 s later
    monkeypatch.setattr(clock, "now", lambda: next(ticks))
    worker.maintain_once()
    assert status_of(task) == TaskResultStatus.RUNNING
