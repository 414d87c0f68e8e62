"""Ticket PDFs (only after publication and the calendar time; own only), the public list, batches, accommodations."""

import io
import zipfile
from datetime import timedelta

import pikepdf
import pytest
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.exams.models import AdmissionTicket, TicketBatch
from gradadmit.exams.services import add_interview_slot, assign_exam_numbers, assign_interview_slots, publish_results
from gradadmit.exams.tests.conftest import qualify
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, upload_required_documents
from gradadmit.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_app(program):
    application = ApplicationFactory(program=program)
    upload_required_documents(application)
    return qualify(application)


def prepare(program, staff):
    start = clock.now() + timedelta(days=20)
    add_interview_slot(actor=staff, program=program, starts_at=start, ends_at=start + timedelta(hours=2),
                       room="E301 電機館", capacity=10)  # fmt: skip
    assign_exam_numbers(actor=staff, program=program)
    assign_interview_slots(actor=staff, program=program)


def ticket_url(application):
    return reverse("exams:ticket_pdf", args=[application.pk])


def test_printing_a_ticket_before_publication_is_404(client, program, staff, applicant_app):
    prepare(program, staff)
    client.force_login(applicant_app.applicant)
    assert client.get(ticket_url(applicant_app)).status_code == 404


def test_printing_before_the_calendar_time_is_404_then_allowed(client, program, staff, applicant_app):
    Milestone.objects.create(cycle=program.cycle, kind="eligibility_result", starts_at=clock.now() + timedelta(days=1))
    prepare(program, staff)
    publish_results(actor=staff, program=program)
    client.force_login(applicant_app.applicant)
    assert client.get(ticket_url(applicant_app)).status_code == 404
    Milestone.objects.filter(kind="eligibility_result").update(starts_at=clock.now() - timedelta(minutes=1))
    assert client.get(ticket_url(applicant_app)).status_code == 200


def test_published_ticket_is_a_pdf_with_the_photo_and_chinese_font(client, program, staff, applicant_app):
    prepare(program, staff)
    publish_results(actor=staff, program=program)
    client.force_login(applicant_app.applicant)
    response = client.get(ticket_url(applicant_app))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        page = pdf.pages[0]
        assert len(page.get_images()) == 1  # the photo
        fonts = {str(font.get("/BaseFont")) for font in page.resources.get("/Font", {}).values()}
    assert any("GradAdmit" in name or "CJK" in name for name in fonts), fonts


def test_another_applicants_ticket_is_404(client, program, staff, applicant_app):
    prepare(program, staff)
    publish_results(actor=staff, program=program)
    other = ApplicationFactory()
    client.force_login(other.applicant)
    assert client.get(ticket_url(applicant_app)).status_code == 404


def test_staff_ticket_of_another_department_is_404(client, program, staff, applicant_app):
    prepare(program, staff)
    ticket = AdmissionTicket.objects.get(application=applicant_app)
    client.force_login(DepartmentStaffFactory())
    assert client.get(reverse("exams:staff_ticket_pdf", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("exams:admin", args=[program.pk])).status_code == 404
    assert client.post(reverse("exams:publish", args=[program.pk])).status_code == 404


def test_interview_list_shows_masked_names_only_once_visible(client, program, staff, applicant_app):
    prepare(program, staff)
    url = reverse("exams:interview_list", args=[program.pk])
    assert "王○明" not in client.get(url).content.decode()
    publish_results(actor=staff, program=program)
    page = client.get(url).content.decode()
    ticket = AdmissionTicket.objects.get(application=applicant_app)
    assert "王○明" in page and ticket.exam_number in page and "E301" in page and "王小明" not in page


def test_ticket_batch_builds_a_zip_with_one_pdf_per_ticket(
    client, program, staff, applicant_app, django_capture_on_commit_callbacks
):
    qualify(ApplicationFactory(program=program))
    prepare(program, staff)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exams:request_batch", args=[program.pk])).status_code == 302
    batch = TicketBatch.objects.get(program=program)
    assert batch.status == "done" and batch.done == 2, batch.error
    response = client.get(reverse("exams:batch_download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"ticket-{t.exam_number}.pdf" for t in AdmissionTicket.objects.all())


def test_ticket_row_appears_in_the_dashboard_after_publication(client, program, staff, applicant_app):
    prepare(program, staff)
    client.force_login(applicant_app.applicant)
    assert ticket_url(applicant_app) not in client.get(reverse("applications:dashboard")).content.decode()
    publish_results(actor=staff, program=program)
    assert ticket_url(applicant_app) in client.get(reverse("applications:dashboard")).content.decode()


def test_accommodation_form_and_staff_decision(client, program, staff):
    application = ApplicationFactory(program=program)
    client.force_login(application.applicant)
    url = reverse("exams:accommodation", args=[application.pk])
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {
        "category": "limb_upper", "severity": "mild", "certificate_number": "B-1", "description": "右手骨折",
        "extra_time": "on", "proof_file": SimpleUploadedFile("proof.pdf", pdf_bytes(), "application/pdf"),
    })  # fmt: skip
    assert response.status_code == 302
    client.force_login(staff)
    page = client.get(reverse("exams:accommodations", args=[program.pk]))
    (request,) = page.context["requests"]
    client.post(reverse("exams:decide_accommodation", args=[request.pk]), {"decision": "approve", "note": "延長20分鐘"})
    request.refresh_from_db()
    assert request.status == "approved"


def test_another_applicants_accommodation_page_is_404(client, program):
    application, other = ApplicationFactory(program=program), ApplicationFactory()
    client.force_login(other.applicant)
    assert client.get(reverse("exams:accommodation", args=[application.pk])).status_code == 404


def test_a_failed_ticket_batch_can_be_tried_again(
    client, program, staff, applicant_app, django_capture_on_commit_callbacks
):
    prepare(program, staff)
    batch = TicketBatch.objects.create(program=program, status="failed", error="OSError")
    client.force_login(staff)
    partial = client.get(reverse("exams:batches", args=[program.pk])).content.decode()
    assert reverse("exams:batch_retry", args=[batch.pk]) in partial and 'data-live-active="false"' in partial
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exams:batch_retry", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == batch.total == 1


def test_a_ticket_batch_whose_worker_died_is_built_again_from_the_start(program, staff, applicant_app):
    from gradadmit.exams.tasks import build_ticket_batch

    prepare(program, staff)
    batch = TicketBatch.objects.create(program=program, status="running", done=5, total=1)
    build_ticket_batch.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 1)
    assert len(zipfile.ZipFile(batch.file.open("rb")).namelist()) == 1
