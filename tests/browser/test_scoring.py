"""Scoring to results: a reviewer scores stage 1, the office enters interview scores, ranks, previews,
publishes, and the applicant reads the result with its explanation."""

from datetime import timedelta

import pytest
from allauth.account.forms import LoginForm
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.scoring.models import RankingRun, ScoringSettings
from gradadmit.testing.factories import (
    ApplicationFactory,
    OfficeFactory,
    ProgramFactory,
    ReviewerAssignmentFactory,
)

from .conftest import DEFAULT_TIMEOUT_MS, check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  locale="zh-TW", timezone_id="Asia/Taipei")  # fmt: skip
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "login"))).fill(email)
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "password"))).fill("correct-horse-battery-9")
    page.get_by_role("main").get_by_role("button", name=_("Sign In")).click()
    expect(page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Sign out"))).to_be_visible()


def test_score_rank_preview_publish_and_applicant_reads_the_result(browser, live_server):
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    ScoringSettings.objects.create(program=program, pass_minimum=60)
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    first, second = ApplicationFactory(program=program), ApplicationFactory(program=program)
    reviewer = ReviewerAssignmentFactory(program=program).reviewer
    office = OfficeFactory()
    stage1, stage2 = program.stages.order_by("order")

    # --- The reviewer scores stage 1 of both applications. ----------------------------------------------------
    page = new_page(browser, live_server)
    sign_in(page, reviewer.email)
    page.goto("/review/")
    page.get_by_role("link", name=program.code).click()
    check_a11y(page, "scoring-01-reviewer-list")
    for application, value in ((first, "80"), (second, "90")):
        page.goto(f"/review/programs/{program.pk}/applications/{application.pk}/stages/{stage1.pk}/")
        page.get_by_label(_("Score (0–100, up to two decimals)")).fill(value)
        page.get_by_role("button", name=_("Save score")).click()
        expect(page.get_by_role("main").get_by_role("status")).to_contain_text(_("Your score was saved."))
    check_a11y(page, "scoring-02-reviewer-scored")

    # --- The office invites to the interview, enters interview scores, ranks. -------------------------------
    staff = new_page(browser, live_server)
    sign_in(staff, office.email)
    staff.goto(f"/office/programs/{program.pk}/scores/")
    staff.get_by_role("button", name=_("Apply the stage-1 pass rule (invite to the interview)")).click()
    for application, value in ((first, "95"), (second, "70")):
        staff.get_by_label(_("Application"), exact=True).select_option(str(application.pk))
        staff.get_by_label(_("Stage"), exact=True).select_option(str(stage2.pk))
        staff.get_by_label(_("Score"), exact=True).fill(value)
        staff.get_by_role("button", name=_("Save score")).click()
        expect(staff.get_by_role("main").get_by_role("status")).to_contain_text(_("The score was saved."))
    check_a11y(staff, "scoring-03-office-scores")
    staff.get_by_role("link", name=_("Ranking runs")).click()
    staff.get_by_role("button", name=_("Rank now")).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(_("Ranking run"))
    outcomes = staff.get_by_role("table", name=_("Outcomes"))
    expect(outcomes).to_contain_text("87.50")  # first: 80 × 0.5 + 95 × 0.5
    check_a11y(staff, "scoring-04-office-preview")

    # --- Dry run, then publish. --------------------------------------------------------------------------------
    staff.get_by_role("button", name=_("Dry run")).click()
    expect(staff.get_by_role("main").get_by_role("status")).to_contain_text("2")
    assert RankingRun.objects.get().state == "proposed"
    staff.get_by_role("button", name=_("Publish"), exact=True).click()
    expect(staff.get_by_role("main").get_by_role("status")).to_contain_text("2")
    assert RankingRun.objects.get().state == "published"

    # --- The applicant reads the result and its explanation. ----------------------------------------------------
    applicant = new_page(browser, live_server)
    sign_in(applicant, second.applicant.email)
    applicant.goto(f"/me/applications/{second.pk}/result/")
    main = applicant.get_by_role("main")
    expect(main).to_contain_text(_("Waitlisted (備取)"))
    expect(main).to_contain_text("80.00")
    expect(applicant.get_by_role("table", name=_("Your scores"))).to_contain_text("90.00")
    check_a11y(applicant, "scoring-05-applicant-result")
