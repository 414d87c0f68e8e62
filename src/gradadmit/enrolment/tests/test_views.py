"""Enrolment pages: another user's admission is a 404, staff see only their programmes, fixed board queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.enrolment.models import Admission
from gradadmit.enrolment.tests.helpers import windows
from gradadmit.testing.factories import (
    PASSWORD,
    AdmissionFactory,
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    WaitlistEntryFactory,
    assign,
)

pytestmark = pytest.mark.django_db


def test_applicant_checks_in_online(client):
    admission = AdmissionFactory()
    windows(admission.program)
    client.force_login(admission.applicant)
    page = client.get(reverse("enrolment:status", args=[admission.application_id]))
    assert page.status_code == 200
    client.post(reverse("enrolment:check_in", args=[admission.application_id]), {"documents": "on"})
    admission.refresh_from_db()
    assert admission.status == "checked_in"


def test_give_up_page_with_password_then_receipt(client, monkeypatch):
    admission = AdmissionFactory()
    client.force_login(admission.applicant)
    url = reverse("enrolment:give_up", args=[admission.application_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    admission.refresh_from_db()
    assert admission.status == "given_up"
    monkeypatch.setattr("gradadmit.enrolment.views.applicant.render_pdf", lambda name, ctx: b"%PDF-fake")
    receipt = client.get(reverse("enrolment:receipt", args=[admission.application_id]))
    assert receipt["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("name", ["status", "give_up", "receipt"])
def test_someone_elses_admission_is_404(client, name):
    admission = AdmissionFactory()
    client.force_login(ProfileFactory().user)
    assert client.get(reverse(f"enrolment:{name}", args=[admission.application_id])).status_code == 404


def test_give_up_of_someone_elses_admission_is_404_and_changes_nothing(client):
    admission = AdmissionFactory()
    other = ProfileFactory().user
    client.force_login(other)
    response = client.post(reverse("enrolment:give_up", args=[admission.application_id]), {"password": PASSWORD})
    assert response.status_code == 404
    admission.refresh_from_db()
    assert admission.status == "offered"


def test_waitlist_wish_saved(client):
    entry = WaitlistEntryFactory()
    client.force_login(entry.application.applicant)
    client.post(reverse("enrolment:waitlist_wish", args=[entry.application_id]), {"wants": "no"})
    entry.refresh_from_db()
    assert entry.wants_promotion is False


def test_applicant_cannot_see_board(client):
    admission = AdmissionFactory()
    client.force_login(admission.applicant)
    assert client.get(reverse("enrolment:board", args=[admission.program_id])).status_code == 403


def test_department_staff_of_other_programme_gets_404(client):
    admission = AdmissionFactory()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("enrolment:board", args=[admission.program_id])).status_code == 404
    response = client.post(
        reverse("enrolment:act", args=[admission.program_id]), {"action": "paper", "admission": admission.pk}
    )
    assert response.status_code == 404
    admission.refresh_from_db()
    assert admission.status == "offered"


def test_assigned_staff_records_paper_check_in_and_promotes(client):
    program = ProgramFactory()
    admission = AdmissionFactory(application=ApplicationFactory(program=program))
    given_up = AdmissionFactory(application=ApplicationFactory(program=program))
    entry = WaitlistEntryFactory(application=ApplicationFactory(program=program), position=1)
    windows(program)
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    url = reverse("enrolment:act", args=[program.pk])
    client.post(url, {"action": "paper", "admission": admission.pk})
    client.force_login(given_up.applicant)
    client.post(reverse("enrolment:give_up", args=[given_up.application_id]), {"password": PASSWORD})
    client.force_login(staff)
    client.post(url, {"action": "promote", "identity": "general"})
    board = client.get(reverse("enrolment:board", args=[program.pk]))
    assert board.status_code == 200
    general = board.context["counts"][0]
    assert (general["paper"], general["given_up"], general["offered"], general["vacancies"]) == (1, 1, 1, 0)
    assert Admission.objects.get(application=entry.application).source == "promotion"


def test_board_query_count_does_not_grow(client):
    program = ProgramFactory()
    office = OfficeFactory()
    client.force_login(office)
    url = reverse("enrolment:board", args=[program.pk])
    AdmissionFactory(application=ApplicationFactory(program=program))
    WaitlistEntryFactory(application=ApplicationFactory(program=program), position=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        AdmissionFactory(application=ApplicationFactory(program=program))
        WaitlistEntryFactory(application=ApplicationFactory(program=program), position=i + 2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_checklist_row_shows_check_in(client):
    admission = AdmissionFactory()
    windows(admission.program)
    client.force_login(admission.applicant)
    page = client.get(reverse("applications:dashboard"))
    assert reverse("enrolment:status", args=[admission.application_id]) in page.content.decode()


def test_vacancy_report_csv(client):
    admission = AdmissionFactory()
    client.force_login(admission.applicant)
    client.post(reverse("enrolment:give_up", args=[admission.application_id]), {"password": PASSWORD})
    client.force_login(OfficeFactory())
    body = client.get(reverse("enrolment:vacancies", args=[admission.program_id])).content.decode()
    assert f"{admission.program.code},general,1,0,1" in body


def test_give_up_receipt_is_a_real_pdf(client):
    admission = AdmissionFactory()
    client.force_login(admission.applicant)
    client.post(reverse("enrolment:give_up", args=[admission.application_id]), {"password": PASSWORD})
    receipt = client.get(reverse("enrolment:receipt", args=[admission.application_id]))
    assert receipt.content.startswith(b"%PDF")


def test_receipt_before_give_up_is_404(client):
    admission = AdmissionFactory()
    client.force_login(admission.applicant)
    assert client.get(reverse("enrolment:receipt", args=[admission.application_id])).status_code == 404
