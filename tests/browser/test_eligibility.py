"""Eligibility review and the admission ticket as staff and applicants walk them (Chinese, the default).

Staff review three applications (qualified, needs supplement, not qualified); the supplement is uploaded and then
qualified; numbers are assigned and the results published; each applicant sees the right status, and the qualified
ones print their ticket (the PDF is also saved as PNG under reports/screenshots for a person to look at).
"""

import io
import shutil
import subprocess
from datetime import timedelta

import pikepdf
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.documents.services import upload_document
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.tests.helpers import complete_application
from gradadmit.exams.models import AdmissionTicket
from gradadmit.testing.factories import (
    ApplicationFactory,
    CycleFactory,
    DepartmentStaffFactory,
    ProfileFactory,
    ProgramFactory,
    assign,
)
from gradadmit.testing.files import pdf_bytes, upload

from .conftest import SCREENSHOTS, check_a11y, t
from .test_office import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
COMPLETE = "已完成報名且資格符合"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def sign_out(page):
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Sign out")).click()
    page.get_by_role("main").get_by_role("button").last.click()  # allauth asks to confirm


def decide(page, live_server, application, result: str, **fields):
    page.goto(live_server.url + reverse("eligibility:review", args=[application.pk]))
    page.get_by_label(_(result), exact=True).check()
    if "reason" in fields:
        page.get_by_label(_("Reason (when not qualified)")).select_option(fields["reason"])
    if "message" in fields:
        page.get_by_label(_("Message to the applicant")).fill(fields["message"])
    if "until" in fields:
        page.get_by_label(_("Supplement deadline")).fill(fields["until"])
    for item in fields.get("items", []):
        page.get_by_label(item, exact=True).check()
    page.get_by_role("button", name=_("Save decision")).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        _("The decision was saved and the applicant was notified.")
    )


def test_staff_review_three_applications_and_applicants_print_tickets(page, live_server):
    cycle = CycleFactory()
    program = ProgramFactory(cycle=cycle)
    staff = DepartmentStaffFactory()
    assign(staff, program)
    names = ["陳美玲", "林志明", "黃大偉"]
    good, supplement, refused = (
        complete_application(ApplicationFactory(program=program, applicant=ProfileFactory(name_zh=name).user))
        for name in names
    )
    cv = program.document_requirements.get(code="cv")
    cv_name = pick(cv.name_zh, cv.name_en, LANGUAGE)

    # --- Staff: the queue, then one decision each. -------------------------------------------------------
    sign_in(page, staff.email)
    page.goto(live_server.url + reverse("eligibility:queue", args=[program.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Eligibility review"))
    expect(page.get_by_role("link", name=names[0], exact=True)).to_be_visible()
    check_a11y(page, "eligibility-01-queue")
    page.get_by_role("link", name=names[0], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(names[0])
    check_a11y(page, "eligibility-02-review")

    decide(page, live_server, good, "Qualified")
    until = (clock.now() + timedelta(days=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
    decide(page, live_server, supplement, "Needs supplement", message="請上傳清楚的學經歷表", until=until,
           items=[cv_name])  # fmt: skip
    decide(page, live_server, refused, "Not qualified", reason="degree")
    page.goto(live_server.url + reverse("eligibility:queue", args=[program.pk]) + "?status=supplement")
    expect(page.get_by_role("link", name=names[1], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=names[0], exact=True)).to_have_count(0)
    sign_out(page)

    # --- The supplement applicant sees the request and uploads the named item again. --------------------
    sign_in(page, supplement.applicant.email)
    page.goto(live_server.url + reverse("eligibility:result", args=[supplement.pk]))
    expect(page.get_by_role("main")).to_contain_text("請上傳清楚的學經歷表")
    expect(page.get_by_role("main")).not_to_contain_text(COMPLETE)
    check_a11y(page, "eligibility-03-supplement")
    upload_document(applicant=supplement.applicant, application=supplement, requirement=cv,
                    upload=upload("cv-v2.pdf", pdf_bytes(pages=2)))  # fmt: skip
    sign_out(page)

    # --- Staff qualify the supplement, number the qualified and publish. ---------------------------------
    sign_in(page, staff.email)
    decide(page, live_server, supplement, "Qualified")
    page.goto(live_server.url + reverse("exams:admin", args=[program.pk]))
    page.get_by_role("button", name=_("Assign exam numbers")).click()
    expect(page.get_by_role("main").get_by_role("status")).to_be_visible()
    page.get_by_role("button", name=_("Publish results and tickets")).click()
    expect(page.get_by_role("main")).to_contain_text(_("Published"))
    check_a11y(page, "eligibility-04-exam-admin")
    sign_out(page)
    assert AdmissionTicket.objects.filter(program=program).count() == 2
    assert ReviewDecision.objects.get(application=refused).result == "not_qualified"

    # --- Each applicant sees the right status; the qualified print their ticket. -------------------------
    for application, qualified in [(good, True), (supplement, True), (refused, False)]:
        sign_in(page, application.applicant.email)
        page.goto(live_server.url + reverse("applications:dashboard"))
        page.get_by_role("link", name=_("Eligibility review (資格審查)")).click()
        main = page.get_by_role("main")
        if qualified:
            expect(main).to_contain_text(COMPLETE)
            link = page.get_by_role("link", name=_("Print the admission ticket (PDF)"))
            response = page.request.get(link.get_attribute("href"))
            assert response.ok and response.headers["content-type"] == "application/pdf"
            _look_at_ticket(response.body(), f"eligibility-ticket-{application.pk}")
        else:
            expect(main).not_to_contain_text(COMPLETE)
            expect(main).to_contain_text(_("Not qualified"))
            expect(page.get_by_role("link", name=_("Print the admission ticket (PDF)"))).to_have_count(0)
        check_a11y(page, f"eligibility-05-result-{application.pk}")
        sign_out(page)


def _look_at_ticket(pdf: bytes, name: str) -> None:
    """The ticket has the photo and the Chinese font; saved as PNG for a person to look at."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert len(page.get_images()) == 1
        fonts = " ".join(str(font.get("/BaseFont")) for font in page.resources.get("/Font", {}).values())
    assert "GradAdmit" in fonts or "CJK" in fonts, fonts
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-", str(SCREENSHOTS / name)], input=pdf,
                       check=True, timeout=60)  # fmt: skip
