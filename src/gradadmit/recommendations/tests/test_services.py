"""Recommendation services: adding, editing, notices and their send result, answers, letters, reminders."""

import io
import re
from datetime import timedelta

import pikepdf
import pytest
from django.core import mail

from gradadmit.core import clock
from gradadmit.core.checklist import ChecklistContext, RowStatus
from gradadmit.core.deadlines import calendars_for
from gradadmit.core.errors import DeadlinePassed, DomainError
from gradadmit.core.mail import SEPARATOR
from gradadmit.core.models import AuditEntry
from gradadmit.core.uploads import UploadRejected
from gradadmit.cycles.models import Milestone
from gradadmit.notifications.models import Message
from gradadmit.recommendations import services
from gradadmit.recommendations.checklist import recommendation_rows
from gradadmit.recommendations.models import RecommendationLetter, RecommendationNotice, RecommendationRequest
from gradadmit.recommendations.selectors import hash_token, request_for_token
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory, RecommendationRequestFactory
from gradadmit.testing.files import pdf_bytes, pdf_of_size, upload

from .helpers import ANSWERS, RECOMMENDER, accepted, add, close_letters

pytestmark = pytest.mark.django_db
LINK = re.compile(r"/recommend/([A-Za-z0-9_-]+)/")


def sent_token(index=-1) -> str:
    return LINK.findall(mail.outbox[index].body)[0]


