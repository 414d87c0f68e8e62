"""The registrar's admitted list and the vacancy report as Excel files, scoped to the staff member's programmes."""

import pytest
from django.urls import reverse

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
    assert rows[1][4] == (profile.national_id or profile.passport_number) and sheet.cell(2, 5).data_type == "s"


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
