"""The API's pages in the browser: an office member makes a token with the keyboard (shown once), revokes it,
and opens the API documentation (Swagger UI from static files under the portal's strict CSP)."""

import re

import pytest
from playwright.sync_api import expect

from gradadmit.testing.factories import OfficeFactory, ProgramFactory

from .conftest import check_a11y, label_re, screenshot, t
from .test_office import open_office, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def test_office_member_creates_a_token_with_the_keyboard_and_revokes_it(page):
    office = OfficeFactory()
    program = ProgramFactory()
    sign_in(page, office.email)
    open_office(page)
    page.get_by_role("link", name=_("API tokens")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("API tokens"))
    check_a11y(page, "api-tokens")

    page.get_by_label(label_re(_("Token name"))).fill("registrar nightly sync")
    page.get_by_label(label_re(_("Owner"))).select_option("self")
    page.get_by_label(re.compile(re.escape(program.code))).check()
    page.get_by_label(_("Read only")).check()
    page.get_by_label(label_re(_("Valid for (days)"))).fill("30")
    page.get_by_role("button", name=_("Create token")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Token created"))
    secret = page.get_by_label(label_re(_("Token"))).input_value()
    assert secret.startswith("ga_")
    check_a11y(page, "api-token-created")

    page.get_by_role("link", name=_("Back to API tokens")).click()
    assert secret not in page.content()
    revoke = page.get_by_role("button", name=re.compile(re.escape(_("Revoke"))))
    revoke.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name=re.compile(re.escape(_("Revoked"))))).to_be_visible()
    check_a11y(page, "api-token-revoked")


def test_api_documentation_page_shows_every_operation(page):
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name=re.compile("GradAdmit API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/applications", exact=True).first).to_be_visible()
    expect(page.get_by_text("/api/v1/stage-scores", exact=True).first).to_be_visible()
    screenshot(page, "api-docs")
    page.get_by_text("/api/v1/applications", exact=True).first.click()
    expect(page.get_by_text("updated_since").first).to_be_visible()
    screenshot(page, "api-docs-applications")
