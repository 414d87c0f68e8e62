"""Upload rules: versions kept, refusals change nothing, deadlines, totals, initial check."""

from datetime import timedelta

import pytest
from django.core import mail

from gradadmit.core import clock
from gradadmit.core.errors import DeadlinePassed, DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.core.uploads import MB, UploadRejected
from gradadmit.documents.models import Document
from gradadmit.documents.services import record_initial_check, upload_document
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory
from gradadmit.testing.files import pdf_bytes, photo_bytes, upload

pytestmark = pytest.mark.django_db


def cv_of(application):
    return application.program.document_requirements.get(code="cv")


def put(application, content=None, name="cv.pdf", requirement=None):
    return upload_document(
        applicant=application.applicant,
        application=application,
        requirement=requirement or cv_of(application),
        upload=upload(name, content or pdf_bytes()),
    )


def test_reupload_replaces_the_current_file_and_keeps_the_old_one():
    application = ApplicationFactory()
    first = put(application, name="v1.pdf")
    second = put(application, pdf_bytes(pages=2), name="v2.pdf")
    first.refresh_from_db()
    assert not first.is_current and first.replaced_at and second.is_current
    assert first.file.storage.exists(first.file.name)
    assert Document.objects.filter(application=application).count() == 2


def test_stored_name_is_generated_and_original_kept_as_data():
    document = put(ApplicationFactory(), name="../../我的 履歷🎓.pdf")
    assert document.original_name == "我的 履歷🎓.pdf"
    assert "履歷" not in document.file.name and document.file.name.endswith(".pdf")


def test_rejected_upload_leaves_the_previous_file_in_place():
    application = ApplicationFactory()
    good = put(application)
    with pytest.raises(UploadRejected):
        put(application, b"<html>not a pdf</html>")
    good.refresh_from_db()
    assert good.is_current
    assert Document.objects.filter(application=application).count() == 1


def test_upload_after_the_deadline_is_refused():
    application = ApplicationFactory()
    application.program.cycle.milestones.filter(kind="documents").update(ends_at=clock.now() - timedelta(seconds=1))
    with pytest.raises(DeadlinePassed):
        put(application)
    assert not Document.objects.exists()


def test_item_of_another_programme_is_refused():
    application, other = ApplicationFactory(), ApplicationFactory()
    with pytest.raises(DomainError):
        put(application, requirement=cv_of(other))


def test_in_service_item_is_not_for_general_applicants():
    application = ApplicationFactory()
    item = application.program.document_requirements.create(
        code="service", name_zh="服務證明", applies_to="in_service", order=9
    )
    with pytest.raises(DomainError):
        put(application, requirement=item)


def test_total_limit_per_application():
    application = ApplicationFactory(program__max_total_upload_mb=1)
    put(application, pdf_bytes(padding=600_000))
    photo = application.program.document_requirements.get(code="photo")
    extra = application.program.document_requirements.create(code="extra", name_zh="其他", order=5)
    with pytest.raises(UploadRejected):
        put(application, pdf_bytes(padding=600_000), requirement=extra)
    assert put(application, photo_bytes(), name="me.jpg", requirement=photo).is_current


def test_withdrawn_application_takes_no_uploads():
    application = ApplicationFactory(status="withdrawn")
    with pytest.raises(DomainError):
        put(application)


def test_photo_waits_for_initial_check_and_replacement_request_is_emailed(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    photo = put(application, photo_bytes(), name="me.jpg", requirement=application.program.document_requirements.get(
        code="photo"))  # fmt: skip
    assert photo.check_status == Document.Check.NOT_REQUIRED  # the factory's photo item has no check
    photo.requirement.needs_initial_check = True
    photo.requirement.save()
    photo = put(application, photo_bytes(), name="me2.jpg", requirement=photo.requirement)
    assert photo.check_status == Document.Check.PENDING
    office = OfficeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record_initial_check(actor=office, document=photo, passed=False, message="請上傳近三個月內的正面照片")
    photo.refresh_from_db()
    assert photo.check_status == Document.Check.REPLACE
    assert "請上傳近三個月內的正面照片" in mail.outbox[-1].body
    assert AuditEntry.objects.get(action="document.initial_check").actor == office


def test_replacement_request_needs_a_message():
    application = ApplicationFactory()
    document = put(application)
    with pytest.raises(DomainError):
        record_initial_check(actor=OfficeFactory(), document=document, passed=False, message=" ")


def test_sanitised_pdf_is_stored_without_javascript():
    document = put(ApplicationFactory(), pdf_bytes(javascript=True))
    assert document.sanitized
    with document.file.open("rb") as handle:
        assert b"app.alert" not in handle.read()


def test_plain_pdf_is_stored_byte_identical():
    data = pdf_bytes(pages=3)
    document = put(ApplicationFactory(), data)
    with document.file.open("rb") as handle:
        assert handle.read() == data


def test_size_limit_comes_from_the_item():
    application = ApplicationFactory()
    item = cv_of(application)
    item.max_size_mb = 1
    item.save()
    with pytest.raises(UploadRejected):
        put(application, pdf_bytes(padding=MB + 10))
