"""The newcomer's journey, in Chinese and in English: read, register, confirm, fill in basic details, apply twice.

Everything is found the way a person finds it: by role and visible name, and form fields by their label.
Texts come from Django's catalogues (``t``), so the test follows the translations.
"""

import re

import pytest
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.core import mail
from playwright.sync_api import expect

from gradadmit.accounts.forms import ProfileForm
from gradadmit.applications.models import Application
from gradadmit.core.i18n import pick
from gradadmit.core.mail import SEPARATOR
from gradadmit.testing.factories import CycleFactory, ProgramFactory, valid_taiwan_id

from .conftest import check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lantern-Zebra-2026"
CONFIRM_LINK = re.compile(r"https?://[^\s/]+/accounts/confirm-email/[^\s/]+/")
HTML_LANG = {"zh-hant": "zh-Hant-TW", "en": "en"}


class Newcomer:
    """The browser plus the words of the page's language."""

    def __init__(self, page, language):
        self.page = page
        self.language = language
        self.step = 0

    def _(self, message: str) -> str:
        return t(self.language, message)

    def pick(self, obj, field: str) -> str:
        return pick(getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en"), self.language)

    def nav(self):
        return self.page.get_by_role("navigation", name=self._("Main"))

    def field(self, form_class, name: str):
        return self.page.get_by_label(label_re(field_label(self.language, form_class, name)))

    def one_of(self, *messages: str) -> re.Pattern:
        """Any of these texts (allauth's wording, or the portal's own where it overrides allauth's template)."""
        return re.compile("|".join(re.escape(self._(message)) for message in messages))

    def checkpoint(self, what: str, heading: str | re.Pattern) -> None:
        """The page has the expected level-1 heading, in the expected language, and passes axe."""
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(self.page.locator("html")).to_have_attribute("lang", HTML_LANG[self.language])
        self.step += 1
        check_a11y(self.page, f"journey-{self.language}-{self.step:02d}-{what}")

    def flash(self):
        return self.page.get_by_role("main").get_by_role("status")


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_newcomer_registers_and_applies_to_two_programmes(page, live_server, language):
    cycle = CycleFactory()
    programs = [ProgramFactory(cycle=cycle), ProgramFactory(cycle=cycle)]
    email = f"newcomer-{language}@example.tw"
    me = Newcomer(page, language)
    _ = me._

    # --- Home page; the English reader switches language with the header button. ---------------------
    page.goto("/")
    if language == "en":
        page.get_by_role("banner").get_by_role("button", name="English").click()
        expect(page.get_by_role("banner").get_by_role("button", name="中文")).to_be_visible()
    me.checkpoint("home", _("Graduate admissions"))
    cycle_card = page.get_by_role("region", name=me.pick(cycle, "name"))
    expect(cycle_card).to_be_visible()

    # --- Cycle page: calendar and the two programmes. -------------------------------------------------
    cycle_card.get_by_role("link", name=_("Calendar and programmes")).click()
    me.checkpoint("cycle", me.pick(cycle, "name"))
    calendar = page.get_by_role("table", name=_("Calendar"))
    expect(calendar.get_by_role("row")).to_have_count(1 + 4)  # header + two application windows, documents, results
    programme_table = page.get_by_role("table", name=_("Programmes and quotas"))
    for program in programs:
        expect(programme_table.get_by_role("link", name=me.pick(program, "name"), exact=True)).to_be_visible()

    # --- A programme page. ---------------------------------------------------------------------------
    programme_table.get_by_role("link", name=me.pick(programs[0], "name"), exact=True).click()
    me.checkpoint("programme", me.pick(programs[0], "name"))
    expect(page.get_by_role("link", name=_("Apply to this programme"))).to_be_visible()
    expect(page.get_by_role("table", name=_("Required documents")).get_by_role("row")).to_have_count(1 + 2)

    # --- Register. ----------------------------------------------------------------------------------
    me.nav().get_by_role("link", name=_("Register"), exact=True).click()
    me.checkpoint("signup", me.one_of("Register", "Sign Up"))
    me.field(AllauthSignupForm, "email").fill(email)
    me.field(AllauthSignupForm, "password1").fill(PASSWORD)
    me.field(AllauthSignupForm, "password2").fill(PASSWORD)
    me.field(AllauthSignupForm, "pdpa_consent").check()
    page.get_by_role("main").get_by_role("button", name=me.one_of("Register", "Sign Up")).click()
    me.checkpoint("verification-sent", _("Verify Your Email Address"))

    # --- The verification email: Chinese first, then English, the same link in both. -----------------
    assert [message.to for message in mail.outbox] == [[email]]
    body = mail.outbox[0].body
    assert SEPARATOR in body, body
    chinese, english = body.split(SEPARATOR)
    links = CONFIRM_LINK.findall(chinese)
    assert links, f"no confirmation link in the Chinese part:\n{chinese}"
    assert CONFIRM_LINK.findall(english) == links
    assert links[0].startswith(live_server.url), links[0]

    # --- Confirm: allauth asks for a POST, then signs the newcomer in. -------------------------------
    page.goto(links[0])
    me.checkpoint("confirm-email", _("Confirm Email Address"))
    page.get_by_role("main").get_by_role("button", name=_("Confirm")).click()
    expect(me.nav().get_by_role("link", name=_("Sign out"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/me/$"))
    me.checkpoint("dashboard-empty", _("My applications"))

    # --- Basic details. -----------------------------------------------------------------------------
    page.get_by_role("main").get_by_role("link", name=_("Fill in basic details")).click()
    me.checkpoint("profile-empty", _("Basic details"))
    national_id = valid_taiwan_id(4242 if language == "en" else 2424, sex=2)
    texts = {
        "name_zh": "陳美玲",
        "name_en": "CHEN, MEI-LING",
        "national_id": national_id,
        "birth_date": "2001-03-15",
        "phone_mobile": "0912-345-678",
        "address": "彰化縣彰化市介壽北路1號",
        "school": "國立彰化師範大學",
        "department": "電機工程學系",
    }
    for name, value in texts.items():
        me.field(ProfileForm, name).fill(value)
    me.field(ProfileForm, "gender").select_option(label=_("Female"))
    me.field(ProfileForm, "education_status").select_option(label=_("Expected graduate (應屆畢業)"))
    expect(me.field(ProfileForm, "nationality")).to_have_value("tw")
    page.get_by_role("button", name=_("Save basic details")).click()
    expect(me.flash()).to_contain_text(_("Your basic details were saved."))
    me.checkpoint("dashboard-with-profile", _("My applications"))

    # --- Apply to both programmes, from the dashboard's list of open cycles. -------------------------
    for index, program in enumerate(programs, start=1):
        me.nav().get_by_role("link", name=_("My applications")).click()
        page.get_by_role("main").get_by_role("link", name=me.pick(cycle, "name")).click()
        programme_table = page.get_by_role("table", name=_("Programmes and quotas"))
        programme_table.get_by_role("link", name=me.pick(program, "name"), exact=True).click()
        page.get_by_role("link", name=_("Apply to this programme")).click()
        me.checkpoint(f"apply-{index}", me.pick(program, "name"))
        general = page.get_by_role("radio", name=_("General (一般生)"))
        general.check()
        expect(general).to_be_checked()
        page.get_by_role("main").get_by_role("button", name=_("Apply"), exact=True).click()
        expect(page).to_have_url(re.compile(r"/me/$"))
        expect(me.flash()).to_be_visible()

    # --- The dashboard lists both applications, each with its checklist. -----------------------------
    me.checkpoint("dashboard-two-applications", _("My applications"))
    for program in programs:
        card = page.get_by_role("region", name=me.pick(program, "name"))
        expect(card).to_contain_text(_("General (一般生)"))
        checklist = card.get_by_role("list")
        expect(checklist.get_by_role("listitem").first).to_be_visible()
        online = checklist.get_by_role("listitem").filter(has_text=_("Online application"))
        expect(online).to_contain_text(_("Done"))

    applications = Application.objects.filter(applicant__email=email).order_by("program__code")
    assert [(a.program_id, a.identity) for a in applications] == [(p.pk, "general") for p in programs]
    assert applications[0].applicant.profile.national_id == national_id


def test_signup_password_rules_are_announced_with_the_password_field(page):
    """The rules under the password field are its accessible description (aria-describedby), not orphan text."""
    page.goto("/accounts/signup/")
    password = page.get_by_label(label_re(field_label("zh-hant", AllauthSignupForm, "password1")))
    expect(password).to_have_accessible_description(re.compile(r"8"))
