"""Applications of a programme: filtered, sorted and paged from the URL; the same list as an Excel file."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    assign,
)

pytestmark = pytest.mark.django_db


def test_export_has_the_filtered_rows_with_translated_headers(client):
    program = ProgramFactory(code="M01")
    general = ApplicationFactory(program=program, identity="general")
    ApplicationFactory(program=program, identity="in_service")
    client.force_login(OfficeFactory())
    url = reverse("office:program_applications_xlsx", args=[program.pk]) + "?identity=general"
    with translation.override("zh-hant"):
        response = client.get(url)
        identity = translation.gettext("Identity")
    assert 'filename="applications-M01-' in response["Content-Disposition"]
    rows = rows_of(read_export(response))
    assert rows[0][4] == identity == "報考身分"
    assert [row[0] for row in rows[1:]] == [str(general.pk)]
    assert rows[1][1] == general.applicant.profile.name_zh


def test_a_formula_in_a_name_is_exported_as_text(client):
    application = ApplicationFactory()
    profile = application.applicant.profile
    profile.name_zh = '=HYPERLINK("http://x","y")'
    profile.save()
    client.force_login(OfficeFactory())
    sheet = read_export(client.get(reverse("office:program_applications_xlsx", args=[application.program_id])))
    cell = sheet.cell(2, 2)
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"


def test_empty_list_exports_only_the_headers(client):
    program = ProgramFactory()
    client.force_login(OfficeFactory())
    assert read_export(client.get(reverse("office:program_applications_xlsx", args=[program.pk]))).max_row == 1


def test_department_staff_cannot_export_another_programme(client):
    mine, other = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    client.force_login(staff)
    assert client.get(reverse("office:program_applications_xlsx", args=[mine.pk])).status_code == 200
    assert client.get(reverse("office:program_applications_xlsx", args=[other.pk])).status_code == 404


def test_an_unknown_filter_value_is_ignored_with_a_message(client):
    application = ApplicationFactory()
    client.force_login(OfficeFactory())
    url = reverse("office:program_applications", args=[application.program_id])
    page = client.get(url + "?identity=martian&sort=shoe-size&page=zebra")
    assert page.status_code == 200
    assert list(page.context["applications"]) == [application]
    assert len(list(get_messages(page.wsgi_request))) == 2


def test_list_is_sorted_from_the_url_with_aria_sort(client):
    program = ProgramFactory()
    first, second = ApplicationFactory(program=program), ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    page = client.get(reverse("office:program_applications", args=[program.pk]) + "?sort=-number")
    assert list(page.context["applications"]) == [second, first]
    assert 'aria-sort="descending"' in page.content.decode()
    assert "applications.xlsx?sort=-number" in page.content.decode()


def test_list_is_paginated(client):
    program = ProgramFactory()
    for _ in range(51):
        ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    url = reverse("office:program_applications", args=[program.pk])
    assert len(client.get(url).context["applications"]) == 50
    assert len(client.get(url + "?page=2").context["applications"]) == 1


def test_export_queries_do_not_grow_with_rows(client):
    program = ProgramFactory()
    for _ in range(5):
        ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    url = reverse("office:program_applications_xlsx", args=[program.pk])
    five = export_queries(client, url)
    for _ in range(45):
        ApplicationFactory(program=program)
    assert export_queries(client, url) == five
