"""Eligibility decisions of a programme as an Excel file, with the review queue's filters, scoped like the queue."""

import pytest
from django.urls import reverse
from django.utils import translation

from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import (
    ApplicationFactory,
    ProgramFactory,
    ReviewDecisionFactory,
)

from .helpers import pay_application_fee

pytestmark = pytest.mark.django_db


def export_url(program):
    return reverse("eligibility:decisions_xlsx", args=[program.pk])


def test_export_has_translated_headers_the_number_as_text_and_the_decision_date(client, staff, application):
    ReviewDecisionFactory(application=application, decided_by=staff)
    client.force_login(staff)
    with translation.override("zh-hant"):
        response = client.get(export_url(application.program))
        qualified = translation.gettext("Qualified")
    assert f'filename="eligibility-{application.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    rows = rows_of(sheet)
    assert rows[0][3] == "報考身分" and rows[1][7] == qualified
    assert sheet.cell(2, 1).value == str(application.pk) and sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(2, 13).is_date and rows[1][13] == staff.email


def test_export_follows_the_queue_filters(client, staff, program):
    qualified = ReviewDecisionFactory(application=ApplicationFactory(program=program)).application
    pending = ApplicationFactory(program=program)
    paid = ApplicationFactory(program=program)
    pay_application_fee(paid)
    client.force_login(staff)
    assert [row[0] for row in rows_of(read_export(client.get(export_url(program) + "?status=qualified")))[1:]] == [
        str(qualified.pk)
    ]
    rows = rows_of(read_export(client.get(export_url(program) + "?status=pending&paid=no")))
    assert [row[0] for row in rows[1:]] == [str(pending.pk)]


def test_export_follows_the_funnel_filters_of_the_queue(client, staff, program):
    from gradadmit.scoring.models import InterviewInvitation

    invited = ApplicationFactory(program=program)
    ApplicationFactory(program=program)
    InterviewInvitation.objects.create(application=invited, invited_at=invited.applied_at)
    client.force_login(staff)
    rows = rows_of(read_export(client.get(export_url(program) + "?invited=yes&letters=complete&outcome=")))
    assert [row[0] for row in rows[1:]] == [str(invited.pk)]
    page = client.get(reverse("eligibility:queue", args=[program.pk]) + "?invited=yes&letters=complete")
    assert "decisions.xlsx?letters=complete&amp;invited=yes" in page.content.decode()


def test_empty_queue_exports_only_the_headers(client, staff, program):
    client.force_login(staff)
    assert read_export(client.get(export_url(program))).max_row == 1


def test_department_staff_cannot_export_another_programme(client, staff):
    other = ApplicationFactory(program=ProgramFactory())
    client.force_login(staff)
    assert client.get(export_url(other.program)).status_code == 404


def test_export_queries_do_not_grow_with_rows(client, staff, program):
    def decided():
        ReviewDecisionFactory(application=ApplicationFactory(program=program), decided_by=staff)

    for _ in range(5):
        decided()
    client.force_login(staff)
    five = export_queries(client, export_url(program))
    for _ in range(45):
        decided()
    assert export_queries(client, export_url(program)) == five


def test_queue_links_the_export_with_its_filters(client, staff, program):
    client.force_login(staff)
    page = client.get(reverse("eligibility:queue", args=[program.pk]) + "?status=qualified&identity=general")
    assert "decisions.xlsx?status=qualified&amp;identity=general" in page.content.decode()
