"""Keyboard only: the skip link comes first and works; the login form is reachable, fillable and submittable."""

import re

import pytest
from allauth.account.forms import LoginForm
from playwright.sync_api import expect

from gradadmit.core.i18n import pick
from gradadmit.testing.factories import PASSWORD, CycleFactory, UserFactory

from .conftest import check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
MAX_TABS = 25

FOCUS_STYLE = """() => {
  const s = getComputedStyle(document.activeElement);
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none'};
}"""


def _(message: str) -> str:
    return t(LANGUAGE, message)


def tab_to(page, locator) -> int:
    """Press Tab until ``locator`` has focus; the number of presses, or fail when it is never reached."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} not reached with {MAX_TABS} Tab presses")


def expect_visible_focus(page) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style["outline"] or style["shadow"], "the focused element shows no focus indicator"


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    cycle = CycleFactory()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=_("Skip to main content"))
    expect(skip).to_be_focused()
    expect_visible_focus(page)
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    check_a11y(page, "keyboard-01-skip-link")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside main: the first link of the page's content, not the header.
    page.keyboard.press("Tab")
    cycle_name = pick(cycle.name_zh, cycle.name_en, LANGUAGE)
    expect(page.get_by_role("main").get_by_role("link", name=cycle_name)).to_be_focused()


def test_sign_in_with_the_keyboard_only(page):
    user = UserFactory()
    page.goto("/accounts/login/")
    email = page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "login")))
    password = page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "password")))
    submit = page.get_by_role("main").get_by_role("button", name=_("Sign In"))

    tab_to(page, email)
    expect_visible_focus(page)
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    expect_visible_focus(page)
    page.keyboard.type(PASSWORD)
    check_a11y(page, "keyboard-02-login-filled")
    tab_to(page, submit)
    expect_visible_focus(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/me/$"))
    nav = page.get_by_role("navigation", name=_("Main"))
    expect(nav.get_by_role("link", name=_("Sign out"))).to_be_visible()
