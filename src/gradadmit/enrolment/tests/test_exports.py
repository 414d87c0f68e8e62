"""The registrar's admitted list and the vacancy report as Excel files, scoped to the staff member's programmes."""

import pytest
from django.urls import reverse
from django.utils import translation

from gradadmit.core import clock
from gradadmit.core.masking import mask
from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import AdmissionFactory, DepartmentStaffFactory, OfficeFactory, ProgramFactory, assign

pytestmark = pytest.mark.django_db


def test_admitted_list_has_names_and_ids_as_text(client):
    admission = AdmissionFactory()
    client.force_login(OfficeFactory())
    response = client.get(reverse("enrolment:admitted_xlsx", args=[admission.program_id]))
    assert f'filename="admitted-{admission.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    rows = rows_of(sheet)
    profile = admission.applicant.profile
    assert rows[1][2] == profile.name_zh
    assert rows[1][4] == mask(profile.identity_document) and sheet.cell(2, 5).data_type == "s"
    assert rows[1][6] == mask(profile.phone_mobile)  # whole numbers only in the office's logged export (accesslog)


def test_department_staff_cannot_export_another_programmes_admitted(client):
    admission = AdmissionFactory()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("enrolment:admitted_xlsx", args=[admission.program_id])).status_code == 404
    assert client.get(reverse("enrolment:vacancies_xlsx", args=[admission.program_id])).status_code == 404


def test_admitted_export_queries_do_not_grow(client):
    first = AdmissionFactory()
    program = first.program
    for _ in range(4):
        AdmissionFactory(program=program)
    client.force_login(OfficeFactory())
    url = reverse("enrolment:admitted_xlsx", args=[program.pk])
    five = export_queries(client, url)
    for _ in range(45):
        AdmissionFactory(program=program)
    assert export_queries(client, url) == five


# --- The check-in board ----------------------------------------------------------------------------------


def board_url(program):
    return reverse("enrolment:board_xlsx", args=[program.pk])


def test_board_export_has_translated_headers_and_deadlines_as_dates(client):
    admission = AdmissionFactory()
    client.force_login(OfficeFactory())
    with translation.override("zh-hant"):
        response = client.get(board_url(admission.program))
    assert f'filename="check-in-{admission.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    assert sheet.cell(1, 6).value == "狀態"
    assert sheet.cell(2, 2).value == str(admission.application_id) and sheet.cell(2, 2).data_type == "s"
    assert sheet.cell(2, 8).is_date


def test_board_and_its_export_follow_the_status_filter(client):
    offered = AdmissionFactory()
    AdmissionFactory(application__program=offered.program, status="checked_in", how="online", checked_in_at=clock.now())
    client.force_login(OfficeFactory())
    rows = rows_of(read_export(client.get(board_url(offered.program) + "?status=offered")))
    assert [row[1] for row in rows[1:]] == [str(offered.application_id)]
    page = client.get(reverse("enrolment:board", args=[offered.program_id]) + "?status=offered&sort=-deadline")
    assert list(page.context["admissions"]) == [offered]
    assert page.context["counts"][0]["online"] == 1  # the counts stay those of the whole programme
    assert "board.xlsx?status=offered&amp;sort=-deadline" in page.content.decode()


def test_department_staff_cannot_export_another_programmes_board(client):
    admission = AdmissionFactory()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(board_url(admission.program)).status_code == 404


def test_empty_board_exports_only_the_headers(client):
    client.force_login(OfficeFactory())
    assert read_export(client.get(board_url(ProgramFactory()))).max_row == 1


def test_board_export_queries_do_not_grow(client):
    program = ProgramFactory()
    for _ in range(5):
        AdmissionFactory(program=program, application__program=program)
    client.force_login(OfficeFactory())
    five = export_queries(client, board_url(program))
    for _ in range(45):
        AdmissionFactory(program=program, application__program=program)
    assert export_queries(client, board_url(program)) == five


# --- The waitlist ----------------------------------------------------------------------------------------


def waitlist(program, n=3):
    from gradadmit.testing.factories import ApplicationFactory, ProfileFactory, WaitlistEntryFactory

    names = ["陳大文", "王小明", "林美玲", '=HYPERLINK("http://x")'][:n]
    return [
        WaitlistEntryFactory(
            application=ApplicationFactory(program=program, applicant=ProfileFactory(name_zh=name).user),
            position=i + 1,
            wants_promotion=i != 1,
        )
        for i, name in enumerate(names)
    ]


def test_the_waitlist_page_filters_sorts_and_pages_from_the_url(client):
    program = ProgramFactory()
    entries = waitlist(program)
    client.force_login(OfficeFactory())
    url = reverse("enrolment:waitlist", args=[program.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [e.pk for e in page.context["page"]] == [e.pk for e in entries]
    page = client.get(url + "?wants=False")
    assert [e.pk for e in page.context["page"]] == [entries[1].pk]
    page = client.get(url + "?sort=-position")
    assert [e.pk for e in page.context["page"]] == [e.pk for e in reversed(entries)]
    assert 'aria-sort="descending"' in page.content.decode()


def test_the_waitlist_export_keeps_the_filters_and_neutralises_formulas(client):
    program = ProgramFactory()
    waitlist(program, 4)
    client.force_login(OfficeFactory())
    response = client.get(reverse("enrolment:waitlist_xlsx", args=[program.pk]) + "?wants=True")
    assert f'filename="waitlist-{program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    rows = rows_of(sheet)
    assert [row[1] for row in rows[1:]] == [1, 3, 4]  # waitlist numbers as numbers, the unwilling one left out
    assert rows[3][4] == '=HYPERLINK("http://x")' and sheet.cell(4, 5).data_type == "s"


def test_department_staff_cannot_see_another_programmes_waitlist(client):
    program = ProgramFactory()
    waitlist(program, 1)
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("enrolment:waitlist", args=[program.pk])).status_code == 404
    assert client.get(reverse("enrolment:waitlist_xlsx", args=[program.pk])).status_code == 404


def test_an_empty_waitlist_exports_its_headers_only(client):
    program = ProgramFactory()
    client.force_login(OfficeFactory())
    rows = rows_of(read_export(client.get(reverse("enrolment:waitlist_xlsx", args=[program.pk]))))
    assert len(rows) == 1
