"""Excel exports of office lists: columns declared once, rows streamed to a temporary file, served from disk.

    COLUMNS = [
        Column(gettext_lazy("Application"), "pk", kind=NUMBER),
        Column(gettext_lazy("Exam number"), lambda a: a.exam_number, kind=ID),
        Column(gettext_lazy("Applied"), "applied_at", kind=DATETIME),
    ]
    return xlsx_response(columns=COLUMNS, rows=queryset.iterator(chunk_size=2000),
                         filename=export_filename("applications", program))

openpyxl's write-only workbook writes each row to a temporary file as it comes, the finished workbook goes to
another temporary file, and FileResponse streams that file: memory stays flat whatever the number of rows.

Cell rules, the same for every list:
- headers are msgids translated when the file is written, so the file speaks the user's language;
- DATE and DATETIME cells are real Excel dates (aware datetimes shown in Asia/Taipei, naive in the cell, as Excel
  has no time zones) with a number format;
- ID cells (national IDs, virtual accounts, exam and application numbers) are strings with the text number format
  "@": leading zeros stay, Excel never turns them into 1.2E+13, and a later edit keeps them text;
- formula injection: a string that would start with =, +, -, @, a tab or a carriage return is written as a string
  cell (never a formula, which openpyxl would otherwise make of "=...") with the cell style's quotePrefix set, the
  mark Excel and LibreOffice put on a cell typed with a leading apostrophe. The value itself is left exactly as
  the applicant wrote it (no added character that would break a lookup), shown as text, and it stays text when
  someone edits the cell.
"""

import datetime
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TEXT = "text"
ID = "id"  # identifiers that look like numbers: always text
NUMBER = "number"
MONEY = "money"  # integer NTD
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, ID, NUMBER, MONEY, DATE, DATETIME)

TAIPEI = ZoneInfo("Asia/Taipei")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0"
TEXT_FORMAT = "@"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_LIMIT = 512 * 1024  # a small workbook stays in memory, a big one goes to disk


@dataclass(frozen=True)
class Column:
    """One column of an export: a header msgid (translated when written), how to read the value, its kind.

    accessor: a dotted attribute path ("applicant.profile.name_zh") or a function of the row; None and a missing
    attribute on the way give an empty cell.
    """

    header: Any
    accessor: str | Callable[[Any], Any]
    kind: str = TEXT
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {KINDS}")

    def getter(self) -> Callable[[Any], Any]:
        if callable(self.accessor):
            return self.accessor
        read = attrgetter(self.accessor)

        def get(row):
            try:
                return read(row)
            except AttributeError:  # a missing profile or a null relation: an empty cell
                return None

        return get


def _naive_taipei(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = value.astimezone(TAIPEI)
    return value.replace(tzinfo=None)


class _CellMaker:
    """Turns one column's values into what the write-only sheet takes: a plain value or a styled cell.

    Plain values go through openpyxl's own reused cell (the fast path); only dates, IDs and neutralised strings
    need a cell of their own, built from a prototype's style array.
    """

    def __init__(self, sheet, kind: str):
        from openpyxl.cell.cell import Cell

        self.sheet = sheet
        self.Cell = Cell
        self.kind = kind
        self.text_style = self._style(number_format=TEXT_FORMAT)
        self.quoted_style = self._style(number_format=TEXT_FORMAT, quote_prefix=True)
        self.date_style = self._style(number_format=DATE_FORMAT)
        self.datetime_style = self._style(number_format=DATETIME_FORMAT)
        self.money_style = self._style(number_format=MONEY_FORMAT)

    def _style(self, *, number_format, quote_prefix=False):
        prototype = self.Cell(self.sheet, row=1, column=1)
        prototype.number_format = number_format
        if quote_prefix:
            prototype.quotePrefix = True
        return prototype._style

    def _cell(self, value, style, data_type):
        cell = self.Cell(self.sheet, row=1, column=1)
        cell._value = value
        cell.data_type = data_type
        cell._style = copy(style)
        return cell

    def __call__(self, value):
        if value is None or value == "":
            return None
        kind = self.kind
        if kind == ID:
            text = ILLEGAL_CHARACTERS_RE.sub("", force_str(value))
            return self._cell(text, self.quoted_style if text.startswith(FORMULA_STARTS) else self.text_style, "s")
        if isinstance(value, datetime.datetime):
            return self._cell(_naive_taipei(value), self.datetime_style, "d")
        if isinstance(value, datetime.date):
            return self._cell(value, self.date_style, "d")
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and kind in (NUMBER, MONEY):
            return self._cell(value, self.money_style, "n") if kind == MONEY else value
        text = force_str(value)  # lazy translations, choices, numbers in a text column
        if ILLEGAL_CHARACTERS_RE.search(text):  # control characters pasted into a form: XML cannot hold them
            text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if text.startswith(FORMULA_STARTS):
            return self._cell(text, self.quoted_style, "s")
        return text


def write_xlsx(fileobj, *, columns: list[Column], rows: Iterable[Any], title: str = "Sheet") -> int:
    """Write the rows to fileobj as one sheet, the translated headers first. Returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        width = column.width or (12 if column.kind in (DATE, NUMBER, MONEY) else 18)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = Cell(sheet, row=1, column=1, value=force_str(column.header))
        cell.data_type = "s"  # a header never becomes a formula either
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    getters = [column.getter() for column in columns]
    makers = [_CellMaker(sheet, column.kind) for column in columns]
    pairs = list(zip(getters, makers, strict=True))
    count = 0
    append = sheet.append
    for row in rows:
        append([make(get(row)) for get, make in pairs])
        count += 1
    book.save(fileobj)
    return count


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    return (_SHEET_FORBIDDEN.sub(" ", force_str(title)).strip() or "Sheet")[:31]


def ascii_filename(name: str) -> str:
    """A file name any browser and file system takes: ASCII letters, digits, dot, dash, underscore."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    name = re.sub(r"-{2,}", "-", name).strip("-.")
    return name or "export"


def export_filename(kind: str, program=None, *, extension: str = "xlsx", today: datetime.date | None = None) -> str:
    """`admitted-M01-2026-11-29.xlsx`: what the list is, the programme code, today's date in Taipei."""
    today = today or timezone.localdate(timezone=TAIPEI)
    parts = [kind] + ([program.code] if program is not None else []) + [today.isoformat()]
    return ascii_filename("-".join(parts)) + f".{extension}"


def content_disposition(filename: str) -> str:
    """Both forms: filename for old clients (ASCII), filename* (RFC 6266) for the exact name."""
    return f"attachment; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(*, columns: list[Column], rows: Iterable[Any], filename: str, title: str = "") -> FileResponse:
    """The rows as an xlsx download, written to a temporary file and streamed from it (never kept whole in memory).

    The temporary file is closed (and so removed) when the response is closed.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT, suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_xlsx(spool, columns=columns, rows=rows, title=title or filename.rsplit(".", 1)[0])
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(spool, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"  # personal data: no shared cache keeps a copy
    response["X-Content-Type-Options"] = "nosniff"
    return response
