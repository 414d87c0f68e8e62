"""Exam numbers (order, frozen once published), slots, publishing and reopening, accommodation requests."""

from datetime import timedelta

import pytest
from django.core import mail

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.exams.models import AccommodationRequest, AdmissionTicket, Publication
from gradadmit.exams.services import (
    add_interview_slot,
    assign_exam_numbers,
    assign_interview_slots,
    decide_accommodation,
    publish_results,
    reopen_results,
    submit_accommodation,
)
from gradadmit.exams.tests.conftest import qualify
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ReviewDecisionFactory
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def numbers(program):
    return {t.application_id: t.exam_number for t in AdmissionTicket.objects.filter(program=program)}


def test_numbers_follow_identity_then_application_time(program, staff):
    now = clock.now()
    late_general = qualify(ApplicationFactory(program=program, applied_at=now))
    in_service = qualify(ApplicationFactory(program=program, identity="in_service", applied_at=now - timedelta(days=3)))
    early_general = qualify(ApplicationFactory(program=program, applied_at=now - timedelta(days=1)))
    ReviewDecisionFactory(application=ApplicationFactory(program=program), result="not_qualified", reason="degree")
    assert assign_exam_numbers(actor=staff, program=program) == 3
    code = program.code
    assert numbers(program) == {
        early_general.pk: f"{code}001",
        late_general.pk: f"{code}002",
        in_service.pk: f"{code}003",
    }


def test_numbering_again_before_publication_puts_late_decisions_in_order(program, staff):
    now = clock.now()
    second = qualify(ApplicationFactory(program=program, applied_at=now))
    assign_exam_numbers(actor=staff, program=program)
    first = qualify(ApplicationFactory(program=program, applied_at=now - timedelta(days=1)))
    assign_exam_numbers(actor=staff, program=program)
    assert numbers(program) == {first.pk: f"{program.code}001", second.pk: f"{program.code}002"}


def publish(program, staff):
    assign_exam_numbers(actor=staff, program=program)
    return publish_results(actor=staff, program=program)


def test_numbers_never_change_after_publication(program, staff):
    now = clock.now()
    qualify(ApplicationFactory(program=program, applied_at=now))
    publish(program, staff)
    published = numbers(program)
    with pytest.raises(DomainError):
        assign_exam_numbers(actor=staff, program=program)
    reopen_results(actor=OfficeFactory(), program=program, reason="late committee decision")
    earlier = qualify(ApplicationFactory(program=program, applied_at=now - timedelta(days=5)))
    assign_exam_numbers(actor=staff, program=program)
    after = numbers(program)
    assert {k: v for k, v in after.items() if k in published} == published
    assert after[earlier.pk] == f"{program.code}002"  # appended, although it applied earlier


def test_publication_is_refused_while_something_is_undecided(program, staff):
    qualify(ApplicationFactory(program=program))
    ApplicationFactory(program=program)  # not reviewed
    assign_exam_numbers(actor=staff, program=program)
    with pytest.raises(DomainError, match="1"):
        publish_results(actor=staff, program=program)
    assert not Publication.objects.filter(program=program, state="published").exists()


def test_publication_needs_exam_numbers(program, staff):
    qualify(ApplicationFactory(program=program))
    with pytest.raises(DomainError):
        publish_results(actor=staff, program=program)


def test_publication_notifies_qualified_applicants_and_is_audited(program, staff, django_capture_on_commit_callbacks):
    application = qualify(ApplicationFactory(program=program))
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(program, staff)
    assert publication.state == "published" and publication.first_published_at
    assert AuditEntry.objects.filter(action="exams.publish").exists()
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]


def test_publishing_twice_is_refused(program, staff):
    qualify(ApplicationFactory(program=program))
    publish(program, staff)
    with pytest.raises(DomainError):
        publish_results(actor=staff, program=program)


def test_reopening_needs_a_reason_and_is_audited(program, staff):
    qualify(ApplicationFactory(program=program))
    publish(program, staff)
    with pytest.raises(DomainError):
        reopen_results(actor=staff, program=program, reason=" ")
    reopen_results(actor=staff, program=program, reason="typo")
    assert AuditEntry.objects.get(action="exams.reopen").reason == "typo"


def test_slots_are_filled_in_exam_number_order(program, staff):
    applications = [qualify(ApplicationFactory(program=program)) for _ in range(3)]
    start = clock.now() + timedelta(days=20)
    morning = add_interview_slot(actor=staff, program=program, starts_at=start, ends_at=start + timedelta(hours=1),
                                 room="E301", capacity=2)  # fmt: skip
    noon = add_interview_slot(actor=staff, program=program, starts_at=start + timedelta(hours=2),
                              ends_at=start + timedelta(hours=3), room="E302", capacity=2)  # fmt: skip
    assign_exam_numbers(actor=staff, program=program)
    assert assign_interview_slots(actor=staff, program=program) == 0
    slots = {t.application_id: t.slot_id for t in AdmissionTicket.objects.filter(program=program)}
    assert [slots[a.pk] for a in applications] == [morning.pk, morning.pk, noon.pk]


def test_publication_needs_every_ticket_in_a_slot_when_there_are_slots(program, staff):
    for _ in range(2):
        qualify(ApplicationFactory(program=program))
    start = clock.now() + timedelta(days=20)
    add_interview_slot(actor=staff, program=program, starts_at=start, ends_at=start + timedelta(hours=1), room="E1",
                       capacity=1)  # fmt: skip
    assign_exam_numbers(actor=staff, program=program)
    assert assign_interview_slots(actor=staff, program=program) == 1
    with pytest.raises(DomainError):
        publish_results(actor=staff, program=program)


def test_slot_must_end_after_it_starts(program, staff):
    start = clock.now()
    with pytest.raises(DomainError):
        add_interview_slot(actor=staff, program=program, starts_at=start, ends_at=start, room="E1", capacity=1)


ACCOMMODATION = {"category": "visual", "severity": "moderate", "certificate_number": "A123",
                 "description": "低視能", "enlarged_paper": True}  # fmt: skip


def test_accommodation_request_with_proof_is_decided_and_notified(program, staff, django_capture_on_commit_callbacks):
    application = ApplicationFactory(program=program)
    request = submit_accommodation(
        applicant=application.applicant, application=application, data=ACCOMMODATION,
        proof=upload("certificate.pdf", pdf_bytes()),
    )  # fmt: skip
    assert request.status == "pending" and request.proof_extension == "pdf"
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_accommodation(actor=staff, request=request, approved=True, note="放大試題")
    assert decided.status == "approved" and len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="exams.decide_accommodation").exists()


def test_accommodation_without_a_need_or_with_a_fake_proof_is_refused(program):
    application = ApplicationFactory(program=program)
    with pytest.raises(DomainError):
        submit_accommodation(applicant=application.applicant, application=application,
                             data={**ACCOMMODATION, "enlarged_paper": False}, proof=upload("c.pdf", pdf_bytes()))  # fmt: skip
    with pytest.raises(DomainError):
        submit_accommodation(applicant=application.applicant, application=application, data=ACCOMMODATION,
                             proof=upload("c.pdf", b"<html>not a certificate</html>"))  # fmt: skip
    assert not AccommodationRequest.objects.exists()


def test_refusing_an_accommodation_needs_a_reason(program, staff):
    application = ApplicationFactory(program=program)
    request = submit_accommodation(applicant=application.applicant, application=application, data=ACCOMMODATION,
                                   proof=upload("c.pdf", pdf_bytes()))  # fmt: skip
    with pytest.raises(DomainError):
        decide_accommodation(actor=staff, request=request, approved=False, note="")
