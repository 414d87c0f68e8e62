"""Real concurrent transactions on PostgreSQL: two approvals at once send once; two workers never send twice."""

import pytest
from django.db import connection

from gradadmit.enrolment.tests.test_concurrency import run_together
from gradadmit.mailings import services
from gradadmit.mailings.models import Mailing
from gradadmit.mailings.tasks import send_mailing
from gradadmit.notifications.models import Message
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

from .helpers import write_mailing

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def submitted_mailing(recipients=6):
    program = ProgramFactory()
    for _ in range(recipients):
        ApplicationFactory(program=program)
    author = OfficeFactory()
    mailing = write_mailing(author, program.cycle, program)
    services.submit_mailing(actor=author, mailing=mailing)
    return mailing


def test_two_approvals_at_once_queue_one_sending(database_tasks):
    from django_tasks_db.models import DBTaskResult

    mailing = submitted_mailing()
    approvers = [OfficeFactory(), OfficeFactory()]
    results = run_together(*(lambda a=a: services.approve_mailing(actor=a, mailing=mailing) for a in approvers))
    assert sum(isinstance(r, Mailing) for r in results) == 1
    assert DBTaskResult.objects.filter(task_path__endswith="send_mailing").count() == 1


def test_two_workers_on_one_mailing_send_to_each_recipient_once(database_tasks, monkeypatch):
    mailing = submitted_mailing(recipients=9)
    services.approve_mailing(actor=OfficeFactory(), mailing=mailing)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)  # many small batches, so the two workers interleave
    run_together(lambda: send_mailing.call(mailing_id=mailing.pk), lambda: send_mailing.call(mailing_id=mailing.pk))
    mailing.refresh_from_db()
    assert mailing.status == "sent"
    recipients = list(Message.objects.filter(kind="mailing").values_list("recipient_id", flat=True))
    assert len(recipients) == len(set(recipients)) == 9
    assert Email.objects.filter(cause=f"mailing:{mailing.pk}").count() == 9
