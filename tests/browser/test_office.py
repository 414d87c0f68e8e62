"""Office pages as staff use them: the admissions office sees every programme, department staff only theirs."""

import re

import pytest
from allauth.account.forms import LoginForm
from django.utils import translation
from playwright.sync_api import expect

from gradadmit.core.i18n import pick
from gradadmit.testing.factories import (
    PASSWORD,
    ApplicationFactory,
    CycleFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    assign,
)

from .conftest import check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def name_of(obj) -> str:
    return pick(obj.name_zh, obj.name_en, LANGUAGE)


def applications_caption(n: int) -> str:
    with translation.override(LANGUAGE):
        return translation.ngettext("%(n)s application", "%(n)s applications", n) % {"n": n}


def sign_in(page, email: str) -> None:
    """Through the header's sign-in link and allauth's login form."""
    page.goto("/")
    nav = page.get_by_role("navigation", name=_("Main"))
    nav.get_by_role("link", name=_("Sign in"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Sign In"))
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "login"))).fill(email)
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Sign In")).click()
    expect(nav.get_by_role("link", name=_("Sign out"))).to_be_visible()


def open_office(page) -> None:
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Office"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Office"))


def programme_row(page, program):
    table = page.get_by_role("table", name=_("Programmes"))
    link = page.get_by_role("link", name=f"{program.code} {name_of(program)}", exact=True)
    return table.get_by_role("row").filter(has=link), link


def expect_counts(row, general: int, in_service: int) -> None:
    cells = row.get_by_role("cell")
    expect(cells.nth(2)).to_have_text(str(general))
    expect(cells.nth(3)).to_have_text(str(in_service))


@pytest.fixture
def programmes():
    cycle = CycleFactory()
    first, second = ProgramFactory(cycle=cycle), ProgramFactory(cycle=cycle)
    ApplicationFactory.create_batch(2, program=first, identity="general")
    ApplicationFactory(program=second, identity="in_service")
    return first, second


def test_office_sees_every_programme_with_counts_and_its_applicants(page, programmes):
    first, second = programmes
    office = OfficeFactory()

    sign_in(page, office.email)
    open_office(page)
    expect(page.get_by_role("main")).to_contain_text(_("Admissions office: every programme."))
    row, link = programme_row(page, first)
    expect_counts(row, general=2, in_service=0)
    row, _link = programme_row(page, second)
    expect_counts(row, general=0, in_service=1)
    expect(page.get_by_role("table", name=_("Cycles")).get_by_role("row")).to_have_count(1 + 1)
    check_a11y(page, "office-01-home")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first.code} {name_of(first)}")
    applicants = page.get_by_role("table", name=applications_caption(2))
    expect(applicants.get_by_role("row")).to_have_count(1 + 2)
    for applicant_row in applicants.get_by_role("row").all()[1:]:
        expect(applicant_row).to_contain_text("王小明")
        expect(applicant_row).to_contain_text(_("General (一般生)"))
    check_a11y(page, "office-02-programme-applicants")


def test_department_staff_sees_only_the_assigned_programme(page, programmes):
    first, second = programmes
    staff = DepartmentStaffFactory()
    assign(staff, second)

    sign_in(page, staff.email)
    open_office(page)
    expect(page.get_by_role("main")).to_contain_text(_("Department staff: the programmes assigned to you."))
    table = page.get_by_role("table", name=_("Programmes"))
    expect(table.get_by_role("row")).to_have_count(1 + 1)
    _row, other_link = programme_row(page, first)
    expect(other_link).to_have_count(0)
    row, link = programme_row(page, second)
    expect_counts(row, general=0, in_service=1)
    expect(page.get_by_role("table", name=_("Cycles"))).to_have_count(0)
    expect(page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Configuration"))).to_have_count(0)
    check_a11y(page, "office-03-department-home")

    link.click()
    applicants = page.get_by_role("table", name=applications_caption(1))
    expect(applicants.get_by_role("row")).to_have_count(1 + 1)
    expect(applicants).to_contain_text(_("In-service (在職生)"))
    check_a11y(page, "office-04-department-applicants")

    # Another department's list stays closed even by typing its address.
    response = page.goto(re.sub(r"/programs/\d+/", f"/programs/{first.pk}/", page.url))
    assert response.status in (403, 404), response.status


@pytest.mark.parametrize("factory", [OfficeFactory, DepartmentStaffFactory], ids=["office", "department"])
def test_staff_land_on_the_office_home_after_sign_in(page, factory):
    sign_in(page, factory().email)
    expect(page).to_have_url(re.compile(r"/office/$"), timeout=2_000)