def test_adding_a_recommender_emails_a_bilingual_link_through_the_task(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add(application)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["prof.chen@example.edu.tw"]  # stored lower-cased
    assert SEPARATOR in email.body and application.program.name_zh in email.body
    notice = recommendation.notices.get()
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.sent_at is not None


def test_the_token_is_long_random_and_stored_only_hashed(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add(application)
    token = sent_token()
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    notice = recommendation.notices.get()
    assert notice.token_hash == hash_token(token) and token not in notice.token_hash
    assert request_for_token(token) == recommendation


def test_no_email_leaves_when_the_transaction_rolls_back(application, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        add(application)
        raise RuntimeError
    assert mail.outbox == []


def test_same_email_twice_on_one_application_is_refused_whatever_the_case(application):
    add(application)
    with pytest.raises(DomainError):
        add(application, email="PROF.CHEN@example.EDU.tw", name="Another")
    assert RecommendationRequest.objects.count() == 1


def test_the_same_recommender_may_be_asked_for_another_programme(application):
    add(application)
    other = ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
    add(other)
    assert RecommendationRequest.objects.count() == 2


def test_the_applicant_cannot_recommend_themselves(application):
    with pytest.raises(DomainError):
        add(application, email=application.applicant.email.upper())


def test_programme_without_letters_refuses_recommenders():
    application = ApplicationFactory(program__recommendation_policy="none")
    with pytest.raises(DomainError):
        add(application)


def test_adding_after_the_deadline_is_refused(application):
    close_letters(application.program.cycle)
    with pytest.raises(DeadlinePassed):
        add(application)
    assert not RecommendationRequest.objects.exists()


def test_the_cycles_own_letters_deadline_wins_over_documents(application, letters_deadline):
    Milestone.objects.filter(cycle=application.program.cycle, kind="documents").update(
        ends_at=clock.now() - timedelta(hours=1)
    )
    assert add(application).pk  # the letters step is still open


def test_editing_never_changes_the_email(application):
    recommendation = add(application)
    services.update_recommender(
        applicant=application.applicant,
        request=recommendation,
        data={**RECOMMENDER, "email": "x@evil.tw", "name": "陳教授"},
    )
    recommendation.refresh_from_db()
    assert recommendation.name == "陳教授" and recommendation.email == "prof.chen@example.edu.tw"


def test_editing_is_refused_once_the_recommender_started(application):
    recommendation = add(application)
    services.accept(request=recommendation)
    with pytest.raises(DomainError):
        services.update_recommender(applicant=application.applicant, request=recommendation, data=RECOMMENDER)


def test_delete_is_allowed_until_submitted(application):
    first, second = add(application), add(application, email="second@example.tw")
    accepted(first)
    services.delete_recommender(applicant=application.applicant, request=first)
    services.submit_upload(request=accepted(second), upload=upload("letter.pdf", pdf_bytes()))
    with pytest.raises(DomainError):
        services.delete_recommender(applicant=application.applicant, request=second)
    assert list(RecommendationRequest.objects.all()) == [second]


def test_resend_sends_the_message_with_a_new_link_and_old_links_keep_working(
    application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add(application)
    first = sent_token()
    RecommendationNotice.objects.update(created_at=clock.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(
            applicant=application.applicant, request=recommendation, message="麻煩老師 4/22 前完成"
        )
    assert "麻煩老師 4/22 前完成" in mail.outbox[-1].body
    second = sent_token()
    assert first != second
    assert request_for_token(first) == request_for_token(second) == recommendation
    assert [n.kind for n in recommendation.notices.order_by("created_at")] == ["invitation", "resend"]


def test_resend_right_after_a_notice_is_refused(application):
    recommendation = add(application)
    with pytest.raises(DomainError):
        services.resend_invitation(applicant=application.applicant, request=recommendation)


def test_a_refused_address_is_recorded_on_the_notice(application, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "gradadmit.recommendations.tests.helpers.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add(application)
    notice = recommendation.notices.get()
    assert notice.status == "failed" and "SMTPRecipientsRefused" in notice.error and notice.sent_at is None


def test_decline_tells_the_applicant_with_the_reason(application):
    recommendation = add(application)
    services.decline(request=recommendation, reason="出國中")
    recommendation.refresh_from_db()
    assert recommendation.status == "declined" and recommendation.decline_reason == "出國中"
    message = Message.objects.get(recipient=application.applicant, kind="recommendations/declined")
    assert "出國中" in message.body_zh


def test_upload_completes_the_request_and_keeps_the_pdf(application):
    recommendation = accepted(add(application))
    letter = services.submit_upload(request=recommendation, upload=upload("my letter.pdf", pdf_bytes(2)))
    recommendation.refresh_from_db()
    assert recommendation.status == "completed" and recommendation.letter == letter
    assert letter.pages == 2 and letter.original_name == "my letter.pdf"
    assert letter.file.read().startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="recommendation.submit").count() == 1


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00 not a pdf", pdf_bytes(encrypt=True), pdf_of_size(10 * 1024 * 1024 + 10)],
    ids=["renamed-exe", "encrypted", "over-10MB"],
)  # fmt: skip
def test_bad_letter_files_are_refused_and_change_nothing(application, content):
    recommendation = accepted(add(application))
    with pytest.raises(UploadRejected):
        services.submit_upload(request=recommendation, upload=upload("letter.pdf", content))
    recommendation.refresh_from_db()
    assert recommendation.status == "opened" and not RecommendationLetter.objects.exists()


def test_the_form_becomes_a_pdf(application):
    recommendation = accepted(add(application))
    letter = services.submit_form(request=recommendation, answers=ANSWERS)
    assert letter.kind == "form" and letter.form_data["overall"] == "strongly"
    with pikepdf.open(io.BytesIO(letter.file.read())) as pdf:
        assert len(pdf.pages) >= 1


def test_double_submission_is_refused_and_keeps_the_first_letter(application):
    recommendation = accepted(add(application))
    first = services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()))
    with pytest.raises(DomainError):
        services.submit_upload(request=recommendation, upload=upload("b.pdf", pdf_bytes(3)))
    recommendation.refresh_from_db()
    assert recommendation.letter == first and RecommendationLetter.objects.count() == 1


def test_submission_after_the_deadline_is_refused(application):
    recommendation = accepted(add(application))
    close_letters(application.program.cycle)
    with pytest.raises(DeadlinePassed):
        services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()))


def test_format_of_the_programme_is_enforced(application):
    application.program.recommendation_format = "form"
    application.program.save()
    recommendation = accepted(add(application))
    with pytest.raises(DomainError):
        services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()))


def test_one_letter_serves_several_programmes_when_chosen(application):
    other = ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
    third = ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
    here, there, elsewhere = add(application), add(other), add(third)
    letter = services.submit_upload(request=accepted(here), upload=upload("a.pdf", pdf_bytes()), also=[there.pk])
    assert set(letter.requests.all()) == {here, there}
    elsewhere.refresh_from_db()
    assert elsewhere.status == "invited"


def test_a_letter_cannot_be_given_to_a_stranger_s_request(application):
    stranger = RecommendationRequestFactory(email="prof.chen@example.edu.tw")
    recommendation = accepted(add(application))
    with pytest.raises(DomainError):
        services.submit_upload(request=recommendation, upload=upload("a.pdf", pdf_bytes()), also=[stranger.pk])
    stranger.refresh_from_db()
    assert stranger.status == "invited"


