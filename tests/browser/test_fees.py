"""Paying the application fee: the applicant's fee page and slip, a waiver approved, a statement import paying it.

The applicant and the office each have their own browser context (two people, two browsers).
"""

import re
import subprocess

import pytest
from allauth.account.forms import LoginForm
from playwright.sync_api import expect

from gradadmit.fees.forms import StatementImportForm, WaiverRequestForm
from gradadmit.fees.models import Charge
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory
from gradadmit.testing.files import pdf_bytes

from .conftest import DEFAULT_TIMEOUT_MS, SCREENSHOTS, check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
HEADER = "value_date,value_time,virtual_account,amount,bank_serial,payer_bank_code"


def _(message: str) -> str:
    return t(LANGUAGE, message)


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  locale="zh-TW", timezone_id="Asia/Taipei", accept_downloads=True)  # fmt: skip
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "login"))).fill(email)
    page.get_by_label(label_re(field_label(LANGUAGE, LoginForm, "password"))).fill("correct-horse-battery-9")
    page.get_by_role("main").get_by_role("button", name=_("Sign In")).click()
    expect(page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Sign out"))).to_be_visible()


def fee_section(page):
    return page.get_by_role("region", name="報名費")


def import_statement(page, cycle, path) -> None:
    page.goto(f"/office/cycles/{cycle.pk}/payments/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Payments"))
    page.get_by_label(label_re(field_label(LANGUAGE, StatementImportForm, "file"))).set_input_files(str(path))
    page.get_by_role("button", name=_("Import"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Statement import"))


OUTCOME_LABELS = {"matched": "Matched and paid", "duplicate": "Duplicate (already imported)"}


def summary_count(page, outcome: str):
    """The count cell of an outcome's row in the import summary."""
    header = page.get_by_role("rowheader", name=_(OUTCOME_LABELS[outcome]), exact=True)
    return page.get_by_role("row").filter(has=header).get_by_role("cell")


def test_applicant_pays_after_a_waiver_and_the_office_import_marks_it_paid(browser, live_server, tmp_path):
    application = ApplicationFactory()
    cycle = application.program.cycle
    office = OfficeFactory()
    applicant = new_page(browser, live_server)
    staff = new_page(browser, live_server)

    # --- The applicant finds the fee on 考生專區 and opens the fee page. ----------------------------------
    sign_in(applicant, application.applicant.email)
    applicant.goto("/me/")
    applicant.get_by_role("link", name=_("Application fee (報名費)")).first.click()
    expect(applicant.get_by_role("heading", level=1)).to_contain_text(_("Application fee and payment"))
    charge = Charge.objects.get(application=application)
    number = charge.accounts.get().number
    section = fee_section(applicant)
    expect(section).to_contain_text("中國信託商業銀行")
    expect(section).to_contain_text("822")
    expect(section.locator("strong.account")).to_have_text(number)
    expect(section).to_contain_text("NT$ 900")
    expect(section).to_contain_text("尚未繳費")
    expect(applicant.get_by_role("note")).to_contain_text(_("Check that the programme is correct before paying."))
    check_a11y(applicant, "fees-01-applicant-fee-page")

    # --- The slip downloads as a PDF with the account number; looked at as a PNG. -------------------------
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name=_("Download the payment slip (PDF)")).click()
    slip = tmp_path / "slip.pdf"
    download.value.save_as(slip)
    assert slip.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text.replace(" ", "") and "中國信託商業銀行" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(slip), str(SCREENSHOTS / "fees-02-slip")],
                   check=True)  # fmt: skip

    # --- A middle-low-income waiver request with the certificate. ----------------------------------------
    proof = tmp_path / "certificate.pdf"
    proof.write_bytes(pdf_bytes())
    applicant.get_by_text(_("Ask for a fee waiver (low-income or middle-low-income household)")).click()
    applicant.get_by_label(
        re.compile(re.escape(str(_("Middle-low-income household (中低收入戶): 60 percent off"))))
    ).check()
    applicant.get_by_label(label_re(field_label(LANGUAGE, WaiverRequestForm, "household_address"))).fill(
        "彰化市介壽北路1號"
    )
    applicant.get_by_label(label_re(field_label(LANGUAGE, WaiverRequestForm, "phone_mobile"))).fill("0912-345-678")
    applicant.get_by_label(label_re(field_label(LANGUAGE, WaiverRequestForm, "proof"))).set_input_files(str(proof))
    applicant.get_by_role("button", name=_("Send the waiver request")).click()
    expect(applicant.get_by_role("main").get_by_role("status")).to_contain_text(
        _("Your waiver request was sent. The office will decide it; you get a message.")
    )
    check_a11y(applicant, "fees-03-applicant-waiver-sent")

    # --- The office approves it on the cycle's payments page. ---------------------------------------------
    sign_in(staff, office.email)
    staff.goto(f"/office/cycles/{cycle.pk}/payments/")
    check_a11y(staff, "fees-04-office-payments")
    waiting = staff.get_by_role("table", name=_("Fee waiver requests waiting for a decision"))
    waiting.get_by_role("link", name="王小明").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(_("Fee waiver request"))
    staff.get_by_label(re.compile(re.escape(_("Approve: documents complete and the household qualifies")))).check()
    staff.get_by_label(label_re(_("Reason (the applicant reads it)"))).fill("中低收入戶證明齊全")
    check_a11y(staff, "fees-05-office-waiver")
    staff.get_by_role("button", name=_("Record the decision")).click()
    expect(staff.get_by_role("main").get_by_role("status")).to_contain_text(
        _("The decision was recorded; the applicant was told.")
    )

    applicant.reload()
    expect(fee_section(applicant)).to_contain_text("NT$ 360")
    charge.refresh_from_db()
    number = charge.accounts.get(is_current=True).number

    # --- The office imports the bank's statement paying 360; the applicant sees 已正確繳費. -----------------
    csv_path = tmp_path / "ctbc-20241001.csv"
    csv_path.write_text(f"{HEADER}\n2024-10-01,09:49:52,{number},360,TX0001,812\n", encoding="utf-8")
    import_statement(staff, cycle, csv_path)
    expect(summary_count(staff, "matched")).to_have_text("1")
    expect(summary_count(staff, "duplicate")).to_have_text("0")
    check_a11y(staff, "fees-06-office-import-summary")

    applicant.reload()
    expect(fee_section(applicant)).to_contain_text("已正確繳費")
    check_a11y(applicant, "fees-07-applicant-paid")

    # --- The same file again: only duplicates, nothing changes. -------------------------------------------
    import_statement(staff, cycle, csv_path)
    expect(summary_count(staff, "duplicate")).to_have_text("1")
    expect(summary_count(staff, "matched")).to_have_text("0")
    staff.get_by_role("link", name=_("Duplicate (already imported)")).first.click()
    expect(staff.get_by_role("main")).to_contain_text("TX0001")
    check_a11y(staff, "fees-08-office-second-import-duplicates")
    charge.refresh_from_db()
    assert (charge.amount_received, charge.status) == (360, "paid")
