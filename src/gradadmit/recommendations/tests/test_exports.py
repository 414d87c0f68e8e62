"""Recommendation status of a programme: filtered and sorted from the URL, and the same list as an Excel file."""

import pytest
from django.urls import reverse
from django.utils import translation

from gradadmit.recommendations import services
from gradadmit.testing.exports import export_queries, read_export, rows_of
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


def export_url(program):
    return reverse("recommendations:office_program_xlsx", args=[program.pk])


def test_export_has_translated_headers_and_the_application_number_as_text(client, application):
    add(application)
    client.force_login(OfficeFactory())
    with translation.override("zh-hant"):
        response = client.get(export_url(application.program))
        header = translation.gettext("Recommender")
    assert f'filename="recommendations-{application.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    assert sheet.cell(1, 3).value == header == "推薦人"
    assert sheet.cell(2, 1).value == str(application.pk) and sheet.cell(2, 1).data_type == "s"


def test_completed_letter_has_its_date_as_a_date(client, application):
    services.submit_upload(request=accepted(add(application)), upload=upload("a.pdf", pdf_bytes()))
    client.force_login(OfficeFactory())
    sheet = read_export(client.get(export_url(application.program)))
    assert sheet.cell(2, 9).is_date


def test_export_follows_the_status_filter(client, application):
    services.submit_upload(request=accepted(add(application)), upload=upload("a.pdf", pdf_bytes()))
    waiting = add(application, email="wait@example.tw")
    client.force_login(OfficeFactory())
    rows = rows_of(read_export(client.get(export_url(application.program) + "?status=invited")))
    assert [row[5] for row in rows[1:]] == [waiting.email]


def test_page_is_filtered_sorted_and_links_the_export_with_its_filters(client, application):
    services.decline(request=add(application, email="no@example.tw"), reason="忙碌")
    waiting = add(application, email="wait@example.tw")
    client.force_login(OfficeFactory())
    url = reverse("recommendations:office_program", args=[application.program_id])
    response = client.get(url + "?status=invited&sort=-recommender")
    assert list(response.context["rows"]) == [waiting]
    assert response.context["summary"]["requested"] == 2  # the totals count the whole programme
    assert 'aria-sort="descending"' in response.content.decode()
    assert "recommendations.xlsx?status=invited&amp;sort=-recommender" in response.content.decode()


def test_empty_list_exports_only_the_headers(client, program):
    client.force_login(OfficeFactory())
    assert read_export(client.get(export_url(program))).max_row == 1


def test_department_staff_cannot_export_another_programme(client, application):
    add(application)
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory(cycle=application.program.cycle))
    client.force_login(staff)
    assert client.get(export_url(application.program)).status_code == 404


def test_export_queries_do_not_grow_with_rows(client, program):
    def recommender():
        recommendation_token(RecommendationRequestFactory(application=ApplicationFactory(program=program)))

    for _ in range(5):
        recommender()
    client.force_login(OfficeFactory())
    five = export_queries(client, export_url(program))
    for _ in range(45):
        recommender()
    assert export_queries(client, export_url(program)) == five
