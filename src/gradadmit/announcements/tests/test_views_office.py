"""Staff announcement pages: office and department scope, refusals shown, confirmation, attachments, drafts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gradadmit.announcements.models import Announcement, AnnouncementAttachment
from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.exams.models import Publication
from gradadmit.scoring import services as scoring_services
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.factories import ApplicationFactory, ProfileFactory
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import make_announcement

pytestmark = pytest.mark.django_db


def form_data(cycle, program=None, **fields):
    data = {
        "cycle": cycle.pk,
        "program": program.pk if program else "",
        "title_zh": "口試時間公告",
        "body_zh": "口試於下週舉行。",
        "title_en": "Interview times",
        "body_en": "Interviews take place next week.",
        "publish_at": "",
    }
    data.update(fields)
    return data


def local_input(dt):
    return clock.local(dt).strftime("%Y-%m-%dT%H:%M")


def flashes(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("name", ["office_list", "office_create"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(f"announcements:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["office_list", "office_create"])
def test_applicants_cannot_open_the_staff_pages(client, name):
    client.force_login(ProfileFactory().user)
    assert client.get(reverse(f"announcements:{name}")).status_code == 403


def test_applicants_cannot_post(client, cycle, program):
    client.force_login(ProfileFactory().user)
    assert client.post(reverse("announcements:office_create"), form_data(cycle, program)).status_code == 403
    assert not Announcement.objects.exists()


def test_office_posts_a_cycle_wide_announcement(client, office, cycle):
    client.force_login(office)
    response = client.post(reverse("announcements:office_create"), form_data(cycle), follow=True)
    announcement = Announcement.objects.get()
    assert announcement.program is None and announcement.created_by == office
    assert response.redirect_chain[-1][0] == reverse("announcements:office_edit", args=[announcement.pk])


def test_department_form_offers_only_their_programmes_and_no_cycle_wide_choice(client, department, program):
    client.force_login(department)
    form = client.get(reverse("announcements:office_create")).context["form"]
    assert list(form.fields["program"].queryset) == [program]
    assert form.fields["program"].required is True


def test_department_posts_for_their_programme(client, department, cycle, program):
    client.force_login(department)
    client.post(reverse("announcements:office_create"), form_data(cycle, program))
    assert Announcement.objects.get().program == program


def test_cycle_wide_announcement_by_department_is_refused(client, department, cycle):
    client.force_login(department)
    response = client.post(reverse("announcements:office_create"), form_data(cycle))
    assert response.status_code == 200
    assert response.context["form"].errors["program"]
    assert not Announcement.objects.exists()


def test_department_posting_for_another_programme_is_refused(client, department, cycle, other_program):
    client.force_login(department)
    response = client.post(reverse("announcements:office_create"), form_data(cycle, other_program))
    assert response.status_code == 200 and response.context["form"].errors["program"]
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("name", ["office_edit", "office_delete"])
def test_another_programmes_announcement_is_404_for_department_staff(client, department, cycle, other_program, name):
    announcement = make_announcement(cycle, other_program)
    client.force_login(department)
    assert client.get(reverse(f"announcements:{name}", args=[announcement.pk])).status_code == 404
    assert client.post(reverse(f"announcements:{name}", args=[announcement.pk]), form_data(cycle)).status_code == 404
    assert Announcement.objects.filter(pk=announcement.pk, title_zh="公告").exists()


def test_cycle_wide_announcement_is_404_for_department_staff(client, department, cycle):
    announcement = make_announcement(cycle)
    client.force_login(department)
    assert client.get(reverse("announcements:office_edit", args=[announcement.pk])).status_code == 404


def test_department_list_shows_only_their_programmes(client, department, cycle, program, other_program):
    mine = make_announcement(cycle, program)
    make_announcement(cycle, other_program)
    make_announcement(cycle)
    client.force_login(department)
    assert client.get(reverse("announcements:office_list")).context["announcements"] == [mine]


def test_another_programmes_attachments_are_404_for_department_staff(client, department, cycle, other_program):
    announcement = make_announcement(cycle, other_program)
    attachment = AnnouncementAttachment.objects.create(
        announcement=announcement, file="announcements/x.pdf", original_name="x.pdf", size=1, sha256="0",
        uploaded_at=clock.now(),
    )  # fmt: skip
    client.force_login(department)
    assert client.get(reverse("announcements:office_attachment", args=[attachment.pk])).status_code == 404
    url = reverse("announcements:office_remove_attachment", args=[attachment.pk])
    assert client.post(url).status_code == 404
    add = reverse("announcements:office_add_attachment", args=[announcement.pk])
    assert client.post(add, {"file": upload("a.pdf", pdf_bytes())}).status_code == 404
    assert AnnouncementAttachment.objects.filter(pk=attachment.pk).exists()


def test_past_publish_time_is_published_now_and_the_page_says_so(english, office, cycle):
    english.force_login(office)
    past = local_input(clock.now() - timedelta(days=1))
    response = english.post(reverse("announcements:office_create"), form_data(cycle, publish_at=past), follow=True)
    assert "The announcement was published now because the time given has passed." in flashes(response)
    assert clock.now() - Announcement.objects.get().publish_at < timedelta(minutes=1)


def test_future_publish_time_is_scheduled(english, office, cycle):
    english.force_login(office)
    future = clock.now() + timedelta(days=2)
    response = english.post(
        reverse("announcements:office_create"), form_data(cycle, publish_at=local_input(future)), follow=True
    )
    assert not any("has passed" in m for m in flashes(response))
    announcement = Announcement.objects.get()
    assert abs(announcement.publish_at - future) < timedelta(minutes=1)
    assert "Scheduled: the public sees it from" in response.content.decode()


def test_saving_an_edit_keeps_the_original_publish_time(client, office, cycle):
    announcement = make_announcement(cycle, publish_at=clock.now() - timedelta(days=5, seconds=17))
    kept = announcement.publish_at
    client.force_login(office)
    url = reverse("announcements:office_edit", args=[announcement.pk])
    form = client.get(url).context["form"]
    data = form_data(cycle, publish_at=local_input(form.initial["publish_at"]), title_zh="更正公告")
    response = client.post(url, data, follow=True)
    announcement.refresh_from_db()
    assert announcement.title_zh == "更正公告" and announcement.publish_at == kept
    assert len(flashes(response)) == 1


def test_delete_asks_for_confirmation_then_deletes(client, office, cycle):
    announcement = make_announcement(cycle, title="延期公告")
    client.force_login(office)
    url = reverse("announcements:office_delete", args=[announcement.pk])
    page = client.get(url)
    assert page.status_code == 200 and "延期公告" in page.content.decode()
    assert Announcement.objects.filter(pk=announcement.pk).exists()
    assert client.post(url)["Location"] == reverse("announcements:office_list")
    assert not Announcement.objects.exists()


def test_department_deletes_their_own(client, department, cycle, program):
    announcement = make_announcement(cycle, program)
    client.force_login(department)
    client.post(reverse("announcements:office_delete", args=[announcement.pk]))
    assert not Announcement.objects.exists()


def test_attachment_that_is_not_a_pdf_is_refused_with_the_message(english, office, cycle):
    announcement = make_announcement(cycle)
    english.force_login(office)
    response = english.post(
        reverse("announcements:office_add_attachment", args=[announcement.pk]),
        {"file": upload("results.pdf", b"PK\x03\x04 a zip file")},
        follow=True,
    )
    assert "This file is not a PDF (whatever its name says). Save or export it as PDF." in flashes(response)
    assert not AnnouncementAttachment.objects.exists()


def test_office_attaches_views_and_removes_a_pdf(client, office, cycle):
    announcement = make_announcement(cycle, publish_at=clock.now() + timedelta(days=1))
    client.force_login(office)
    client.post(
        reverse("announcements:office_add_attachment", args=[announcement.pk]),
        {"file": upload("簡章.pdf", pdf_bytes())},
    )
    attachment = AnnouncementAttachment.objects.get()
    page = client.get(reverse("announcements:office_edit", args=[announcement.pk])).content.decode()
    assert "簡章.pdf" in page
    response = client.get(reverse("announcements:office_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"  # staff preview, unpublished
    client.post(reverse("announcements:office_remove_attachment", args=[attachment.pk]))
    assert not AnnouncementAttachment.objects.exists()


def test_create_form_is_prefilled_from_a_published_interview_list(client, department, program):
    client.force_login(department)
    url = reverse("announcements:office_create") + f"?program={program.pk}&about=interview_list"
    form = client.get(url).context["form"]
    assert form.initial["program"] == program.pk and form.initial["cycle"] == program.cycle_id
    assert program.name_en in form.initial["title_en"]
    assert reverse("exams:interview_list", args=[program.pk]) in form.initial["body_zh"]


def test_prefill_for_another_programme_is_ignored(client, department, other_program):
    client.force_login(department)
    url = reverse("announcements:office_create") + f"?program={other_program.pk}&about=results"
    assert client.get(url).context["form"].initial == {}


def test_published_interview_list_offers_to_post_an_announcement(client, department, program):
    client.force_login(department)
    url = reverse("exams:admin", args=[program.pk])
    link = reverse("announcements:office_create") + f"?program={program.pk}&amp;about=interview_list"
    assert link not in client.get(url).content.decode()
    now = clock.now()
    Publication.objects.update_or_create(
        program=program, defaults={"state": "published", "first_published_at": now, "published_at": now}
    )
    assert link in client.get(url).content.decode()


def test_published_ranking_run_offers_to_post_an_announcement(client, office, program):
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    application = ApplicationFactory(program=program)
    for stage in program.stages.all():
        scoring_services.enter_stage_score(actor=office, application=application, stage=stage, score=90)
    InterviewInvitation.objects.create(application=application, invited_at=clock.now())
    run = scoring_services.run_ranking(actor=office, program=program)
    client.force_login(office)
    url = reverse("scoring:run_detail", args=[run.pk])
    link = reverse("announcements:office_create") + f"?program={program.pk}&amp;about=results"
    assert link not in client.get(url).content.decode()
    response = client.post(reverse("scoring:publish", args=[run.pk]), follow=True)
    assert link in response.content.decode()
