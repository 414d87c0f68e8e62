"""Mailing services: refusals (nobody, own approval, twice, after sending), the sending task, resume, cancel."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.exams.models import AdmissionTicket
from gradadmit.mailings import services
from gradadmit.mailings.models import Mailing, MailingRecipient
from gradadmit.mailings.tasks import send_mailing
from gradadmit.notifications.models import Message
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory

from .helpers import approved_mailing, mailing_fields, write_mailing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
Status = Mailing.Status


@pytest.fixture
def applications(program):
    return [ApplicationFactory(program=program) for _ in range(5)]


def run_task(mailing):
    send_mailing.call(mailing_id=mailing.pk)
    mailing.refresh_from_db()


def test_a_mailing_nobody_matches_is_refused_before_it_is_saved(office, program):
    with pytest.raises(DomainError, match="No applicant matches"):
        write_mailing(office, program.cycle, program)
    assert not Mailing.objects.exists()


def test_an_unknown_placeholder_is_refused_by_the_service_too(office, program, applications):
    with pytest.raises(DomainError, match=r"Unknown placeholder \{score\}"):
        write_mailing(office, program.cycle, program, body_en="Your score: {score}")


def test_deadline_placeholder_needs_a_deadline(office, program, applications):
    with pytest.raises(DomainError, match="uses {deadline}"):
        write_mailing(office, program.cycle, program, body_zh="請於 {deadline} 前繳費")
    mailing = write_mailing(office, program.cycle, program, body_zh="請於 {deadline} 前繳費", deadline=clock.now())
    assert mailing.deadline is not None


def test_department_staff_cannot_write_to_another_programme(dept, program):
    other = ProgramFactory(cycle=program.cycle)
    ApplicationFactory(program=other)
    with pytest.raises(DomainError, match="programmes assigned to you"):
        write_mailing(dept, program.cycle, other)
    with pytest.raises(DomainError, match="a mailing to a whole cycle is the office's"):
        write_mailing(dept, program.cycle, None)


def test_out_of_scope_numbers_are_refused(dept, program, applications):
    other = ApplicationFactory(program=ProgramFactory(cycle=program.cycle))
    with pytest.raises(DomainError, match=str(other.pk)):
        write_mailing(dept, program.cycle, program, application_numbers=[applications[0].pk, other.pk])


def test_submitting_freezes_one_recipient_per_applicant(office, program, applications):
    mailing = write_mailing(office, program.cycle, None)
    ApplicationFactory(program=ProgramFactory(cycle=program.cycle), applicant=applications[0].applicant)
    assert services.submit_mailing(actor=office, mailing=mailing) == 5
    mailing.refresh_from_db()
    assert mailing.status == Status.SUBMITTED
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 5
    ApplicationFactory(program=program)  # applies later: not on the frozen list
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 5


def test_submitting_twice_is_refused(office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    with pytest.raises(DomainError, match="already submitted"):
        services.submit_mailing(actor=office, mailing=mailing)
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 5


def test_submitting_when_nobody_matches_any_more_is_refused(office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    for application in applications:
        application.status = "withdrawn"
        application.save()
    with pytest.raises(DomainError, match="No applicant matches"):
        services.submit_mailing(actor=office, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Status.DRAFT


def test_exam_number_placeholder_needs_every_recipient_to_have_one(office, program, applications):
    mailing = write_mailing(office, program.cycle, program, body_en="Your exam number: {exam_number}")
    with pytest.raises(DomainError, match="5 recipients have no exam number yet"):
        services.submit_mailing(actor=office, mailing=mailing)
    for n, application in enumerate(applications, start=1):
        AdmissionTicket.objects.create(
            application=application, program=program, exam_number=f"M01{n:03d}", sequence=n, assigned_at=clock.now()
        )
    assert services.submit_mailing(actor=office, mailing=mailing) == 5


def test_the_author_cannot_approve_their_own_mailing(office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    with pytest.raises(DomainError, match="You wrote this mailing, so you cannot approve it"):
        services.approve_mailing(actor=office, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Status.SUBMITTED


def test_department_staff_cannot_approve(dept, office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    with pytest.raises(DomainError, match="Only admissions office staff approve"):
        services.approve_mailing(actor=dept, mailing=mailing)


def test_a_draft_cannot_be_approved(office, second_office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    with pytest.raises(DomainError, match="Submit it first"):
        services.approve_mailing(actor=second_office, mailing=mailing)


def test_approving_twice_queues_one_sending(office, second_office, program, applications,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_mailing(actor=second_office, mailing=mailing)
    with pytest.raises(DomainError, match="already approved"), django_capture_on_commit_callbacks(execute=True):
        services.approve_mailing(actor=second_office, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Status.SENT
    assert Message.objects.filter(kind="mailing").count() == 5
    assert Email.objects.filter(cause=f"mailing:{mailing.pk}").count() == 5
    assert AuditEntry.objects.filter(action="mailing.approved", target_id=str(mailing.pk)).count() == 1


def test_editing_an_approved_mailing_needs_approval_again(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    assert mailing.status == Status.APPROVED
    edited = services.update_mailing(actor=office, mailing=mailing, **mailing_fields(program.cycle, program,
                                      subject_en="{program}: the fee is still unpaid"))  # fmt: skip
    assert edited.needs_approval_again
    mailing.refresh_from_db()
    assert (mailing.status, mailing.decided_by, mailing.submitted_by) == (Status.DRAFT, None, None)
    assert not MailingRecipient.objects.filter(mailing=mailing).exists()
    run_task(mailing)  # the task queued by the first approval finds a draft: it sends nothing
    assert mailing.status == Status.DRAFT and not Message.objects.filter(kind="mailing").exists()
    with pytest.raises(DomainError, match="Submit it first"):
        services.approve_mailing(actor=second_office, mailing=mailing)


def test_a_mailing_being_sent_cannot_be_edited(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=mailing.pk, size=2)
    with pytest.raises(DomainError, match="cannot change any more"):
        services.update_mailing(actor=office, mailing=mailing, **mailing_fields(program.cycle, program))


def test_rejecting_needs_a_reason_and_a_second_office_member(office, second_office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    with pytest.raises(DomainError, match="Give the reason"):
        services.reject_mailing(actor=second_office, mailing=mailing, reason=" ")
    with pytest.raises(DomainError, match="a second member of the office decides"):
        services.reject_mailing(actor=office, mailing=mailing, reason="typo")
    services.reject_mailing(actor=second_office, mailing=mailing, reason="The fee amount is wrong.")
    mailing.refresh_from_db()
    assert mailing.status == Status.REJECTED and mailing.rejection_reason == "The fee amount is wrong."
    entry = AuditEntry.objects.get(action="mailing.rejected")
    assert entry.reason == "The fee amount is wrong." and entry.actor == second_office


def test_the_task_sends_to_every_recipient_once(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    run_task(mailing)
    assert mailing.status == Status.SENT and mailing.finished_at is not None
    messages = Message.objects.filter(kind="mailing")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted(a.applicant_id for a in applications)
    assert all(m.email is not None for m in messages)
    recipient = MailingRecipient.objects.select_related("message", "email", "application__program").first()
    name = recipient.application.program.name_en
    assert recipient.message.subject_en == f"{name}: application fee unpaid"
    assert recipient.message.body_zh.startswith("王小明 您好")
    assert "http://localhost:8000/me/" in recipient.message.body_en
    assert recipient.email.to == recipient.applicant.email and recipient.email.cause == f"mailing:{mailing.pk}"
    run_task(mailing)  # once more (a retried task): nothing new
    assert Message.objects.filter(kind="mailing").count() == 5
    assert Email.objects.filter(cause=f"mailing:{mailing.pk}").count() == 5


def test_a_worker_killed_in_the_middle_resumes_with_the_rest(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    first = services.send_next_batch(mailing_id=mailing.pk, size=2)
    assert (first.sent, first.finished) == (2, False)
    mailing.refresh_from_db()
    assert mailing.status == Status.SENDING
    run_task(mailing)  # the worker died; the requeued task runs again
    assert mailing.status == Status.SENT
    per_applicant = sorted(Message.objects.filter(kind="mailing").values_list("recipient_id", flat=True))
    assert per_applicant == sorted(a.applicant_id for a in applications)  # everyone once
    assert Email.objects.filter(cause=f"mailing:{mailing.pk}").count() == 5


def test_cancelling_while_it_sends_stops_the_rest(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=mailing.pk, size=2)
    cancelled = services.cancel_mailing(actor=second_office, mailing=mailing)
    assert cancelled == 2  # the two queued emails of the first batch, not yet delivered
    run_task(mailing)
    assert mailing.status == Status.CANCELLED
    assert Message.objects.filter(kind="mailing").count() == 2
    assert set(Email.objects.filter(cause=f"mailing:{mailing.pk}").values_list("status", flat=True)) == {"cancelled"}
    assert MailingRecipient.objects.filter(mailing=mailing, done_at__isnull=True).count() == 3
    with pytest.raises(DomainError, match="nothing left to cancel"):
        services.cancel_mailing(actor=second_office, mailing=mailing)


def test_cancelling_a_sent_mailing_stops_emails_still_queued(office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    run_task(mailing)
    Email.objects.filter(pk=MailingRecipient.objects.filter(mailing=mailing).first().email_id).update(
        status="sent", sent_at=clock.now()
    )
    assert services.cancel_mailing(actor=office, mailing=mailing) == 4
    Email.objects.filter(cause=f"mailing:{mailing.pk}").update(status="sent")
    mailing.status = Status.SENT
    mailing.save()
    with pytest.raises(DomainError, match="nothing left to cancel"):
        services.cancel_mailing(actor=office, mailing=mailing)


def test_only_the_author_or_the_office_cancel(dept, office, program, applications):
    from gradadmit.testing.factories import DepartmentStaffFactory, assign

    mailing = write_mailing(dept, program.cycle, program)
    colleague = DepartmentStaffFactory()
    assign(colleague, program)
    with pytest.raises(DomainError, match="Only the author or the admissions office"):
        services.cancel_mailing(actor=colleague, mailing=mailing)
    services.cancel_mailing(actor=dept, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Status.CANCELLED


def test_every_step_is_audited(office, second_office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.update_mailing(
        actor=office, mailing=mailing, **mailing_fields(program.cycle, program, subject_zh="繳費提醒")
    )
    services.submit_mailing(actor=office, mailing=mailing)
    services.approve_mailing(actor=second_office, mailing=mailing)
    services.cancel_mailing(actor=office, mailing=mailing)
    actions = list(
        AuditEntry.objects.filter(target_type="mailings.mailing", target_id=str(mailing.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "mailing.created",
        "mailing.edited",
        "mailing.submitted",
        "mailing.approved",
        "mailing.cancelled",
    ]
    edited = AuditEntry.objects.get(action="mailing.edited")
    assert edited.before["subject_zh"] != edited.after["subject_zh"] == "繳費提醒"


def test_deadline_is_shown_in_the_roc_calendar_in_chinese(office, second_office, program, applications):
    deadline = clock.now().replace(year=2024, month=12, day=18, hour=9, minute=0) + timedelta(hours=0)
    mailing = approved_mailing(office, second_office, program.cycle, program, body_zh="請於 {deadline} 前繳費",
                               body_en="Pay by {deadline}", deadline=deadline)  # fmt: skip
    run_task(mailing)
    message = Message.objects.filter(kind="mailing").first()
    assert "113年12月18日" in message.body_zh and "2024" in message.body_en
