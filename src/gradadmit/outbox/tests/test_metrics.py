"""The outbox's figures on /metrics: emails by status and the wait of the oldest due email."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.tests.test_metrics import sample
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import queue_email

pytestmark = pytest.mark.django_db


def test_emails_by_status_and_the_oldest_wait(client):
    waiting = queue_email(to="a@example.tw", subject="s", body="b", cause="test")
    failed = queue_email(to="b@example.tw", subject="s", body="b", cause="test")
    Email.objects.filter(pk=waiting.pk).update(next_attempt_at=clock.now() - timedelta(minutes=2))
    Email.objects.filter(pk=failed.pk).update(status="failed")
    text = client.get("/metrics").content.decode()
    assert sample(text, "gradadmit_emails", '{status="queued"}') == 1
    assert sample(text, "gradadmit_emails", '{status="failed"}') == 1
    assert 110 < sample(text, "gradadmit_emails_oldest_due_age_seconds") < 200
    assert sample(text, "gradadmit_metrics_source_up", '{source="outbox"}') == 1
