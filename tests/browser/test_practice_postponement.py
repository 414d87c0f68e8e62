"""Issue 16: a practice applicant walks the whole flow under the banner and appears in no real list; the office
postpones an interview day and an applicant prints the reissued ticket with the new date.

PDFs are turned into PNGs (pdftoppm) under reports/screenshots/ to be looked at.
"""

import re
import subprocess
from datetime import timedelta

import pytest
from allauth.account.forms import LoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.exams import services as exam_services
from gradadmit.exams.forms import PostponementForm
from gradadmit.practice.services import open_practice_cycle
from gradadmit.recommendations.forms import RecommenderForm
from gradadmit.testing.factories import (
    PASSWORD,
    ApplicationFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    ReviewDecisionFactory,
    valid_taiwan_id,
)
from gradadmit.testing.files import labelled_pdf_bytes, photo_bytes

from .conftest import DEFAULT_TIMEOUT_MS, SCREENSHOTS, check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
SLOW_MS = 60_000  # the 2-core machine is shared: the first page of a run can take long


@pytest.fixture(autouse=True)
def patient(page):
    page.set_default_timeout(SLOW_MS)
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


CONFIRM_LINK = re.compile(r"https?://[^\s/]+/accounts/confirm-email/[^\s/]+/")
NEW_PASSWORD = "Lantern-Zebra-2026"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  locale="zh-TW", timezone_id="Asia/Taipei")  # fmt: skip
    context.set_default_timeout(max(DEFAULT_TIMEOUT_MS, SLOW_MS))
    return context.new_page()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "login"))).fill(email)
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "password"))).fill(password)
    page.get_by_role("main").get_by_role("button", name=_("Sign In")).click()
    expect(page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Sign out"))).to_be_visible()


def banner(page):
    return page.get_by_role("region", name=_("Practice"))


def pdf_as_png(page, url: str, name: str) -> str:
    """Fetch a PDF with the page's session, save it and its first page as PNG; return its text."""
    response = page.request.get(url, timeout=SLOW_MS)
    assert response.ok and response.body().startswith(b"%PDF"), url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / f"{name}.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(SCREENSHOTS / name)], check=True)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_practice_applicant_walks_the_flow_under_the_banner_and_is_in_no_real_list(page, browser, live_server):
    office_user = OfficeFactory()
    real_program = ProgramFactory(code="EE", name_zh="電機工程系碩士班", recommendation_policy="optional")
    real_application = ApplicationFactory(program=real_program)
    practice = open_practice_cycle(actor=office_user, source=real_program.cycle, code="practice-115",
                                   name_zh="115學年度模擬報名", name_en="Practice 2026")  # fmt: skip
    practice_program = practice.programs.get(code="EE")
    email = "try-it@example.tw"

    # --- The practice page, then sign-up under the banner. ----------------------------------------------------
    page.goto("/practice/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Practice the application (模擬報名)"))
    check_a11y(page, "practice-01-landing")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(_('Register a practice account'))}")).click()
    expect(banner(page)).to_be_visible()
    page.get_by_label(label_re(field_label(LANGUAGE, AllauthSignupForm, "email"))).fill(email)
    page.get_by_label(label_re(field_label(LANGUAGE, AllauthSignupForm, "password1"))).fill(NEW_PASSWORD)
    page.get_by_label(label_re(field_label(LANGUAGE, AllauthSignupForm, "password2"))).fill(NEW_PASSWORD)
    page.get_by_role("checkbox").check()
    check_a11y(page, "practice-02-signup")
    page.get_by_role("main").get_by_role("button", name=re.compile(f"{_('Register')}|{_('Sign Up')}")).click()
    links = CONFIRM_LINK.findall(mail.outbox[-1].body)
    page.goto(links[0])
    page.get_by_role("main").get_by_role("button", name=_("Confirm")).click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(banner(page)).to_be_visible()

    # Basic details as the profile page saves them (the newcomer journey walks that form).
    user = ApplicantProfile._meta.get_field("user").related_model.objects.get(email=email)
    ApplicantProfile.objects.create(user=user, name_zh="林練習", name_en="LIN, PRACTICE",
                                    national_id=valid_taiwan_id(7777), birth_date="2001-01-01", gender="female",
                                    phone_mobile="0912-000-111", address="彰化市", school="彰師大",
                                    department="電機系", education_status="expected")  # fmt: skip

    # --- Apply to the practice programme, from the dashboard's open cycles (only the practice one). -----------
    page.reload()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=practice.name_zh)).to_be_visible()
    expect(main.get_by_role("link", name=real_program.cycle.name_zh, exact=True)).to_have_count(0)
    check_a11y(page, "practice-03-dashboard")
    page.goto(f"/me/apply/{practice_program.pk}/")
    page.get_by_role("radio", name=_("General (一般生)")).check()
    page.get_by_role("main").get_by_role("button", name=_("Apply"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    application = Application.objects.get(applicant__email=email)

    # --- Upload the documents. ---------------------------------------------------------------------------------
    page.goto(f"/me/applications/{application.pk}/documents/")
    expect(banner(page)).to_be_visible()
    for requirement, file in [
        ("照片", {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}),
        ("學經歷表", {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": labelled_pdf_bytes("CV")}),
    ]:
        region = page.get_by_role("main").get_by_role("region", name=re.compile(rf"^{requirement}"))
        region.get_by_label(re.compile(rf"^({re.escape(_('Choose a file'))}|{re.escape(_('Replace the file'))})$")) \
            .set_input_files(file)  # fmt: skip
        region.get_by_role("button", name=_("Upload"), exact=True).click()
        expect(region.locator(".doc-status")).to_contain_text(_("Done"))
    check_a11y(page, "practice-04-documents")

    # --- Invite a recommender: the email comes to the applicant, marked 練習. -----------------------------------
    page.goto(f"/me/applications/{application.pk}/")
    page.get_by_role("link", name=_("Recommendation letters (推薦信)")).click()
    values = {"name": "王教授", "organisation": "建國科技大學", "title": "教授", "relationship": "導師",
              "email": "professor@example.edu.tw"}  # fmt: skip
    for name, value in values.items():
        page.get_by_label(label_re(field_label(LANGUAGE, RecommenderForm, name))).fill(value)
    page.get_by_role("button", name=_("Save and send the invitation")).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("王教授")
    expect(banner(page)).to_be_visible()
    invitation = [m for m in mail.outbox if "練習" in m.subject]
    assert invitation and invitation[-1].to == [email]
    assert not [m for m in mail.outbox if "professor@example.edu.tw" in m.to]

    # --- The sample payment (by keyboard) and the sample slip and ticket. --------------------------------------
    page.goto(f"/me/applications/{application.pk}/")
    page.get_by_role("link", name=_("Practice: sample payment and sample admission ticket")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Practice: payment and ticket"))
    check_a11y(page, "practice-05-payment-page")
    pay = page.get_by_role("button", name=_("Mark the fee paid (practice)"))
    pay.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text(_("Paid (sample payment, no money taken)."))
    check_a11y(page, "practice-06-paid")
    slip_url = page.get_by_role("link", name=_("Sample payment slip (PDF)")).get_attribute("href")
    # The SAMPLE watermark is drawn (look at the PNG); pdftotext does not extract the rotated fixed layer.
    assert "模擬報名" in pdf_as_png(page, slip_url, "practice-07-slip")
    ticket_url = page.get_by_role("link", name=_("Sample admission ticket (PDF, marked SAMPLE)")).get_attribute("href")
    assert "SAMPLE-0001" in pdf_as_png(page, ticket_url, "practice-08-ticket")

    # --- Real pages are 404 to the practice account. -----------------------------------------------------------
    for url in [f"/cycles/{real_program.cycle.code}/", f"/me/apply/{real_program.pk}/", "/office/",
                "/announcements/"]:  # fmt: skip
        assert page.request.get(url, timeout=SLOW_MS).status == 404, url

    # --- The office: no practice applicant in the real lists or the search. ------------------------------------
    office = new_page(browser, live_server)
    sign_in(office, office_user.email)
    expect(banner(office)).to_have_count(0)
    office.goto(f"/office/programs/{real_program.pk}/applications/")
    table = office.get_by_role("main").get_by_role("table")
    expect(table).to_contain_text(real_application.applicant.profile.name_zh)
    expect(table).not_to_contain_text("林練習")
    office.goto("/office/")
    expect(office.get_by_role("main")).not_to_contain_text(practice.name_zh)
    search = office.get_by_role("search")
    search.get_by_role("searchbox").fill("林練習")
    search.get_by_role("searchbox").press("Enter")
    expect(office.get_by_role("main")).not_to_contain_text(email)
    check_a11y(office, "practice-09-office-search")
    assert (
        office.request.get(f"/office/programs/{practice_program.pk}/applications.xlsx", timeout=SLOW_MS).status == 404
    )


def _local(days: int, hour: int):
    return (timezone.localtime(clock.now()) + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                                            microsecond=0)  # fmt: skip


def test_office_postpones_the_interview_and_the_applicant_prints_the_reissued_ticket(page, browser, live_server):
    office_user = OfficeFactory()
    program = ProgramFactory(code="EE", name_zh="電機工程系碩士班")
    cycle = program.cycle
    Milestone.objects.create(cycle=cycle, kind="eligibility_result", starts_at=clock.now() - timedelta(days=1))
    Milestone.objects.create(cycle=cycle, kind="interview", starts_at=_local(3, 9), ends_at=_local(3, 17))
    Milestone.objects.filter(cycle=cycle, kind="results").update(starts_at=_local(12, 10))
    applications = [ApplicationFactory(program=program, applicant=ProfileFactory(name_zh=n).user)
                    for n in ("陳一", "林二")]  # fmt: skip
    for application in applications:
        ReviewDecisionFactory(application=application)
    exam_services.assign_exam_numbers(actor=office_user, program=program)
    exam_services.add_interview_slot(actor=office_user, program=program, starts_at=_local(3, 9),
                                     ends_at=_local(3, 12), room="E301", capacity=10)  # fmt: skip
    exam_services.assign_interview_slots(actor=office_user, program=program)
    exam_services.publish_results(actor=office_user, program=program)

    # --- The office: form, preview, apply. ---------------------------------------------------------------------
    office = new_page(browser, live_server)
    sign_in(office, office_user.email)
    office.goto("/office/")
    office.get_by_role("link", name=_("Postpone a step")).first.click()
    expect(office.get_by_role("heading", level=1)).to_contain_text(_("Postpone a step (附錄四)"))
    check_a11y(office, "postpone-01-form")

    def field(name):
        return office.get_by_label(label_re(field_label(LANGUAGE, PostponementForm, name, cycle=cycle,
                                                        programs=None, kinds=[], later=[])))  # fmt: skip

    field("kind").select_option("interview")
    field("new_starts_at").fill(_local(7, 9).strftime("%Y-%m-%dT%H:%M"))
    field("reason").fill("颱風警報，停止上班上課")
    office.get_by_role("checkbox", name=_("Results announced")).check()
    office.get_by_role("button", name=_("Preview")).click()
    preview = office.get_by_role("region", name=_("Preview"))
    expect(preview).to_contain_text("陳一")
    expect(preview).to_contain_text("林二")
    check_a11y(office, "postpone-02-preview")
    apply = office.get_by_role("button", name=_("Apply the postponement"))
    apply.focus()
    office.keyboard.press("Enter")
    expect(office.get_by_role("heading", level=1)).to_contain_text(_("Postponement"))
    expect(office.get_by_role("main")).to_contain_text("2 / 2")  # tickets reissued by the worker
    check_a11y(office, "postpone-03-applied")

    # --- The public announcement. ------------------------------------------------------------------------------
    office.get_by_role("main").get_by_role(
        "link", name=re.compile("^(延期：|Postponement: )")
    ).click()  # the announcement
    expect(office.get_by_role("main")).to_contain_text("颱風警報")
    check_a11y(office, "postpone-04-announcement")

    # --- The applicant: the message, then the reissued ticket with the new date. ------------------------------
    applicant = applications[0]
    sign_in(page, applicant.applicant.email)
    page.goto("/me/messages/")
    expect(page.get_by_role("main")).to_contain_text(re.compile("延|Postponed"))
    check_a11y(page, "postpone-05-inbox")
    text = pdf_as_png(page, f"/me/applications/{applicant.pk}/ticket.pdf", "postpone-06-reissued-ticket")
    new_day = _local(7, 9)
    roc = f"{new_day.year - 1911}年{new_day.month}月{new_day.day}日"
    assert roc in text.replace(" ", ""), text
    assert "v2" in text
