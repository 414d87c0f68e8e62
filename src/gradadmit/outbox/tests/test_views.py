"""The office's outbox page: only the office, search, statuses, resend of failed and sent emails."""

import pytest
from django.urls import reverse

from gradadmit.core.models import AuditEntry
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import queue_email
from gradadmit.testing.factories import DepartmentStaffFactory, OfficeFactory
from gradadmit.testing.queries import signed_in_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def email(to="a@example.tw", subject="報名完成 / Application received", **fields):
    row = queue_email(to=to, subject=subject, body="內容", cause="message:applications/applied")
    if fields:
        Email.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def test_department_staff_and_applicants_may_not_read_the_outbox(client):
    row = email()
    client.force_login(DepartmentStaffFactory())
    assert client.get(reverse("outbox:list")).status_code == 403
    assert client.get(reverse("outbox:detail", args=[row.pk])).status_code == 403
    assert client.post(reverse("outbox:resend", args=[row.pk])).status_code == 403


def test_search_by_address_and_status(english):
    email(to="found@example.tw", status="failed", last_error="SMTPRecipientsRefused: 550 5.1.1 unknown")
    email(to="other@example.tw")
    english.force_login(OfficeFactory())
    page = english.get(reverse("outbox:list"), {"q": "found", "status": "failed"}).content.decode()
    assert "found@example.tw" in page and "other@example.tw" not in page and "550 5.1.1" in page


def test_the_counts_per_status(english, django_assert_num_queries):
    email(status="sent")
    email(status="failed")
    english.force_login(OfficeFactory())
    english.get(reverse("outbox:list"))
    with django_assert_num_queries(3 + signed_in_queries()):  # (session, user,) counts, page count, page
        page = english.get(reverse("outbox:list")).content.decode()
    assert "Sent</a>: <strong>1</strong>" in page and "Failed</a>: <strong>1</strong>" in page


def test_resending_a_failed_email_queues_it_again(client):
    row = email(status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550")
    client.force_login(OfficeFactory())
    client.post(reverse("outbox:resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == Email.Status.QUEUED and row.attempts == 0
    assert AuditEntry.objects.filter(action="outbox.resent").count() == 1


def test_resending_a_sent_email_sends_a_copy(client):
    row = email(status="sent")
    client.force_login(OfficeFactory())
    response = client.post(reverse("outbox:resend", args=[row.pk]))
    copy = Email.objects.exclude(pk=row.pk).get()
    assert copy.resent_from_id == row.pk and copy.status == Email.Status.QUEUED and copy.to == row.to
    assert response.url == reverse("outbox:detail", args=[copy.pk])


def test_an_email_on_its_way_is_not_resent(english):
    row = email()
    english.force_login(OfficeFactory())
    response = english.post(reverse("outbox:resend", args=[row.pk]), follow=True)
    assert "This email is already on its way." in response.content.decode()
    assert Email.objects.count() == 1


def test_a_permanent_failure_shows_to_the_applicant_in_their_message(client, settings):
    from gradadmit.notifications.services import notify
    from gradadmit.testing.factories import ProfileFactory

    user = ProfileFactory().user
    message = notify(user=user, template="applications/applied", context={"application": None}, email=True)
    Email.objects.filter(pk=message.email_id).update(status="failed", last_error="550 unknown")
    client.force_login(user)
    page = client.get(reverse("notifications:detail", args=[message.pk])).content.decode()
    assert "status-missing" in page
