"""Staff find an applicant by exam number from the header's search box and open the record (Chinese, then
English); from the record, the check-in board's admitted list for the registrar downloads as Excel and is read
back with openpyxl; the full ID number is revealed (logged) and the access log read. Screenshots under
reports/screenshots/ (applicant-record-*, applicant-reveal-en, applicant-accesses-en)."""

import openpyxl
import pytest
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.core.masking import mask
from gradadmit.exams.models import AdmissionTicket
from gradadmit.testing.factories import AdmissionFactory, ApplicationFactory, OfficeFactory, ProfileFactory

from .conftest import check_a11y, t
from .test_office import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admitted_applicant():
    profile = ProfileFactory(name_zh="陳美玲", name_en="CHEN, MEI-LING")
    application = ApplicationFactory(applicant=profile.user)
    AdmissionTicket.objects.create(
        application=application, program=application.program, exam_number="M010007", sequence=1,
        assigned_at=clock.now(),
    )  # fmt: skip
    AdmissionFactory(application=application)
    ApplicationFactory()  # someone else, never shown
    return application


def find_by_exam_number(page, language: str, number: str) -> None:
    nav = page.get_by_role("navigation", name=t(language, "Main"))
    search = nav.get_by_role("search")
    search.get_by_role("searchbox").fill(number)
    search.get_by_role("button", name=t(language, "Search")).click()


def test_office_finds_an_applicant_by_exam_number_and_reads_the_record(page, tmp_path):
    application = admitted_applicant()
    office = OfficeFactory()
    sign_in(page, office.email)

    find_by_exam_number(page, "zh-hant", "M010007")
    expect(page.get_by_role("heading", level=1)).to_contain_text("陳美玲")
    main = page.get_by_role("main")
    for heading in ["Profile", "Messages and emails", "Audit trail"]:
        expect(main.get_by_role("heading", name=t("zh-hant", heading), exact=True)).to_be_visible()
    expect(main.get_by_text("M010007")).to_be_visible()
    profile = application.applicant.profile
    expect(main.get_by_text(mask(profile.national_id))).to_be_visible()  # masked; the full number behind "reveal"
    expect(main.get_by_text(profile.national_id)).to_have_count(0)
    check_a11y(page, "applicant-record-zh")

    main.get_by_role("link", name=t("zh-hant", "Check-in board")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("zh-hant", "Admitted list for the registrar (Excel)")).click()
    path = tmp_path / "admitted.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any("M010007" in [str(v) for v in row] for row in values[1:])
    exam_cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == "M010007"]
    assert exam_cells and exam_cells[0].data_type == "s"  # the exam number is text

    page.get_by_role("button", name="English").click()
    find_by_exam_number(page, "en", "m010007")  # any case
    expect(page.get_by_role("heading", level=1)).to_contain_text("CHEN, MEI-LING")
    expect(page.get_by_role("main").get_by_role("heading", name="Audit trail")).to_be_visible()
    check_a11y(page, "applicant-record-en")

    # The full ID number: a button (POST), each use in the access log the office can read.
    page.get_by_role("button", name="Show the full ID number, birth date and phones").click()
    expect(page.get_by_role("main").get_by_text(profile.national_id)).to_be_visible()
    check_a11y(page, "applicant-reveal-en")
    page.get_by_role("link", name="Applicant record").click()
    page.get_by_role("link", name="Who opened this file").click()
    expect(page.get_by_role("main").get_by_role("table")).to_contain_text("Revealed the full ID number")
    check_a11y(page, "applicant-accesses-en")
    page.get_by_role("link", name="Applicant record").click()

    search = page.get_by_role("navigation", name="Main").get_by_role("search")
    search.get_by_role("searchbox").fill("美玲")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an applicant")
    expect(page.get_by_role("link", name="陳美玲")).to_be_visible()
    check_a11y(page, "applicant-search-en")
