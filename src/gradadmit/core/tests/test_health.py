"""/healthz answers without the database; /readyz checks the database, the storage and the task queue."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db


def unreachable(*args, **kwargs):
    raise OperationalError("connection refused")


def waiting_task(*, waited: datetime.timedelta, run_after=None, status="READY"):
    task = DBTaskResult.objects.create(
        task_path="gradadmit.core.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_healthz_answers_while_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_is_ok_when_database_storage_and_queue_are(client):
    waiting_task(waited=datetime.timedelta(seconds=5))
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "storage": "ok",
        "queue": "ok",
    }
    assert body["checks"]["queue"]["ready"] == 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_leaves_no_probe_file_behind(client, tmp_path):
    client.get("/readyz")
    assert not any(path.is_file() for path in (tmp_path / ".health").glob("*"))


def test_readyz_fails_when_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "fail", "error": "OperationalError"}
    assert "connection refused" not in response.content.decode()  # the class, never the message


def test_readyz_fails_when_the_storage_refuses_to_write(client, monkeypatch):
    def refuse(storage, name, content, max_length=None):
        raise PermissionError(13, "Permission denied", "/srv/files/.health/probe.txt")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["storage"] == {"status": "fail", "error": "PermissionError"}
    assert body["checks"]["database"]["status"] == "ok" and "/srv/files" not in response.content.decode()


def test_readyz_fails_when_the_storage_returns_other_bytes(client, monkeypatch, tmp_path):
    monkeypatch.setattr(FileSystemStorage, "open", lambda storage, name, mode="rb": ContentFile(b"something else"))
    body = client.get("/readyz").json()
    assert body["checks"]["storage"] == {"status": "fail", "error": "content differs"}
    assert not any(path.is_file() for path in (tmp_path / ".health").glob("*"))  # deleted all the same


def test_readyz_fails_when_the_oldest_ready_task_waited_too_long(client, settings):
    settings.GRADADMIT_READY_MAX_QUEUE_AGE = 300
    waiting_task(waited=datetime.timedelta(minutes=10))
    response = client.get("/readyz")
    queue = response.json()["checks"]["queue"]
    assert response.status_code == 503
    assert queue["status"] == "fail" and queue["oldest_ready_age_seconds"] >= 600 and queue["max_age_seconds"] == 300


def test_tasks_scheduled_for_later_finished_or_failed_do_not_count_as_waiting(client):
    long_ago = datetime.timedelta(hours=2)
    waiting_task(waited=long_ago, run_after=timezone.now() + datetime.timedelta(hours=1))
    waiting_task(waited=long_ago, status="SUCCESSFUL")
    waiting_task(waited=long_ago, status="FAILED")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["queue"]["ready"] == 0


def test_a_scheduled_task_waits_from_its_run_after_not_from_when_it_was_enqueued(client):
    waiting_task(waited=datetime.timedelta(hours=2), run_after=timezone.now() - datetime.timedelta(seconds=30))
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["status"] == "ok" and 30 <= queue["oldest_ready_age_seconds"] < 120
