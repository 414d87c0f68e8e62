"""Personal data (issue 19): an applicant downloads their data and opens it; the office runs a dry run and then
the anonymisation of a finished cycle, after which the office search finds none of its applicants."""

import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.privacy.forms import AnonymiseForm
from gradadmit.privacy.services import deletion_refusal
from gradadmit.testing.factories import (
    ApplicationFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    upload_required_documents,
)

from .conftest import check_a11y, field_label, label_re, screenshot, t
from .test_office import open_office, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


@pytest.fixture(autouse=True)
def patient(page):
    """The export and the anonymisation run in the request's commit (immediate tasks): give them time."""
    page.set_default_timeout(30_000)


def tab_to(page, name: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text is `name` (the keyboard path a user takes)."""
    for _round in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement && (document.activeElement.innerText || '').trim()")
        if text == name:
            return
    raise AssertionError(f"{name!r} was not reached with the Tab key")


def finished_cycle_applicant():
    """An applicant of a cycle whose calendar ended 400 days ago (past the default 365-day retention)."""
    application = ApplicationFactory(
        applicant=ProfileFactory(name_zh="林曉華", name_en="LIN, HSIAO-HUA", phone_mobile="0933-222-111",
                                 address="臺中市西區公益路88號", user__email="lin.hsiaohua@example.tw").user,
    )  # fmt: skip
    upload_required_documents(application)
    for milestone in application.program.cycle.milestones.all():
        milestone.starts_at -= timedelta(days=460)
        milestone.ends_at = milestone.starts_at + timedelta(days=1)
        milestone.save()
    return application


def test_applicant_downloads_their_data_and_opens_it(page, tmp_path):
    application = ApplicationFactory(program=ProgramFactory())
    upload_required_documents(application)
    profile = ApplicantProfile.objects.get(user=application.applicant)
    sign_in(page, application.applicant.email)

    page.goto("/me/")
    page.get_by_role("link", name=_("Your personal data: download a copy or delete your account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Your personal data"))
    # Submitted: deleting is refused, with the reason, and the page says what the law makes the university keep.
    with translation.override(LANGUAGE):
        refusal = deletion_refusal(application.applicant)
    expect(page.get_by_role("main")).to_contain_text(refusal)
    check_a11y(page, "privacy-01-my-data")

    tab_to(page, _("Prepare my data"))
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name=_("Download my data (zip)"))
    expect(link).to_be_visible()
    check_a11y(page, "privacy-02-export-ready")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "my-data.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        assert data["profile"]["national_id"] == profile.national_id
        assert any(name.startswith("files/") for name in archive.namelist())
        archive.extract("summary.html", tmp_path)
    page.goto((tmp_path / "summary.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("個人資料")
    expect(page.locator("body")).to_contain_text(profile.name_zh)
    screenshot(page, "privacy-03-summary-opened")


def test_office_dry_run_then_anonymises_a_finished_cycle(page):
    old = finished_cycle_applicant()
    cycle = old.program.cycle
    sign_in(page, OfficeFactory().email)
    open_office(page)

    page.get_by_role("link", name=_("Personal data retention")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Personal data retention"))
    check_a11y(page, "privacy-04-retention")
    page.get_by_role("link", name=cycle.name_zh).first.click()
    page.get_by_role("link", name=_("Show what will go (dry run)")).click()
    dry_run = page.get_by_role("table", name=_("What will go"))
    expect(dry_run.get_by_role("row").filter(has_text=_("Files: documents"))).to_contain_text("2")
    check_a11y(page, "privacy-05-dry-run")

    page.get_by_label(label_re(field_label(LANGUAGE, AnonymiseForm, "confirm"))).check()
    page.get_by_role("button", name=_("Anonymise the cycle")).click()
    report = page.get_by_role("table", name=_("What was done"))
    expect(report.get_by_role("row").filter(has_text=_("Files: documents"))).to_contain_text("2")
    expect(page.get_by_role("main")).to_contain_text(_("Statistics kept: the counts per programme and identity, "
                                                       "score distributions, payment totals and admissions are the "
                                                       "same as before."))  # fmt: skip
    check_a11y(page, "privacy-06-report")

    search = page.get_by_role("search", name=_("Applicants")).first
    for text in ("林曉華", "lin.hsiaohua@example.tw"):
        search.get_by_role("searchbox").fill(text)
        search.get_by_role("button", name=_("Search")).click()
        expect(page.get_by_role("main")).to_contain_text(
            _("No applicant you may see matches. Check the spelling, or search by email or exam number.")
        )
    check_a11y(page, "privacy-07-search-finds-none")