def test_a_draft_needs_agreement_and_keeps_only_the_forms_fields(application):
    recommendation = add(application)
    with pytest.raises(DomainError):
        services.save_draft(request=recommendation, data={"comments": "x"})
    accepted(recommendation)
    saved = services.save_draft(request=recommendation, data={"comments": "半", "evil": "x", "overall": "y" * 9000})
    assert saved.form_draft == {"comments": "半", "overall": "y" * 4000}


def test_a_withdrawn_application_s_links_stop_working(application):
    recommendation = RecommendationRequestFactory(application=application)
    from gradadmit.testing.factories import recommendation_token

    token = recommendation_token(recommendation)
    application.status = "withdrawn"
    application.save()
    assert request_for_token(token) is None


# --- reminders -------------------------------------------------------------------------------


def deadline_in(application, delta):
    Milestone.objects.filter(cycle=application.program.cycle, kind="documents").update(ends_at=clock.now() + delta)


def invited_long_ago(application, **changes):
    recommendation = add(application, **changes)
    RecommendationNotice.objects.filter(request=recommendation).update(created_at=clock.now() - timedelta(days=6))
    return recommendation


def test_reminders_go_out_once_three_days_and_once_one_day_before(application, django_capture_on_commit_callbacks):
    deadline_in(application, timedelta(days=2, hours=12))
    invited_long_ago(application)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders() == 1
        assert services.send_due_reminders() == 0
    assert "Reminder" in mail.outbox[-1].subject or "提醒" in mail.outbox[-1].subject
    later = clock.now() + timedelta(days=2)
    assert services.send_due_reminders(now=later) == 1
    assert services.send_due_reminders(now=later) == 0
    assert sorted(RecommendationNotice.objects.values_list("kind", flat=True)) == [
        "invitation", "reminder_1d", "reminder_3d",
    ]  # fmt: skip


def test_reminders_skip_finished_and_just_invited_recommenders(application):
    deadline_in(application, timedelta(days=2))
    services.decline(request=invited_long_ago(application, email="a@example.tw"))
    services.submit_upload(request=accepted(invited_long_ago(application, email="b@example.tw")),
                           upload=upload("a.pdf", pdf_bytes()))  # fmt: skip
    add(application, email="c@example.tw")  # invited a minute ago: no reminder on top
    assert services.send_due_reminders() == 0


def test_reminders_are_not_sent_long_before_or_after_the_deadline(application):
    invited_long_ago(application)
    assert services.send_due_reminders() == 0  # 10 days left
    deadline_in(application, -timedelta(hours=1))
    assert services.send_due_reminders() == 0


# --- checklist and packet --------------------------------------------------------------------------


def checklist_row(application):
    calendars = calendars_for([application.program.cycle], application.applicant)
    context = ChecklistContext(application.applicant, None, calendars, "all")
    return recommendation_rows([application], context)[application.id][0]


def test_at_least_n_stays_incomplete_until_n_letters_are_completed(application):
    first, second = accepted(add(application)), accepted(add(application, email="second@example.tw"))
    assert checklist_row(application).status == RowStatus.PENDING
    services.submit_upload(request=first, upload=upload("a.pdf", pdf_bytes()))
    row = checklist_row(application)
    assert row.status == RowStatus.PENDING and not row.is_done
    services.submit_form(request=second, answers=ANSWERS)
    assert checklist_row(application).is_done


def test_optional_letters_never_block(application):
    application.program.recommendation_policy = "optional"
    application.program.save()
    row = checklist_row(application)
    assert row.is_done and row.status == RowStatus.NOT_REQUIRED


def test_letters_are_in_the_review_packet_with_a_bookmark_each(application):
    from gradadmit.documents.packets import build_application_packet

    services.submit_upload(request=accepted(add(application)), upload=upload("a.pdf", pdf_bytes(2)))
    services.submit_form(request=accepted(add(application, email="lin@example.tw", name="林美華")), answers=ANSWERS)
    out = io.BytesIO()
    pages = build_application_packet(application, out)
    with pikepdf.open(io.BytesIO(out.getvalue())) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert any("陳大文" in title for title in titles) and any("林美華" in title for title in titles)
    assert pages >= 1 + 2 + 1
