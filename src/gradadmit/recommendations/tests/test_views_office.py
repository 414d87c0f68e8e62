"""The office's letters page: scoped to the staff member's programmes, counts, send failures, letters served safely."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.outbox.models import Email
from gradadmit.recommendations import services
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    RecommendationRequestFactory,
    assign,
    recommendation_token,
)
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import accepted, add

pytestmark = pytest.mark.django_db


def page_url(program):
    return reverse("recommendations:office_program", args=[program.pk])


@pytest.fixture
def staff(program):
    user = DepartmentStaffFactory()
    assign(user, program)
    return user


def test_counts_requested_completed_declined_and_failures(client, staff, application):
    services.submit_upload(request=accepted(add(application)), upload=upload("a.pdf", pdf_bytes()))
    services.decline(request=add(application, email="no@example.tw"), reason="忙碌")
    waiting = add(application, email="wait@example.tw")
    Email.objects.filter(recommendation_notice__request=waiting).update(
        status="failed", last_error="SMTPRecipientsRefused: 550"
    )
    client.force_login(staff)
    response = client.get(page_url(application.program))
    summary = response.context["summary"]
    assert (summary["requested"], summary["completed"], summary["declined"], summary["failed"]) == (3, 1, 1, 1)
    assert summary["overdue"] == 0
    assert "SMTPRecipientsRefused: 550" in response.content.decode()


def test_unfinished_letters_are_overdue_after_the_deadline(client, staff, application):
    add(application)
    Milestone.objects.filter(cycle=application.program.cycle, kind="documents").update(
        ends_at=clock.now() - timedelta(minutes=5)
    )
    client.force_login(staff)
    assert client.get(page_url(application.program)).context["summary"]["overdue"] == 1


def test_staff_of_another_programme_get_404(client, application):
    services.submit_upload(request=accepted(add(application)), upload=upload("a.pdf", pdf_bytes()))
    outsider = DepartmentStaffFactory()
    assign(outsider, ProgramFactory(cycle=application.program.cycle))
    client.force_login(outsider)
    assert client.get(page_url(application.program)).status_code == 404
    letter = application.recommendation_requests.get()
    assert client.get(reverse("recommendations:office_letter", args=[letter.pk])).status_code == 404


def test_staff_read_the_letter_with_safe_headers(client, staff, application):
    recommendation = accepted(add(application))
    services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()))
    client.force_login(staff)
    response = client.get(reverse("recommendations:office_letter", args=[recommendation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_unfinished_request_has_no_letter_url(client, staff, application):
    recommendation = add(application)
    client.force_login(staff)
    assert client.get(reverse("recommendations:office_letter", args=[recommendation.pk])).status_code == 404


def office_queries(client, program):
    # Counted as on every visit but a process's first after a change of the cycle's configuration (cycles.configuration).
    client.get(page_url(program))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(program)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_recommenders(client, program):
    client.force_login(OfficeFactory())
    recommendation_token(RecommendationRequestFactory(application=ApplicationFactory(program=program)))
    one = office_queries(client, program)
    for _ in range(5):
        recommendation = RecommendationRequestFactory(application=ApplicationFactory(program=program))
        recommendation_token(recommendation)
    assert office_queries(client, program) == one
