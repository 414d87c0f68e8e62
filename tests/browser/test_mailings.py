"""A mailing to the unpaid applicants of a programme: written by one office member, approved by a second, sent
by the worker through a real SMTP server (one address refused with 550), read in the applicants' inbox.

Three people, three browsers. The worker is the test itself: it runs the sending task and the outbox delivery
(gradadmit.outbox.delivery.deliver_due) while the approver's page shows the progress updating in place.
"""

from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.eligibility.tests.helpers import pay_application_fee
from gradadmit.mailings.forms import MailingForm
from gradadmit.mailings.models import Mailing
from gradadmit.mailings.tasks import send_mailing
from gradadmit.outbox import delivery
from gradadmit.outbox.models import Email
from gradadmit.outbox.tests.smtp_server import ScriptedSMTPServer
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProfileFactory, ProgramFactory

from .conftest import DEFAULT_TIMEOUT_MS, check_a11y, field_label, label_re, screenshot, t
from .test_office import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
REFUSED = "no-such-user@example.tw"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def label(name: str, user):
    return label_re(field_label(LANGUAGE, MailingForm, name, user=user))


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  locale="zh-TW", timezone_id="Asia/Taipei")  # fmt: skip
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def database_tasks(settings):
    """Jobs wait in the database queue like production; the test runs them as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def smtp(settings):
    server = ScriptedSMTPServer().start()
    server.handler.unknown.add(REFUSED)
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


def test_office_mails_the_unpaid_applicants_a_second_member_approves_and_they_read_it(
    browser, live_server, page, database_tasks, smtp
):
    program = ProgramFactory()
    unpaid = ApplicationFactory(program=program)
    refused = ApplicationFactory(program=program, applicant=ProfileFactory(user__email=REFUSED, name_zh="李四").user)
    paid = ApplicationFactory(program=program)
    pay_application_fee(paid)
    author, approver = OfficeFactory(), OfficeFactory()
    with translation.override(LANGUAGE):
        cycle_name = pick(program.cycle.name_zh, program.cycle.name_en, LANGUAGE)
        program_name = pick(program.name_zh, program.name_en, LANGUAGE)

    # --- The author writes to the unpaid applicants; a mistyped placeholder is caught at its field. --------
    sign_in(page, author.email)
    page.goto("/office/")
    page.get_by_role("link", name=_("Mailings"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Mailings"))
    page.get_by_role("link", name=_("Write a mailing")).click()
    page.get_by_label(label("cycle", author)).select_option(label=cycle_name)
    page.get_by_label(label("program", author)).select_option(label=f"{program.code} {program_name}")
    page.get_by_label(label("unpaid", author)).check()
    page.get_by_label(label("subject_zh", author)).fill("{program}報名費尚未繳納")
    page.get_by_label(label("body_zh", author)).fill(
        "{name} 您好：\n\n您報名{program}的報名費尚未繳納，請於 {deadline} 前繳費。\n繳費帳號請見考生專區：{link}\n\n招生委員會 敬啟"
    )
    page.get_by_label(label("subject_en", author)).fill("{program}: your application fee is unpaid")
    page.get_by_label(label("body_en", author)).fill(
        "Dear {nmae},\n\nyour application fee for {program} is still unpaid. Please pay by {deadline}.\n"
        "Your account number is in your applicant area: {link}\n\nAdmissions Committee"
    )
    deadline = clock.local(clock.now() + timedelta(days=3)).replace(hour=17, minute=0)
    page.get_by_label(label("deadline", author)).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=_("Save as draft and preview")).click()
    body_en = page.get_by_label(label("body_en", author))
    expect(body_en).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("{nmae}")
    check_a11y(page, "mailings-01-unknown-placeholder")
    body_en.fill(body_en.input_value().replace("{nmae}", "{name}"))
    page.get_by_role("button", name=_("Save as draft and preview")).click()

    # --- The preview shows the two unpaid applicants as they will read it; the author submits it. -----------
    expect(page.get_by_role("heading", level=2, name=_("Preview"))).to_be_visible()
    previews = page.get_by_role("article")
    expect(previews).to_have_count(2)
    expect(previews.first).to_contain_text("王小明 您好：")
    expect(previews.first).to_contain_text(f"您報名{program.name_zh}的報名費尚未繳納")
    expect(previews.first).to_contain_text("Dear WANG, HSIAO-MING,")
    expect(previews.first).to_contain_text("/me/")
    check_a11y(page, "mailings-02-draft-preview")
    page.get_by_role("button", name=_("Submit for approval")).click()
    expect(page.get_by_role("status")).to_contain_text("2")
    expect(page.get_by_role("button", name=_("Approve and send"))).to_have_count(0)  # not by its author
    mailing = Mailing.objects.get()
    assert mailing.status == "submitted"

    # --- A second office member approves it; the page shows its progress. ----------------------------------
    second = new_page(browser, live_server)
    sign_in(second, approver.email)
    second.goto("/office/mailings/")
    check_a11y(second, "mailings-03-list")
    second.get_by_role("link", name="{program}報名費尚未繳納").click()
    check_a11y(second, "mailings-04-waiting-for-approval")
    second.get_by_role("button", name=_("Approve and send")).click()
    expect(second.get_by_role("status")).to_contain_text(
        _("Approved. The worker is sending it now; this page shows its progress.")
    )
    progress = second.locator("[aria-live=polite]")
    expect(progress.locator("[data-count=recipients]")).to_have_text("2")
    expect(progress.locator("[data-count=sent]")).to_have_text("0")
    assert second.locator("meta[http-equiv=refresh]").count() == 0
    url_before = second.url

    # --- The worker: the sending task, then the outbox delivery against the SMTP server. -------------------
    send_mailing.call(mailing_id=mailing.pk)
    report = delivery.deliver_due(worker_id="browser-test-worker")
    assert (report.sent, report.failed) == (1, 1)
    assert smtp.handler.delivered_to() == [unpaid.applicant.email]

    # The counts change in place (the page polls the JSON), without a reload.
    expect(progress.locator("[data-count=sent]")).to_have_text("1", timeout=10_000)
    expect(progress.locator("[data-count=failed]")).to_have_text("1")
    assert second.url == url_before
    screenshot(second, "mailings-05-progress-in-place")

    # Reloaded: each recipient's status, the refused address with the server's answer.
    second.reload()
    failed_row = second.get_by_role("row").filter(has_text=REFUSED)
    expect(failed_row).to_contain_text(_("Failed"))
    expect(failed_row).to_contain_text("550")
    check_a11y(second, "mailings-06-sent-one-failed")
    mailing.refresh_from_db()
    assert mailing.status == "sent"
    assert Email.objects.get(to=REFUSED).status == "failed"

    # --- The applicant reads it in 通知訊息. ------------------------------------------------------------------
    applicant = new_page(browser, live_server)
    sign_in(applicant, unpaid.applicant.email)
    applicant.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Messages")).click()
    applicant.get_by_role("link", name=f"{program.name_zh}報名費尚未繳納").click()
    expect(applicant.get_by_role("main")).to_contain_text("王小明 您好")
    expect(applicant.get_by_role("main")).to_contain_text(f"{deadline.year - 1911}年{deadline.month}月{deadline.day}日")
    check_a11y(applicant, "mailings-07-applicant-inbox-message")
    assert not paid.applicant.messages.filter(kind="mailing").exists()
    assert refused.applicant.messages.filter(kind="mailing").count() == 1  # the inbox has it even if email failed
