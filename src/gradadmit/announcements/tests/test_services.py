"""Announcement services: who may post where, publish times, attachments checked like documents, audit."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from gradadmit.announcements import selectors, services
from gradadmit.announcements.models import Announcement, AnnouncementAttachment
from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.core.uploads import UploadRejected
from gradadmit.testing.factories import ProfileFactory, ProgramFactory
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import make_announcement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def post(actor, cycle, program=None, **fields):
    values = {"title_zh": "招生公告", "body_zh": "內容", "title_en": "Notice", "body_en": "Text", **fields}
    return services.create_announcement(actor=actor, cycle=cycle, program=program, **values)


def test_office_posts_for_the_whole_cycle_and_it_is_audited(office, cycle):
    saved = post(office, cycle)
    assert saved.announcement.program is None
    assert saved.published_now is False
    entry = AuditEntry.objects.get(action="announcement.create")
    assert entry.actor == office and entry.after["title_zh"] == "招生公告"


def test_department_staff_post_for_their_programme(department, cycle, program):
    saved = post(department, cycle, program)
    assert saved.announcement.program == program
    assert saved.announcement.created_by == department


def test_department_staff_may_not_post_for_the_whole_cycle(department, cycle):
    with pytest.raises(DomainError, match="Only the admissions office posts announcements for the whole cycle"):
        post(department, cycle)
    assert not Announcement.objects.exists()


def test_department_staff_may_not_post_for_another_programme(department, cycle, other_program):
    with pytest.raises(DomainError, match="only for the programmes assigned to you"):
        post(department, cycle, other_program)


def test_applicants_may_not_post(cycle, program):
    with pytest.raises(DomainError, match="Only staff"):
        post(ProfileFactory().user, cycle, program)


def test_programme_of_another_cycle_is_refused(office, cycle):
    with pytest.raises(DomainError, match="another cycle"):
        post(office, cycle, ProgramFactory())


def test_chinese_title_and_text_are_required(office, cycle):
    with pytest.raises(DomainError, match="in Chinese"):
        post(office, cycle, title_zh="  ")


def test_past_publish_time_is_published_now_and_said_so(office, cycle):
    before = clock.now()
    saved = post(office, cycle, publish_at=before - timedelta(days=2))
    assert saved.published_now is True
    assert saved.announcement.publish_at >= before


def test_future_publish_time_is_kept(office, cycle):
    when = clock.now() + timedelta(days=1)
    saved = post(office, cycle, publish_at=when)
    assert saved.published_now is False and saved.announcement.publish_at == when


def test_no_publish_time_publishes_now_without_a_notice(office, cycle):
    saved = post(office, cycle, publish_at=None)
    assert saved.published_now is False
    assert saved.announcement.publish_at <= clock.now()


def test_editing_keeps_an_already_past_publish_time(office, cycle):
    announcement = make_announcement(cycle, publish_at=clock.now() - timedelta(days=3))
    kept = announcement.publish_at
    saved = services.update_announcement(
        actor=office, announcement=announcement, cycle=cycle, title_zh="更正", body_zh="新內容", publish_at=kept
    )
    assert saved.published_now is False and saved.announcement.publish_at == kept
    assert saved.announcement.title_zh == "更正"
    entry = AuditEntry.objects.get(action="announcement.update")
    assert entry.before["title_zh"] == "公告" and entry.after["title_zh"] == "更正"


def test_editing_to_another_past_time_publishes_now(office, cycle):
    announcement = make_announcement(cycle, publish_at=clock.now() + timedelta(days=3))
    saved = services.update_announcement(
        actor=office,
        announcement=announcement,
        cycle=cycle,
        title_zh="公告",
        body_zh="內容",
        publish_at=clock.now() - timedelta(hours=5),
    )
    assert saved.published_now is True
    assert clock.now() - saved.announcement.publish_at < timedelta(minutes=1)


def test_department_staff_may_not_move_their_announcement_to_the_whole_cycle(department, cycle, program):
    announcement = make_announcement(cycle, program)
    with pytest.raises(DomainError, match="whole cycle"):
        services.update_announcement(
            actor=department, announcement=announcement, cycle=cycle, title_zh="公告", body_zh="內容"
        )


def test_department_staff_may_not_edit_a_cycle_wide_announcement(department, cycle, program):
    announcement = make_announcement(cycle)
    with pytest.raises(DomainError):
        services.update_announcement(
            actor=department, announcement=announcement, cycle=cycle, program=program, title_zh="公告", body_zh="內容"
        )


def test_pdf_attachment_is_stored_under_a_generated_name(office, cycle):
    announcement = make_announcement(cycle)
    attachment = services.add_attachment(
        actor=office, announcement=announcement, upload=upload("../放榜 名單.pdf", pdf_bytes(2))
    )
    assert attachment.original_name == "放榜 名單.pdf"
    assert attachment.file.name.startswith(f"announcements/{announcement.pk}/")
    assert "放榜" not in attachment.file.name and attachment.pages == 2
    assert AuditEntry.objects.filter(action="announcement.attach").exists()


def test_attachment_that_is_not_a_pdf_is_refused_and_nothing_stored(office, cycle):
    announcement = make_announcement(cycle)
    with pytest.raises(UploadRejected, match="This file is not a PDF"):
        services.add_attachment(
            actor=office, announcement=announcement, upload=upload("list.pdf", b"<html><script>x</script></html>")
        )
    assert not AnnouncementAttachment.objects.exists()
    assert not default_storage.exists(f"announcements/{announcement.pk}")


def test_active_content_is_removed_from_an_attachment(office, cycle):
    announcement = make_announcement(cycle)
    attachment = services.add_attachment(
        actor=office, announcement=announcement, upload=upload("a.pdf", pdf_bytes(javascript=True))
    )
    assert attachment.sanitized is True
    with attachment.file.open("rb") as stored:
        assert b"JavaScript" not in stored.read()


def test_department_staff_may_not_attach_to_another_programmes_announcement(department, cycle, other_program):
    announcement = make_announcement(cycle, other_program)
    with pytest.raises(DomainError):
        services.add_attachment(actor=department, announcement=announcement, upload=upload("a.pdf", pdf_bytes()))


def test_removing_an_attachment_deletes_the_stored_file(office, cycle, django_capture_on_commit_callbacks):
    announcement = make_announcement(cycle)
    attachment = services.add_attachment(actor=office, announcement=announcement, upload=upload("a.pdf", pdf_bytes()))
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(actor=office, attachment=attachment)
    assert not AnnouncementAttachment.objects.exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(action="announcement.detach").exists()


def test_deleting_removes_the_announcement_and_its_files(office, cycle, django_capture_on_commit_callbacks):
    announcement = make_announcement(cycle)
    attachment = services.add_attachment(actor=office, announcement=announcement, upload=upload("a.pdf", pdf_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_announcement(actor=office, announcement=announcement)
    assert not Announcement.objects.exists()
    assert not default_storage.exists(attachment.file.name)
    entry = AuditEntry.objects.get(action="announcement.delete")
    assert entry.before["title_zh"] == "公告" and entry.before["attachments"] == [attachment.file.name]


def test_department_staff_may_not_delete_another_programmes_announcement(department, cycle, other_program):
    announcement = make_announcement(cycle, other_program)
    with pytest.raises(DomainError):
        services.delete_announcement(actor=department, announcement=announcement)
    assert Announcement.objects.filter(pk=announcement.pk).exists()


def test_publication_draft_names_the_programme_and_links_the_public_list(program, settings):
    settings.SITE_URL = "https://admissions.example.edu.tw/"
    draft = selectors.publication_draft(program=program, about=selectors.ABOUT_INTERVIEW_LIST)
    url = f"https://admissions.example.edu.tw/programs/{program.pk}/interview-list/"
    assert draft["cycle"] == program.cycle_id and draft["program"] == program.pk
    assert program.name_zh in draft["title_zh"] and program.name_en in draft["title_en"]
    assert url in draft["body_zh"] and url in draft["body_en"]
    results = selectors.publication_draft(program=program, about=selectors.ABOUT_RESULTS)
    assert f"/results/programs/{program.pk}/" in results["body_en"]
