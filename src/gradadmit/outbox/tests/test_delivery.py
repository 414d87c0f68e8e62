"""The outbox against a real SMTP server: retries on 421 and refused connections, 550 stops at once, pacing."""

from datetime import timedelta

import pytest
from django.core import mail

from gradadmit.core import clock
from gradadmit.outbox import delivery
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import queue_email
from gradadmit.outbox.tests.smtp_server import ScriptedSMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = ScriptedSMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    yield server
    server.stop()


def queue(to="applicant@example.tw", **kwargs):
    return queue_email(to=to, subject="報名完成 / Application received", body="內容 body", cause="test", **kwargs)


def deliver():
    return delivery.deliver_due(worker_id="test-worker")


def later(email: Email, seconds=0):
    """Make a waiting retry due now (instead of sleeping through the backoff)."""
    Email.objects.filter(pk=email.pk).update(next_attempt_at=clock.now() - timedelta(seconds=seconds))


def test_an_email_is_a_row_until_the_worker_sends_it(smtp):
    email = queue()
    assert email.status == Email.Status.QUEUED and smtp.handler.delivered == []
    report = deliver()
    email.refresh_from_db()
    assert report.sent == 1 and email.status == Email.Status.SENT and email.sent_at is not None
    assert smtp.handler.delivered_to() == ["applicant@example.tw"]
    assert email.message_id.encode() in smtp.handler.delivered[0].content


def test_a_421_is_retried_later_and_then_delivered(smtp):
    smtp.handler.fail_first["slow@example.tw"] = 1
    email = queue(to="slow@example.tw")
    report = deliver()
    email.refresh_from_db()
    assert report.retried == 1 and email.status == Email.Status.QUEUED and email.attempts == 1
    assert "421" in email.last_error and email.next_attempt_at > clock.now() + timedelta(seconds=50)
    assert deliver().sent == 0  # not due yet: backoff
    later(email)
    assert deliver().sent == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 2
    assert smtp.handler.delivered_to() == ["slow@example.tw"]


def test_a_550_fails_at_once_and_is_not_retried(smtp):
    smtp.handler.unknown.add("nobody@example.tw")
    email = queue(to="nobody@example.tw")
    report = deliver()
    email.refresh_from_db()
    assert report.failed == 1 and email.status == Email.Status.FAILED and "550" in email.last_error
    later(email)
    assert deliver().sent == 0 and smtp.handler.delivered == []


def test_refused_connections_are_retried_until_the_server_is_back(smtp):
    smtp.stop()
    email = queue()
    for _ in range(3):
        report = deliver()
        assert report.retried == 1
        later(email)
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED and email.attempts == 3 and "Connection" in email.last_error
    smtp.start()
    assert deliver().sent == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and smtp.handler.delivered_to() == ["applicant@example.tw"]


def test_backoff_doubles_and_gives_up_after_the_limit(smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp.handler.fail_first["slow@example.tw"] = 10
    email = queue(to="slow@example.tw")
    waits = []
    for _ in range(3):
        before = clock.now()
        deliver()
        email.refresh_from_db()
        waits.append((email.next_attempt_at - before).total_seconds())
        later(email)
    assert email.status == Email.Status.FAILED and email.attempts == 3
    assert 55 < waits[0] < 65 and 115 < waits[1] < 125  # 60 s, then 120 s


def test_one_failure_does_not_stop_the_rest_of_the_batch(smtp):
    smtp.handler.unknown.add("nobody@example.tw")
    good, bad, other = queue(to="a@example.tw"), queue(to="nobody@example.tw"), queue(to="b@example.tw")
    report = deliver()
    assert (report.sent, report.failed) == (2, 1)
    assert sorted(smtp.handler.delivered_to()) == ["a@example.tw", "b@example.tw"]
    assert {e.pk: e.status for e in Email.objects.all()} == {
        good.pk: "sent", bad.pk: "failed", other.pk: "sent",
    }  # fmt: skip


def test_an_email_held_by_a_dead_worker_is_sent_again_after_its_lease(settings):
    email = queue()
    claimed = delivery.claim(worker_id="worker-that-dies", limit=10)
    assert [e.pk for e in claimed] == [email.pk]
    assert delivery.claim(worker_id="another", limit=10) == []  # leased
    Email.objects.filter(pk=email.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    assert deliver().sent == 1
    assert len(mail.outbox) == 1


def test_an_email_held_by_a_worker_whose_heartbeat_stopped_is_taken_over(settings):
    from gradadmit.core.models import WorkerHeartbeat

    email = queue()
    delivery.claim(worker_id="worker-that-dies", limit=10)
    long_ago = clock.now() - timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="worker-that-dies", started_at=long_ago, last_seen=long_ago)
    assert deliver().sent == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.claimed_by == "test-worker"


def test_the_rate_limit_spaces_emails_across_workers(settings):
    settings.OUTBOX_RATE_PER_MINUTE = 600  # one every 0.1 s
    slots = delivery.reserve_slots(5) + delivery.reserve_slots(5)  # two workers asking one after the other
    gaps = [(b - a).total_seconds() for a, b in zip(slots, slots[1:], strict=False)]
    assert all(abs(gap - 0.1) < 0.01 for gap in gaps)


def test_the_email_is_written_in_the_callers_transaction(django_capture_on_commit_callbacks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")
    assert not Email.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    assert Email.objects.get().status == Email.Status.SENT  # kicked after commit (immediate tasks in tests)


def test_many_commits_at_once_queue_one_delivery_task(settings):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from gradadmit.outbox import services

    for n in range(3):
        queue(to=f"a{n}@example.tw")
    for callback in [services._enqueue_delivery] * 3:  # what the three commits run
        with transaction.atomic():
            callback()
    assert DBTaskResult.objects.filter(task_path="gradadmit.outbox.tasks.deliver_outbox").count() == 1
