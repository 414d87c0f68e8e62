"""The department's scoring pages as a newcomer walks them: scoring settings, reviewer assignments, and an
appeal with a PDF attachment that the applicant and the programme's staff open.

Messages not yet in the zh-Hant catalogue are checked by their role and the values on the page, not by
their wording; labels and button names come from the catalogue (``_()``), so the test reads the page in
whatever language it is shown.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.core.i18n import pick
from gradadmit.cycles.models import Milestone
from gradadmit.scoring import services
from gradadmit.scoring.forms import AppealForm, ReviewerAssignmentForm, ScoringSettingsForm
from gradadmit.scoring.models import Appeal, InterviewInvitation, ScoringSettings
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    assign,
)
from gradadmit.testing.files import pdf_bytes

from .conftest import check_a11y, field_label, label_re, t
from .test_keyboard import expect_visible_focus, tab_to
from .test_scoring import new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
FACTS = "口試時間僅 5 分鐘，少於簡章所訂的 15 分鐘。"
REMEDY = "請重新安排口試。"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def settings_field(page, name: str):
    return page.get_by_label(label_re(field_label(LANGUAGE, ScoringSettingsForm, name)))


def assignment_field(page, program, name: str):
    return page.get_by_label(label_re(field_label(LANGUAGE, ReviewerAssignmentForm, name, program=program)))


def staff_of(program):
    staff = DepartmentStaffFactory()
    assign(staff, program)
    return staff


def open_score_table(page, program) -> None:
    """Office → the programme's applicants → its score table, by the links a newcomer follows."""
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Office"), exact=True).click()
    name = f"{program.code} {pick(program.name_zh, program.name_en, LANGUAGE)}"
    page.get_by_role("table", name=_("Programmes")).get_by_role("link", name=name, exact=True).click()
    page.get_by_role("link", name=_("Scores and ranking")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Scores"))
    expect(page).to_have_url(re.compile(rf"/office/programs/{program.pk}/scores/$"))


def published_program():
    """Two applicants scored in both stages, invited, ranked and published; results time an hour ago."""
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    office = OfficeFactory()
    applications = [ApplicationFactory(program=program) for _n in range(2)]
    for application, score in zip(applications, (90, 70), strict=True):
        for stage in program.stages.order_by("order"):
            services.enter_stage_score(actor=office, application=application, stage=stage, score=score)
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    services.publish_run(actor=office, run=services.run_ranking(actor=office, program=program))
    return program, applications


def open_pdf_link(page, link) -> None:
    """Click the link as a newcomer does: the browser gets a PDF (Chromium shows it inline); then back."""
    href = link.get_attribute("href")
    with page.expect_response(lambda response: response.url.endswith(href)) as info:
        link.click()
    response = info.value
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    # The viewer replaces the body the page sees; fetch the bytes again with the same session.
    assert page.request.get(href).body().startswith(b"%PDF-")
    page.go_back()


# --- scoring settings -----------------------------------------------------------------------------------


def test_department_staff_set_median_and_top_n_and_cannot_set_both_pass_rules(page):
    program = ProgramFactory()
    sign_in(page, staff_of(program).email)
    open_score_table(page, program)
    page.get_by_role("link", name=_("Scoring settings")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Scoring settings"))
    aggregation, top_n, minimum = (settings_field(page, n) for n in ("aggregation", "pass_top_n", "pass_minimum"))
    expect(aggregation).to_have_value("mean")
    expect(aggregation).to_be_enabled()  # nothing is locked before a stage is submitted
    check_a11y(page, "scoring-settings-01-form")

    aggregation.select_option(label=_("Median of the reviewers"))
    top_n.fill("8")
    page.get_by_role("button", name=_("Save settings")).click()
    expect(page.get_by_role("main").get_by_role("status")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/office/programs/{program.pk}/scoring/settings/$"))
    expect(aggregation).to_have_value("median")
    expect(top_n).to_have_value("8")
    saved = ScoringSettings.objects.get(program=program)
    assert (saved.aggregation, saved.pass_top_n, saved.pass_minimum) == ("median", 8, None)
    check_a11y(page, "scoring-settings-02-saved")

    # Both pass rules at once: refused at the top of the form, what was typed stays, nothing is stored.
    minimum.fill("60")
    page.get_by_role("button", name=_("Save settings")).click()
    form = page.get_by_role("main").locator("form")
    expect(form.get_by_role("alert")).to_have_count(1)
    expect(form.get_by_role("alert")).not_to_be_empty()
    expect(minimum).to_have_value("60")
    expect(top_n).to_have_value("8")
    expect(aggregation).to_have_value("median")
    saved.refresh_from_db()
    assert (saved.pass_top_n, saved.pass_minimum) == (8, None)
    check_a11y(page, "scoring-settings-03-both-pass-rules")


def test_scoring_settings_filled_and_saved_with_the_keyboard_only(page):
    program = ProgramFactory()
    sign_in(page, staff_of(program).email)
    page.goto(f"/office/programs/{program.pk}/scoring/settings/")

    tab_to(page, settings_field(page, "aggregation"))
    expect_visible_focus(page)
    page.keyboard.press("ArrowDown")  # mean → median
    expect(settings_field(page, "aggregation")).to_have_value("median")
    for name in ("disagreement_threshold", "pass_minimum", "pass_top_n"):
        page.keyboard.press("Tab")
        expect(settings_field(page, name)).to_be_focused()
        expect_visible_focus(page)
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    expect(settings_field(page, "admit_all_tied")).to_be_focused()
    expect_visible_focus(page)
    page.keyboard.press("Space")
    expect(settings_field(page, "admit_all_tied")).to_be_checked()
    check_a11y(page, "scoring-settings-04-keyboard-filled")
    tab_to(page, page.get_by_role("button", name=_("Save settings")))
    expect_visible_focus(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("main").get_by_role("status")).to_be_visible()
    saved = ScoringSettings.objects.get(program=program)
    assert (saved.aggregation, saved.pass_top_n, saved.admit_all_tied, saved.show_rank) == ("median", 5, True, True)


# --- reviewer assignments -------------------------------------------------------------------------------


def test_department_staff_assign_a_reviewer_for_one_application_and_remove_it(page):
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    sign_in(page, staff_of(program).email)
    open_score_table(page, program)
    page.get_by_role("link", name=_("Reviewers"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Reviewers"))
    table = page.get_by_role("main").get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(1 + 1)  # the header and "no reviewer yet"
    check_a11y(page, "scoring-reviewers-01-empty")

    # The options as the form labels them: "name <email>" or the email, "#id name" for an application.
    fields = ReviewerAssignmentForm(program=program).fields
    assignment_field(page, program, "reviewer").select_option(label=fields["reviewer"].label_from_instance(reviewer))
    assignment_field(page, program, "application").select_option(
        label=fields["application"].label_from_instance(application)
    )
    page.get_by_role("button", name=_("Assign"), exact=True).click()

    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(reviewer.email)
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=reviewer.email))
    expect(row).to_contain_text(f"#{application.pk}")
    assignment = program.reviewer_assignments.get()
    assert (assignment.reviewer, assignment.application, assignment.conflict_declared) == (reviewer, application, False)
    check_a11y(page, "scoring-reviewers-02-assigned")

    row.get_by_role("button").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(reviewer.email)
    expect(row).to_have_count(0)
    expect(table.get_by_role("row")).to_have_count(1 + 1)
    assert not program.reviewer_assignments.exists()
    check_a11y(page, "scoring-reviewers-03-removed")


# --- appeal with a PDF attachment ------------------------------------------------------------------------


def test_appeal_refuses_html_named_pdf_keeps_the_text_then_sends_a_pdf_staff_open(page, browser, live_server):
    program, (application, _other) = published_program()
    sign_in(page, application.applicant.email)
    page.goto(f"/me/applications/{application.pk}/result/")
    expect(page.get_by_role("heading", level=2, name=_("Appeal (申訴)"))).to_be_visible()
    facts = page.get_by_label(label_re(field_label(LANGUAGE, AppealForm, "facts")))
    remedy = page.get_by_label(label_re(field_label(LANGUAGE, AppealForm, "remedy")))
    attachment = page.get_by_label(label_re(field_label(LANGUAGE, AppealForm, "attachment")))
    send = page.get_by_role("button", name=_("Send the appeal"))

    # An HTML page saved with a .pdf name is refused at the field; the text stays as written.
    facts.fill(FACTS)
    remedy.fill(REMEDY)
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    attachment.set_input_files({"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": html})
    send.click()
    main = page.get_by_role("main")
    expect(main.get_by_role("status")).to_be_visible()
    expect(main.get_by_role("alert")).to_have_text(
        _("This file is not a PDF (whatever its name says). Save or export it as PDF.")
    )
    expect(attachment).to_have_attribute("aria-invalid", "true")
    expect(facts).to_have_value(FACTS)
    expect(remedy).to_have_value(REMEDY)
    assert not Appeal.objects.exists()
    check_a11y(page, "scoring-appeal-01-not-a-pdf")

    # A real PDF: the appeal is sent and listed with a link to the attachment, which serves the PDF.
    attachment.set_input_files({"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    send.click()
    expect(main.get_by_role("status")).to_contain_text(_("Your appeal was sent."))
    expect(send).to_have_count(0)
    appeal = Appeal.objects.get(application=application)
    expect(main).to_contain_text(appeal.get_status_display())
    link = main.get_by_role("link", name=_("Your attachment (PDF)"))
    expect(link).to_have_attribute("href", f"/me/appeals/{appeal.pk}/attachment/")
    check_a11y(page, "scoring-appeal-02-sent")
    open_pdf_link(page, link)

    # The programme's staff find the appeal from the score table and open the same file.
    staff = new_page(browser, live_server)
    sign_in(staff, staff_of(program).email)
    open_score_table(staff, program)
    staff.get_by_role("link", name=_("Regrade requests and appeals")).click()
    section = staff.get_by_role("region").filter(has_text=FACTS)
    expect(section.get_by_role("heading", level=2)).to_contain_text(f"#{application.pk}")
    expect(section).to_contain_text(REMEDY)
    staff_link = section.get_by_role("link", name=_("Attachment (PDF)"))
    expect(staff_link).to_have_attribute("href", f"/office/appeals/{appeal.pk}/attachment/")
    check_a11y(staff, "scoring-appeal-03-staff-appeals")
    open_pdf_link(staff, staff_link)
    expect(staff.get_by_role("heading", level=1).first).to_be_visible()
