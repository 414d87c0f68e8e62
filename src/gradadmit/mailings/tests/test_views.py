"""Mailing pages: form errors at their fields, preview of three, refusals shown, scoping (404), progress JSON, queries."""

import pytest
from django.urls import reverse

from gradadmit.mailings import services
from gradadmit.mailings.models import Mailing, MailingRecipient
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, ProfileFactory, ProgramFactory
from gradadmit.testing.queries import signed_in_queries

from .helpers import TEXTS, approved_mailing, write_mailing

pytestmark = pytest.mark.django_db


def form_data(cycle, program=None, **fields):
    data = {"cycle": cycle.pk, "program": program.pk if program else "", "identity": "", "application_numbers": "",
            "deadline": "", **TEXTS}  # fmt: skip
    data.update(fields)
    return data


def flashes(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def applications(program):
    return [ApplicationFactory(program=program) for _ in range(4)]


@pytest.mark.parametrize("name", ["list", "create"])
def test_applicants_cannot_open_the_pages(client, name):
    client.force_login(ProfileFactory().user)
    assert client.get(reverse(f"mailings:{name}")).status_code == 403


def test_writing_a_mailing_saves_a_draft_and_shows_its_preview(english, office, program, applications):
    english.force_login(office)
    response = english.post(reverse("mailings:create"), form_data(program.cycle, program, unpaid="on"), follow=True)
    mailing = Mailing.objects.get()
    assert response.redirect_chain[-1][0] == reverse("mailings:detail", args=[mailing.pk])
    assert mailing.status == "draft" and mailing.unpaid and mailing.created_by == office
    previews = response.context["previews"]
    assert len(previews) == 3 and response.context["matching"] == 4
    application, text = previews[0]
    assert text.subject_en == f"{program.name_en}: application fee unpaid"
    assert text.body_zh.startswith("王小明 您好") and "/me/" in text.body_en
    assert "4 applicants match now." in response.content.decode()


def test_an_unknown_placeholder_is_an_error_at_its_field(english, office, program, applications):
    english.force_login(office)
    response = english.post(reverse("mailings:create"), form_data(program.cycle, program, body_en="Hi {nmae}"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["body_en"] and "Unknown placeholder {nmae}" in errors["body_en"][0]
    assert not Mailing.objects.exists()


def test_a_malformed_placeholder_is_an_error_at_its_field(english, office, program, applications):
    english.force_login(office)
    response = english.post(reverse("mailings:create"), form_data(program.cycle, program, subject_zh="{name!r}"))
    assert "Malformed placeholder {name!r}" in response.context["form"].errors["subject_zh"][0]


def test_an_empty_recipient_list_is_refused(english, office, program):
    english.force_login(office)
    response = english.post(reverse("mailings:create"), form_data(program.cycle, program))
    assert "No applicant matches these choices" in response.context["form"].non_field_errors()[0]
    assert not Mailing.objects.exists()


def test_unknown_or_out_of_scope_numbers_are_listed_at_the_field(english, dept, program, applications):
    other = ApplicationFactory(program=ProgramFactory(cycle=program.cycle))
    english.force_login(dept)
    data = form_data(program.cycle, program, application_numbers=f"{applications[0].pk}, {other.pk}\n999999 abc")
    response = english.post(reverse("mailings:create"), data)
    assert "abc" in response.context["form"].errors["application_numbers"][0]
    data["application_numbers"] = f"{applications[0].pk}, {other.pk}\n999999"
    response = english.post(reverse("mailings:create"), data)
    assert f"{other.pk}, 999999 are not applications" in response.context["form"].errors["application_numbers"][0]


def test_department_mailing_to_another_programmes_applicants_is_a_404(client, office, second_office, program):
    other = ProgramFactory(cycle=program.cycle)
    ApplicationFactory(program=other)
    mailing = write_mailing(office, program.cycle, other)
    services.submit_mailing(actor=office, mailing=mailing)
    outsider = DepartmentStaffFactory()
    from gradadmit.testing.factories import assign

    assign(outsider, program)
    client.force_login(outsider)
    for name in ("detail", "edit", "progress"):
        assert client.get(reverse(f"mailings:{name}", args=[mailing.pk])).status_code == 404
    for name in ("submit", "approve", "reject", "cancel"):
        assert client.post(reverse(f"mailings:{name}", args=[mailing.pk]), {"reason": "x"}).status_code == 404
    assert list(client.get(reverse("mailings:list")).context["mailings"]) == []
    response = client.post(reverse("mailings:create"), form_data(program.cycle, other))
    assert "program" in response.context["form"].errors  # not one of the choices


def test_department_staff_write_and_submit_for_their_programme(english, dept, program, applications):
    english.force_login(dept)
    english.post(reverse("mailings:create"), form_data(program.cycle, program))
    mailing = Mailing.objects.get()
    response = english.post(reverse("mailings:submit", args=[mailing.pk]), follow=True)
    assert "Submitted for approval: 4 recipients." in flashes(response)[-1]
    assert b"Approve and send" not in response.content  # approval is the office's


def test_approving_ones_own_mailing_is_refused_with_a_message(english, office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    english.force_login(office)
    response = english.post(reverse("mailings:approve", args=[mailing.pk]), follow=True)
    assert "You wrote this mailing, so you cannot approve it" in flashes(response)[0]
    mailing.refresh_from_db()
    assert mailing.status == "submitted"


def test_double_clicking_approve_sends_once(english, office, second_office, program, applications,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    english.force_login(second_office)
    url = reverse("mailings:approve", args=[mailing.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = english.post(url, follow=True)
        second = english.post(url, follow=True)
    assert "Approved." in flashes(first)[0]
    assert "already approved" in flashes(second)[0]
    assert Email.objects.filter(cause=f"mailing:{mailing.pk}").count() == 4


def test_editing_after_approval_says_it_needs_approval_again(english, office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    english.force_login(office)
    assert b"submitted and approved again" in english.get(reverse("mailings:edit", args=[mailing.pk])).content
    response = english.post(reverse("mailings:edit", args=[mailing.pk]),
                            form_data(program.cycle, program, subject_en="Reminder: {program}"), follow=True)  # fmt: skip
    assert "submit it for approval again" in flashes(response)[0]
    mailing.refresh_from_db()
    assert mailing.status == "draft" and mailing.subject_en == "Reminder: {program}"


def test_rejecting_without_a_reason_is_refused(english, office, second_office, program, applications):
    mailing = write_mailing(office, program.cycle, program)
    services.submit_mailing(actor=office, mailing=mailing)
    english.force_login(second_office)
    response = english.post(reverse("mailings:reject", args=[mailing.pk]), {"reason": ""}, follow=True)
    assert "Give the reason" in flashes(response)[0]
    response = english.post(reverse("mailings:reject", args=[mailing.pk]), {"reason": "Wrong fee."}, follow=True)
    assert "Rejected." in flashes(response)[0] and b"Wrong fee." in response.content


def test_progress_json_counts_the_outbox_states(client, office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=mailing.pk, size=3)
    emails = Email.objects.filter(cause=f"mailing:{mailing.pk}").order_by("id")
    Email.objects.filter(pk=emails[0].pk).update(status="sent")
    Email.objects.filter(pk=emails[1].pk).update(status="failed", last_error="SMTPRecipientsRefused: 550")
    client.force_login(office)
    data = client.get(reverse("mailings:progress", args=[mailing.pk])).json()
    label = data.pop("status_label")
    assert label and data == {"status": "sending", "recipients": 4, "waiting": 1, "queued": 1, "sent": 1, "failed": 1,
                              "cancelled": 0, "active": True}  # fmt: skip


def test_mailing_page_shows_each_recipients_status_and_failure(english, office, second_office, program, applications):
    mailing = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=mailing.pk)
    failed = MailingRecipient.objects.filter(mailing=mailing).order_by("id").first()
    Email.objects.filter(pk=failed.email_id).update(
        status="failed", last_error="SMTPRecipientsRefused: 550 No such user"
    )
    english.force_login(office)
    content = english.get(reverse("mailings:detail", args=[mailing.pk])).content.decode()
    assert "550 No such user" in content and 'aria-live="polite"' in content
    assert "js/mailing-progress.js" in content and "<script>" not in content


def test_mailing_page_queries_do_not_grow_with_recipients(client, office, second_office, program,
                                                         django_assert_num_queries):  # fmt: skip
    for _ in range(3):
        ApplicationFactory(program=program)
    small = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=small.pk)
    for _ in range(12):
        ApplicationFactory(program=program)
    large = approved_mailing(office, second_office, program.cycle, program)
    services.send_next_batch(mailing_id=large.pk)
    client.force_login(office)
    client.get(reverse("mailings:detail", args=[small.pk]))  # warm the session and the content types
    # (session, user,) the mailing, the progress aggregate, one page of recipients with their emails
    with django_assert_num_queries(3 + signed_in_queries()):
        client.get(reverse("mailings:detail", args=[small.pk]))
    with django_assert_num_queries(3 + signed_in_queries()):
        client.get(reverse("mailings:detail", args=[large.pk]))
    with django_assert_num_queries(2 + signed_in_queries()):
        client.get(reverse("mailings:progress", args=[large.pk]))


def test_list_queries_do_not_grow_with_mailings(client, office, program, applications, django_assert_num_queries):
    write_mailing(office, program.cycle, program)
    client.force_login(office)
    client.get(reverse("mailings:list"))
    with django_assert_num_queries(2 + signed_in_queries()):  # (session, user,) count, one page with recipient counts
        client.get(reverse("mailings:list"))
    for _ in range(5):
        write_mailing(office, program.cycle, None)
    with django_assert_num_queries(2 + signed_in_queries()):
        response = client.get(reverse("mailings:list"))
    assert len(response.context["mailings"]) == 6
