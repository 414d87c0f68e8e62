"""Announcements (最新消息) as the office posts them and a visitor reads them: one scheduled two minutes ahead
is absent from the home page until its time, then appears there (the portal's clock is moved forward rather
than waited for), with its PDF attachment, and reads in English too.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from gradadmit.announcements.forms import AnnouncementForm, AttachmentForm
from gradadmit.announcements.models import Announcement
from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.testing.factories import CycleFactory, OfficeFactory, ProgramFactory
from gradadmit.testing.files import pdf_bytes

from .conftest import check_a11y, field_label, label_re, screenshot, t
from .test_scoring import new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
TITLE_ZH = "碩士班甄試口試時間延後公告"
TITLE_EN = "Interviews of the master's admission postponed"
BODY_ZH = "因颱風停班停課，原訂之口試延後一週舉行。\n新的口試時間表請見附件。"
BODY_EN = "Because of the typhoon, the interviews take place one week later.\nThe new timetable is attached."


def _(message: str) -> str:
    return t(LANGUAGE, message)


def field(page, name: str, user):
    form_class = AttachmentForm if name == "file" else AnnouncementForm
    kwargs = {} if name == "file" else {"user": user}
    return page.get_by_label(label_re(field_label(LANGUAGE, form_class, name, **kwargs)))


def latest_section(page):
    return page.get_by_role("region", name=_("Latest announcements"))


def test_office_schedules_an_announcement_that_appears_on_the_home_page_at_its_time(browser, live_server, monkeypatch):
    cycle = CycleFactory()
    ProgramFactory(cycle=cycle)
    office = OfficeFactory()
    staff = new_page(browser, live_server)
    sign_in(staff, office.email)

    # Office → Announcements → Post an announcement.
    staff.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Office"), exact=True).click()
    staff.get_by_role("main").get_by_role("link", name=_("Announcements"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(_("Announcements"))
    staff.get_by_role("link", name=_("Post an announcement")).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(_("Post an announcement"))
    field(staff, "cycle", office).select_option(label=pick(cycle.name_zh, cycle.name_en, LANGUAGE))
    field(staff, "title_zh", office).fill(TITLE_ZH)
    field(staff, "body_zh", office).fill(BODY_ZH)
    field(staff, "title_en", office).fill(TITLE_EN)
    field(staff, "body_en", office).fill(BODY_EN)
    publish_at = (clock.local(clock.now()) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    field(staff, "publish_at", office).fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
    field(staff, "pinned", office).check()
    check_a11y(staff, "announcements-01-office-form")
    staff.get_by_role("button", name=_("Save announcement")).click()

    expect(staff.get_by_role("heading", level=1)).to_have_text(_("Edit announcement"))
    expect(staff.get_by_role("main").get_by_role("status")).to_be_visible()
    announcement = Announcement.objects.get()
    assert announcement.publish_at == publish_at and announcement.pinned and announcement.program is None
    field(staff, "file", office).set_input_files(
        files=[{"name": "口試時間表.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)}]
    )
    staff.get_by_role("button", name=_("Attach PDF")).click()
    expect(staff.get_by_role("link", name="口試時間表.pdf")).to_be_visible()
    check_a11y(staff, "announcements-02-office-scheduled")

    # A visitor before the time: the home page does not show it.
    visitor = new_page(browser, live_server)
    visitor.goto("/")
    expect(latest_section(visitor)).to_be_visible()
    expect(visitor.get_by_text(TITLE_ZH)).to_have_count(0)
    check_a11y(visitor, "announcements-03-home-before")

    # At its time (the clock moved three minutes on), it is on the home page, pinned.
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=3))
    visitor.reload()
    link = latest_section(visitor).get_by_role("link", name=TITLE_ZH)
    expect(link).to_be_visible()
    expect(latest_section(visitor).get_by_text(_("Pinned"))).to_be_visible()
    check_a11y(visitor, "announcements-04-home-after")

    link.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE_ZH)
    expect(visitor.get_by_role("article")).to_contain_text("新的口試時間表請見附件。")
    roc_year = publish_at.year - 1911
    expect(visitor.get_by_role("article")).to_contain_text(re.compile(rf"{roc_year}年"))
    attachment = visitor.get_by_role("link", name="口試時間表.pdf")
    assert visitor.request.get(attachment.get_attribute("href")).body().startswith(b"%PDF-")
    check_a11y(visitor, "announcements-05-detail")

    visitor.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Announcements")).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(_("Announcements"))
    expect(visitor.get_by_role("main").get_by_role("link", name=TITLE_ZH)).to_be_visible()
    check_a11y(visitor, "announcements-06-list")

    # In English: the English title and text, Gregorian dates.
    visitor.get_by_role("main").get_by_role("link", name=TITLE_ZH).click()
    visitor.get_by_role("button", name="English").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(visitor.get_by_role("article")).to_contain_text("The new timetable is attached.")
    expect(visitor.get_by_role("article")).to_contain_text(str(publish_at.year))
    screenshot(visitor, "announcements-07-detail-english")
    check_a11y(visitor, "announcements-07-detail-english")
