"""The core Excel export: translated headers, real dates, IDs as text, formulas neutralised, the file name."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from gradadmit.core.exports import DATE, DATETIME, ID, MONEY, NUMBER, Column, export_filename, write_xlsx, xlsx_response
from gradadmit.core.listing import Filter, Listing, Sort


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)


COLUMNS = [
    Column(gettext_lazy("Name"), "name"),
    Column(gettext_lazy("national ID number"), "national_id", kind=ID),
    Column(gettext_lazy("Amount"), "amount", kind=MONEY),
    Column(gettext_lazy("Score"), "score", kind=NUMBER),
    Column(gettext_lazy("Applied on"), "applied_at", kind=DATETIME),
    Column(gettext_lazy("date of birth"), "birth_date", kind=DATE),
    Column(gettext_lazy("Account"), "profile.account", kind=ID),
]


def sheet_of(rows, columns=COLUMNS):
    out = io.BytesIO()
    write_xlsx(out, columns=columns, rows=rows, title="test")
    out.seek(0)
    return load_workbook(out).active


def a_row(**changes):
    values = {"name": "王小明", "national_id": "0012345678", "amount": 1500, "score": 87.5,
                  "applied_at": datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC),
                  "birth_date": datetime.date(2000, 1, 2), "profile": Row(account="00095271150001")}  # fmt: skip
    values.update(changes)
    return Row(**values)


def test_headers_are_in_the_users_language():
    with translation.override("zh-hant"):
        chinese = [cell.value for cell in sheet_of([])[1]]
    with translation.override("en"):
        english = [cell.value for cell in sheet_of([])[1]]
    assert chinese[:2] == ["姓名", "身分證字號"]
    assert english[:2] == ["Name", "national ID number"]


def test_empty_list_gives_only_the_header_row():
    sheet = sheet_of([])
    assert sheet.max_row == 1
    assert len([cell.value for cell in sheet[1]]) == len(COLUMNS)


def test_datetimes_are_excel_dates_in_taipei():
    sheet = sheet_of([a_row()])
    applied, born = sheet.cell(2, 5), sheet.cell(2, 6)
    assert applied.is_date and born.is_date
    assert applied.value == datetime.datetime(2026, 3, 2, 0, 30)  # 16:30 UTC is 00:30 the next day in Taipei
    assert born.value.date() == datetime.date(2000, 1, 2)
    assert "yy" in applied.number_format and "hh" in applied.number_format


def test_id_numbers_keep_leading_zeros_as_text():
    sheet = sheet_of([a_row()])
    national_id, account = sheet.cell(2, 2), sheet.cell(2, 7)
    assert national_id.value == "0012345678" and national_id.data_type == "s"
    assert account.value == "00095271150001" and account.data_type == "s" and account.number_format == "@"


def test_numbers_and_money_are_numbers():
    sheet = sheet_of([a_row()])
    assert sheet.cell(2, 3).value == 1500 and sheet.cell(2, 3).number_format == "#,##0"
    assert sheet.cell(2, 4).value == 87.5


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_in_a_name_reads_back_as_text(name):
    sheet = sheet_of([a_row(name=name, national_id="=1+1")])
    for cell in (sheet.cell(2, 1), sheet.cell(2, 2)):
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert sheet.cell(2, 1).value == name
    assert sheet.cell(2, 2).value == "=1+1"


def test_a_missing_relation_is_an_empty_cell():
    sheet = sheet_of([a_row(profile=None, name=None)])
    assert sheet.cell(2, 7).value is None and sheet.cell(2, 1).value is None


def test_control_characters_are_dropped_not_fatal():
    sheet = sheet_of([a_row(name="王\x07小明")])
    assert sheet.cell(2, 1).value == "王小明"


def test_filename_carries_the_programme_code_and_the_date():
    program = Row(code="M01")
    assert export_filename("admitted", program, today=datetime.date(2026, 11, 29)) == "admitted-M01-2026-11-29.xlsx"
    assert (
        export_filename("fees", Row(code="資工 M/01"), today=datetime.date(2026, 1, 2)) == "fees-M-01-2026-01-02.xlsx"
    )


@pytest.mark.django_db  # closing the response sends request_finished, which closes the database connections
def test_response_streams_a_file_with_both_filename_forms():
    response = xlsx_response(columns=COLUMNS, rows=[a_row()], filename="admitted-M01-2026-11-29.xlsx")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"admitted-M01-2026-11-29.xlsx\"; filename*=UTF-8''admitted-M01-2026-11-29.xlsx"
    )
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    response.close()
    assert load_workbook(io.BytesIO(body)).active.cell(2, 2).value == "0012345678"


def test_taipei_dates_do_not_depend_on_the_server_zone(settings):
    settings.TIME_ZONE = "UTC"
    sheet = sheet_of([a_row(applied_at=datetime.datetime(2026, 3, 1, 8, 0, tzinfo=ZoneInfo("Asia/Taipei")))])
    assert sheet.cell(2, 5).value == datetime.datetime(2026, 3, 1, 8, 0)


# --- core.listing ------------------------------------------------------------------------------------------

LISTING = {
    "filters": [Filter("status", "Status", "status", [("paid", "Paid"), ("due", "Due")])],
    "sorts": [Sort("name", "Name", "name"), Sort("amount", "Amount", "amount")],
    "default_sort": "name",
}


def listing_for(query):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/list/", query)
    request.session = {}
    request._messages = FallbackStorage(request)
    return Listing(request, **LISTING), request


def test_listing_filters_and_sorts_a_list():
    rows = [
        Row(name="b", status="paid", amount=2),
        Row(name="a", status="paid", amount=1),
        Row(name="c", status="due", amount=3),
    ]
    listing, _request = listing_for({"status": "paid", "sort": "-amount"})
    assert [row.name for row in listing.apply(rows)] == ["b", "a"]
    assert listing.querystring() == "?status=paid&sort=-amount"
    header = listing.header("amount")
    assert header["aria_sort"] == "descending" and "sort=amount" in header["url"]
    assert listing.header("name")["aria_sort"] is None


def test_listing_ignores_an_unknown_value_with_a_message():
    listing, request = listing_for({"status": "bogus", "sort": "nope"})
    assert listing.values == {} and listing.sort == "name"
    assert len(list(request._messages)) == 2
