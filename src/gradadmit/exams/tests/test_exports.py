"""Exam numbers and the interview schedule: filtered and sorted from the URL, and the same list as an Excel file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from gradadmit.core import clock
from gradadmit.exams.services import add_interview_slot, assign_exam_numbers, assign_interview_slots
from gradadmit.exams.tests.conftest import qualify
from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, ProgramFactory, assign

pytestmark = pytest.mark.django_db


def export_url(program):
    return reverse("exams:tickets_xlsx", args=[program.pk])


def numbered(program, staff, *identities):
    applications = [qualify(ApplicationFactory(program=program, identity=identity)) for identity in identities]
    start = clock.now() + timedelta(days=20)
    add_interview_slot(actor=staff, program=program, starts_at=start, ends_at=start + timedelta(hours=2),
                       room="E301 電機館", capacity=100)  # fmt: skip
    assign_exam_numbers(actor=staff, program=program)
    assign_interview_slots(actor=staff, program=program)
    return applications


def test_exam_numbers_are_text_and_the_interview_time_a_date(client, program, staff):
    numbered(program, staff, "general")
    client.force_login(staff)
    with translation.override("zh-hant"):
        response = client.get(export_url(program))
    assert f'filename="exam-numbers-{program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    assert sheet.cell(1, 1).value == "准考證號碼"
    ticket = program.tickets.get()
    assert sheet.cell(2, 1).value == ticket.exam_number and sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(2, 6).is_date and sheet.cell(2, 8).value == "E301 電機館"


def test_export_follows_the_identity_filter(client, program, staff):
    general, in_service = numbered(program, staff, "general", "in_service")
    client.force_login(staff)
    rows = rows_of(read_export(client.get(export_url(program) + "?identity=in_service")))
    assert [row[1] for row in rows[1:]] == [str(in_service.pk)]


def test_page_is_sorted_from_the_url_and_links_the_export(client, program, staff):
    first, second = numbered(program, staff, "general", "general")
    client.force_login(staff)
    response = client.get(reverse("exams:admin", args=[program.pk]) + "?sort=-number")
    assert [t.application for t in response.context["tickets"]] == [second, first]
    assert "tickets.xlsx?sort=-number" in response.content.decode()


def test_empty_list_exports_only_the_headers(client, program, staff):
    client.force_login(staff)
    assert read_export(client.get(export_url(program))).max_row == 1


def test_department_staff_cannot_export_another_programme(client, program, staff):
    outsider = DepartmentStaffFactory()
    assign(outsider, ProgramFactory(cycle=program.cycle))
    client.force_login(outsider)
    assert client.get(export_url(program)).status_code == 404


def test_export_queries_do_not_grow_with_rows(client, program, staff):
    numbered(program, staff, *["general"] * 5)
    client.force_login(staff)
    five = export_queries(client, export_url(program))
    numbered(program, staff, *["in_service"] * 45)
    assert export_queries(client, export_url(program)) == five
