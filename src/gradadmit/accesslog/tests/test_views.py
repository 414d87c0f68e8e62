"""The access log: staff views of an applicant's record and files are logged (one INSERT each); the full ID number
is shown only through the logged reveal; the office lists who opened one applicant's file."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.accesslog.models import AccessEvent
from gradadmit.core.masking import mask
from gradadmit.testing.exports import read_export, rows_of
from gradadmit.testing.factories import (
    AdmissionFactory,
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    assign,
    upload_required_documents,
)

pytestmark = pytest.mark.django_db


def events(**filters):
    return list(AccessEvent.objects.filter(**filters).values_list("staff_id", "applicant_id", "kind"))


def record_url(applicant):
    return reverse("office:applicant", args=[applicant.pk])


def reveal_url(applicant):
    return reverse("accesslog:reveal", args=[applicant.pk])


def inserts(captured):
    return [q["sql"] for q in captured if q["sql"].startswith("INSERT") and "accesslog_accessevent" in q["sql"]]


def test_opening_the_record_is_logged_with_one_insert(client):
    office, application = OfficeFactory(), ApplicationFactory()
    client.force_login(office)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(record_url(application.applicant)).status_code == 200
    assert len(inserts(captured)) == 1
    assert events() == [(office.pk, application.applicant_id, "record")]


def test_the_record_shows_masked_numbers_and_a_reveal_button(client):
    application = ApplicationFactory()
    profile = application.applicant.profile
    client.force_login(OfficeFactory())
    page = client.get(record_url(application.applicant)).content.decode()
    assert profile.national_id not in page and mask(profile.national_id) in page
    assert profile.phone_mobile not in page and mask(profile.phone_mobile) in page
    assert mask(profile.birth_date) in page
    assert reveal_url(application.applicant) in page


def test_reveal_shows_the_full_numbers_and_is_logged(client):
    office, application = OfficeFactory(), ApplicationFactory()
    profile = application.applicant.profile
    client.force_login(office)
    response = client.post(reveal_url(application.applicant))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert profile.national_id in page and profile.phone_mobile in page
    assert events(kind="reveal") == [(office.pk, application.applicant_id, "reveal")]


def test_reveal_is_a_post(client):
    application = ApplicationFactory()
    client.force_login(OfficeFactory())
    assert client.get(reveal_url(application.applicant)).status_code == 405
    assert events() == []


def test_department_staff_reveal_their_programmes_applicant(client):
    application = ApplicationFactory()
    staff = DepartmentStaffFactory()
    assign(staff, application.program)
    client.force_login(staff)
    assert application.applicant.profile.national_id in client.post(reveal_url(application.applicant)).content.decode()
    assert events(kind="reveal") == [(staff.pk, application.applicant_id, "reveal")]


def test_department_staff_revealing_another_programmes_applicant_get_404_and_nothing_is_logged(client):
    application = ApplicationFactory()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    response = client.post(reveal_url(application.applicant))
    assert response.status_code == 404
    assert application.applicant.profile.national_id not in response.content.decode()
    assert events() == []


def test_applicants_cannot_reveal(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    assert client.post(reveal_url(application.applicant)).status_code == 403


def test_opening_a_document_and_the_review_packet_are_logged(client):
    office, application = OfficeFactory(), ApplicationFactory()
    document = upload_required_documents(application)[0]
    client.force_login(office)
    assert client.get(reverse("documents:staff_file", args=[document.pk])).status_code == 200
    assert client.get(reverse("documents:application_packet", args=[application.pk])).status_code == 200
    assert sorted(events()) == [(office.pk, application.applicant_id, "document"),
                                (office.pk, application.applicant_id, "packet")]  # fmt: skip
    assert AccessEvent.objects.get(kind="document").detail == f"document #{document.pk}"


def test_the_office_lists_who_opened_the_file(client):
    office, application = OfficeFactory(email="clerk@example.edu.tw"), ApplicationFactory()
    staff = DepartmentStaffFactory(email="dept-clerk@example.edu.tw")
    assign(staff, application.program)
    client.force_login(staff)
    client.get(record_url(application.applicant))
    client.force_login(office)
    client.post(reveal_url(application.applicant))
    response = client.get(reverse("accesslog:accesses", args=[application.applicant_id]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "dept-clerk@example.edu.tw" in page and "clerk@example.edu.tw" in page
    assert "Revealed the full ID number" in page and "Opened the applicant record" in page
    assert page.index("Revealed the full ID number") < page.index("Opened the applicant record")  # newest first
    assert (
        reverse("accesslog:accesses", args=[application.applicant_id])
        in client.get(record_url(application.applicant)).content.decode()
    )


def test_department_staff_cannot_read_the_access_log(client):
    application = ApplicationFactory()
    staff = DepartmentStaffFactory()
    assign(staff, application.program)
    client.force_login(staff)
    assert client.get(reverse("accesslog:accesses", args=[application.applicant_id])).status_code == 403
    assert (
        reverse("accesslog:accesses", args=[application.applicant_id])
        not in client.get(record_url(application.applicant)).content.decode()
    )


# --- The registrar's admitted list ------------------------------------------------------------------------------


def admitted_url(admission, full=False):
    return reverse("enrolment:admitted_xlsx", args=[admission.program_id]) + ("?full=1" if full else "")


def test_the_admitted_list_is_masked_and_logs_nothing_by_default(client):
    admission = AdmissionFactory()
    client.force_login(OfficeFactory())
    rows = rows_of(read_export(client.get(admitted_url(admission))))
    assert rows[1][4] == mask(admission.applicant.profile.national_id)
    assert events() == []


def test_the_office_exports_full_numbers_for_the_registrar_logged_per_applicant(client):
    office = OfficeFactory()
    admission = AdmissionFactory()
    other = AdmissionFactory(program=admission.program)
    client.force_login(office)
    rows = rows_of(read_export(client.get(admitted_url(admission, full=True))))
    assert {row[4] for row in rows[1:]} == {
        admission.applicant.profile.national_id,
        other.applicant.profile.national_id,
    }
    assert sorted(events()) == sorted([(office.pk, admission.applicant_id, "export"),
                                       (office.pk, other.applicant_id, "export")])  # fmt: skip


def test_department_staff_cannot_export_full_numbers(client):
    admission = AdmissionFactory()
    staff = DepartmentStaffFactory()
    assign(staff, admission.program)
    client.force_login(staff)
    assert client.get(admitted_url(admission, full=True)).status_code == 403
    assert client.get(admitted_url(admission)).status_code == 200
    assert events() == []


def test_reading_a_recommendation_letter_is_logged_for_its_applicant(client):
    from gradadmit.recommendations import services
    from gradadmit.recommendations.tests.helpers import accepted, add
    from gradadmit.testing.files import pdf_bytes, upload

    office, application = OfficeFactory(), ApplicationFactory()
    recommendation = accepted(add(application))
    services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()))
    client.force_login(office)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("recommendations:office_letter", args=[recommendation.pk])).status_code == 200
    assert len(inserts(captured)) == 1
    assert events() == [(office.pk, application.applicant_id, "letter")]


def test_the_configuration_screens_do_not_show_the_full_number(client):
    application = ApplicationFactory()
    profile = application.applicant.profile
    client.force_login(OfficeFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:accounts_applicantprofile_change", args=[profile.pk]))
    assert response.status_code == 200
    assert profile.national_id not in response.content.decode()


def test_downloading_a_programmes_packet_zip_logs_each_applicant_in_it(client, django_capture_on_commit_callbacks):
    from gradadmit.documents import services

    office, application = OfficeFactory(), ApplicationFactory()
    other = ApplicationFactory(program=application.program)
    with django_capture_on_commit_callbacks(execute=True):
        build = services.request_packet_build(actor=office, program=application.program)
    client.force_login(office)
    response = client.get(reverse("documents:packet_download", args=[build.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert sorted(events()) == sorted([(office.pk, application.applicant_id, "packet"),
                                       (office.pk, other.applicant_id, "packet")])  # fmt: skip
