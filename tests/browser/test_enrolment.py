"""After the results: an applicant admitted to two programmes checks in to one, another gives up, the first
waitlisted applicant is promoted by the office and checks in, and the check-in board shows the counts."""

import pytest
from playwright.sync_api import expect

from gradadmit.enrolment.models import Admission
from gradadmit.enrolment.tests.helpers import windows
from gradadmit.testing.factories import (
    PASSWORD,
    AdmissionFactory,
    ApplicationFactory,
    OfficeFactory,
    ProgramFactory,
    WaitlistEntryFactory,
)

from .conftest import check_a11y, t
from .test_scoring import new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def test_check_in_give_up_promote_and_board(browser, live_server):
    program = ProgramFactory()
    other_program = ProgramFactory(cycle=program.cycle)
    first = AdmissionFactory(application=ApplicationFactory(program=program))
    also = AdmissionFactory(application=ApplicationFactory(program=other_program, applicant=first.applicant))
    second = AdmissionFactory(application=ApplicationFactory(program=program))
    waiting = WaitlistEntryFactory(application=ApplicationFactory(program=program), position=1)
    windows(program, promotion="closed")  # the office promotes by hand below, not the worker at the give-up

    # --- Admitted to two programmes: checks in to one, confirming the release of the other. ---------------------
    page = new_page(browser, live_server)
    sign_in(page, first.applicant.email)
    page.goto(f"/me/applications/{first.application_id}/enrolment/")
    check_a11y(page, "enrolment-01-check-in")
    page.get_by_label(_("I will bring the original degree certificate and my ID card to registration.")).check()
    page.get_by_label(
        _("I understand that checking in here releases these admissions, and that this cannot be undone.")
    ).check()
    page.get_by_role("button", name=_("Check in"), exact=True).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(_("You are checked in."))
    also.refresh_from_db()
    assert also.status == "released"

    # --- Another admitted applicant gives up with the password (附件十). ----------------------------------------
    giver = new_page(browser, live_server)
    sign_in(giver, second.applicant.email)
    giver.goto(f"/me/applications/{second.application_id}/enrolment/")
    giver.get_by_role("link", name=_("Give up this admission (放棄錄取)")).click()
    check_a11y(giver, "enrolment-02-give-up")
    giver.get_by_label(_("Your password, to confirm")).fill(PASSWORD)
    giver.get_by_role("button", name=_("Give up the admission")).click()
    expect(giver.get_by_role("link", name=_("Download the give-up receipt (PDF)"))).to_be_visible()

    # --- The office promotes the first on the waitlist. -----------------------------------------------------------
    windows(program)
    staff = new_page(browser, live_server)
    sign_in(staff, OfficeFactory().email)
    staff.goto(f"/office/programs/{program.pk}/check-in/")
    staff.get_by_role("button", name=_("Promote the next (%(i)s)") % {"i": _("General (一般生)")}).click()
    assert Admission.objects.get(application=waiting.application).status == "offered"

    # --- The promoted applicant checks in. -------------------------------------------------------------------------
    promoted = new_page(browser, live_server)
    sign_in(promoted, waiting.application.applicant.email)
    promoted.goto(f"/me/applications/{waiting.application_id}/enrolment/")
    promoted.get_by_label(_("I will bring the original degree certificate and my ID card to registration.")).check()
    promoted.get_by_role("button", name=_("Check in"), exact=True).click()
    expect(promoted.get_by_role("main").get_by_role("status")).to_contain_text(_("You are checked in."))

    # --- The board: two checked in online, one given up, no vacancy. ------------------------------------------
    staff.goto(f"/office/programs/{program.pk}/check-in/")
    places = staff.get_by_role("table", name=_("Places per identity"))
    general = places.get_by_role("row").filter(has_text=_("General (一般生)"))
    expect(general.get_by_role("cell")).to_have_text(["2", "0", "2", "0", "1", "0", "0", "0", "0", ""])
    check_a11y(staff, "enrolment-03-board")
    staff.get_by_role("main").get_by_role("link", name=_("Waitlist"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(_("Waitlist"))
    expect(staff.get_by_role("main").get_by_role("table").get_by_role("row")).not_to_have_count(1)  # header only
    check_a11y(staff, "enrolment-04-waitlist")
