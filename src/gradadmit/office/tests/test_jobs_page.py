"""The office's background jobs page: who may see it, states and errors shown, retrying a failed job."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gradadmit.core import clock
from gradadmit.core.models import AuditEntry, WorkerHeartbeat
from gradadmit.testing.factories import DepartmentStaffFactory, OfficeFactory, ProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def failed_packet_job():
    from gradadmit.documents.tasks import build_program_packets

    result = build_program_packets.enqueue(build_id=41)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.FAILED, worker_ids=["w1", "w2"], finished_at=clock.now(),
        exception_class_path="OSError", traceback="Traceback (most recent call last):\n  ...\nOSError: disk full",
    )  # fmt: skip
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.parametrize("factory", [DepartmentStaffFactory, lambda: ProfileFactory().user])
def test_only_the_office_sees_the_jobs(client, factory):
    client.force_login(factory())
    assert client.get(reverse("office:jobs")).status_code == 403


def test_the_page_shows_state_attempts_error_workers_and_schedule(client, english, database_tasks):
    job = failed_packet_job()
    now = clock.now()
    WorkerHeartbeat.objects.create(worker_id="host-1", started_at=now, last_seen=now)
    WorkerHeartbeat.objects.create(worker_id="host-2", started_at=now, last_seen=now - timedelta(minutes=10))
    english.force_login(OfficeFactory())
    page = english.get(reverse("office:jobs")).content.decode()
    assert "Review packet zip" in page and "build_id=41" in page and "OSError: disk full" in page
    assert reverse("office:job_retry", args=[job.pk]) in page
    assert "host-1" in page and "Alive" in page and "Silent: its jobs are run again" in page
    assert "Recommendation reminders" in page
    assert 'data-live-url="' in page and "http-equiv" not in page


def test_the_partial_says_whether_to_keep_polling(client, database_tasks):
    from gradadmit.core.tasks import prune_job_history

    client.force_login(OfficeFactory())
    idle = client.get(reverse("office:jobs") + "?partial=1").content.decode()
    assert 'data-live-active="false"' in idle and "<html" not in idle
    prune_job_history.enqueue()
    busy = client.get(reverse("office:jobs") + "?partial=1").content.decode()
    assert 'data-live-active="true"' in busy


def test_retrying_a_failed_job_queues_it_again_with_the_same_arguments(english, database_tasks):
    client = english
    job = failed_packet_job()
    client.force_login(OfficeFactory())
    response = client.post(reverse("office:job_retry", args=[job.pk]))
    assert response.status_code == 302
    again = DBTaskResult.objects.exclude(pk=job.pk).get()
    assert again.status == TaskResultStatus.READY and again.args_kwargs["kwargs"] == {"build_id": 41}
    assert AuditEntry.objects.filter(action="jobs.retried").exists()
    client.post(reverse("office:job_retry", args=[job.pk]))  # a second click queues nothing more
    assert DBTaskResult.objects.count() == 2
    assert "Tried again" in client.get(reverse("office:jobs")).content.decode()


def test_a_job_that_did_not_fail_is_not_retried(client, english, database_tasks):
    from gradadmit.core.tasks import prune_job_history

    waiting = prune_job_history.enqueue()
    english.force_login(OfficeFactory())
    response = english.post(reverse("office:job_retry", args=[waiting.id]), follow=True)
    assert "Only a failed job can be tried again." in response.content.decode()
    assert DBTaskResult.objects.count() == 1


def test_the_filter_by_status(client, english, database_tasks):
    from gradadmit.core.tasks import prune_job_history

    failed_packet_job()
    prune_job_history.enqueue()
    english.force_login(OfficeFactory())
    page = english.get(reverse("office:jobs") + "?status=FAILED&partial=1").content.decode()
    assert "Review packet zip" in page and "Job history retention" not in page
