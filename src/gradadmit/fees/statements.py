"""Reading a bank statement CSV as a stream of parsed lines: encodings, column mappings, field checks. No ORM.

The format is defined in docs/bank-statement.md. The file is read in one pass and never held in memory
whole: lines come out one by one and the importer batches them.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from gradadmit.core.errors import DomainError
from gradadmit.fees.amounts import parse_amount
from gradadmit.fees.virtual_accounts import normalize

TAIPEI = ZoneInfo("Asia/Taipei")
FIELDS = ("value_date", "value_time", "virtual_account", "amount", "bank_serial", "payer_bank_code")
REQUIRED = ("value_date", "virtual_account", "amount", "bank_serial")
SNIFF_BYTES = 64 * 1024
RAW_LIMIT = 500

# Column names of the banks we know; GRADADMIT_BANK_STATEMENT_FORMATS (settings) adds or overrides.
BANK_FORMATS = {
    "gradadmit": {name: name for name in FIELDS},
    "ctbc": {
        "value_date": "入帳日期",
        "value_time": "入帳時間",
        "virtual_account": "虛擬帳號",
        "amount": "交易金額",
        "bank_serial": "交易序號",
        "payer_bank_code": "轉出行代號",
    },
    "esun": {
        "value_date": "交易日期",
        "value_time": "交易時間",
        "virtual_account": "銷帳編號",
        "amount": "存入金額",
        "bank_serial": "交易序號",
        "payer_bank_code": "匯款行代碼",
    },
}


class StatementRejected(DomainError):
    """The whole file is refused (nothing imported); the message tells staff what to do."""

    def __init__(self, message):
        super().__init__(message, code="statement_rejected")


def bank_formats() -> dict[str, dict[str, str]]:
    return {**BANK_FORMATS, **getattr(settings, "GRADADMIT_BANK_STATEMENT_FORMATS", {})}


def parse_mapping(text: str) -> dict[str, str]:
    """`field = column name`, one a line (blank lines and # comments ignored). DomainError on an unknown field."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        field, sep, column = line.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise DomainError(_("Mapping line %(n)d: write it as field = column name.") % {"n": number})
        if field not in FIELDS:
            raise DomainError(
                _("Mapping line %(n)d: %(field)s is not a field; the fields are %(fields)s.")
                % {"n": number, "field": field, "fields": ", ".join(FIELDS)}
            )
        mapping[field] = column
    return mapping


def columns_for(bank_format: str, mapping: dict[str, str] | None = None) -> dict[str, str]:
    formats = bank_formats()
    if bank_format not in formats:
        raise DomainError(_("Unknown statement format %(name)s.") % {"name": bank_format})
    return {**formats[bank_format], **(mapping or {})}


# --- Encoding ----------------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """utf-8-sig (BOM), utf-8 or cp950 (Big5 as Windows writes it), from the first bytes. StatementRejected else."""
    if not head:
        raise StatementRejected(_("The file is empty (0 bytes). Export the statement from the bank again."))
    if head.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")) or b"\x00" in head:
        raise StatementRejected(
            _("This file is not a CSV text file (a spreadsheet, PDF or other binary file?). Export it as CSV.")
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp950"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise StatementRejected(_("The file is neither UTF-8 nor Big5 text. Export the statement as CSV again."))


class _Reader(io.RawIOBase):
    """Any object with read(n) (an upload, a storage file) as a raw stream, so io can buffer and decode it."""

    def __init__(self, source):
        self.source = source

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):  # the caller owns the source
        super().close()


def open_text(binary) -> tuple[io.TextIOWrapper, str]:
    """A text stream over the binary file, decoded as detected; undecodable bytes become U+FFFD (line invalid).

    Closing the stream leaves `binary` open (the caller owns it).
    """
    binary.seek(0)
    head = binary.read(SNIFF_BYTES)
    encoding = detect_encoding(head)
    binary.seek(0)
    buffered = io.BufferedReader(_Reader(binary), buffer_size=256 * 1024)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=""), encoding


# --- Fields ------------------------------------------------------------------------------------------------

DATE_FORMATS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), 0),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 0),
    (re.compile(r"^(\d{2,3})[-/.](\d{1,2})[-/.](\d{1,2})$"), 1911),  # ROC: 113/10/01
    (re.compile(r"^(\d{3})(\d{2})(\d{2})$"), 1911),  # ROC: 1131001
]
TIME_RE = re.compile(r"^(\d{1,2}):?(\d{2}):?(\d{2})?$")


def parse_value_at(date_text: str, time_text: str = "") -> datetime:
    """Value date (and time, optional) as an aware Taiwan time. ValueError with the reason."""
    date_text, time_text = (date_text or "").strip(), (time_text or "").strip()
    if " " in date_text and not time_text:
        date_text, time_text = date_text.split(None, 1)
    if not date_text:
        raise ValueError("no value date")
    for pattern, offset in DATE_FORMATS:
        match = pattern.match(date_text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                day_value = date(year + offset, month, day)
            except ValueError:
                raise ValueError(f"the value date {date_text!r} does not exist") from None
            break
    else:
        raise ValueError(f"the value date {date_text!r} is not a date (use YYYY-MM-DD)")
    clock = time(0, 0)
    if time_text:
        match = TIME_RE.match(time_text)
        if not match:
            raise ValueError(f"the value time {time_text!r} is not a time (use HH:MM:SS)")
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"the value time {time_text!r} does not exist")
        clock = time(hour, minute, second)
    return datetime.combine(day_value, clock, tzinfo=TAIPEI)


@dataclass
class ParsedLine:
    line_number: int
    raw: str
    value_at: datetime | None = None
    account: str = ""
    amount: int | None = None
    bank_serial: str = ""
    payer_bank_code: str = ""
    error: str = ""  # the reason the line is invalid; empty when every field parsed
    blank: bool = False


def _raw(cells) -> str:
    text = ",".join(cells)
    return text if len(text) <= RAW_LIMIT else text[: RAW_LIMIT - 1] + "…"


def _cell(cells, index) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def parse_line(cells: list[str], line_number: int, index: dict[str, int | None]) -> ParsedLine:
    line = ParsedLine(line_number=line_number, raw=_raw(cells))
    if not any(cell.strip() for cell in cells):
        line.blank, line.error = True, "blank line: no payment in it"
        return line
    line.bank_serial = _cell(cells, index["bank_serial"])[:60]
    line.payer_bank_code = _cell(cells, index["payer_bank_code"])[:10]
    line.account = normalize(_cell(cells, index["virtual_account"]))[:40]
    errors = []
    if "\ufffd" in line.raw:
        errors.append("unreadable characters (the file mixes encodings?)")
    try:
        line.value_at = parse_value_at(_cell(cells, index["value_date"]), _cell(cells, index["value_time"]))
    except ValueError as error:
        errors.append(str(error))
    amount_text = _cell(cells, index["amount"])
    try:
        line.amount = parse_amount(amount_text)
    except ValueError as error:
        errors.append(str(error))
        line.amount = _signed_whole(amount_text)
    if not line.bank_serial:
        errors.append("no bank transaction serial")
    if not line.account:
        errors.append("no virtual account number")
    line.error = "; ".join(errors)
    return line


def _signed_whole(text: str) -> int | None:
    """The amount as far as it can be read (for the record of an invalid line), else None."""
    match = re.fullmatch(r"-?\d{1,12}", (text or "").replace(",", "").strip())
    return int(match.group()) if match else None


def read_statement(text_stream, columns: dict[str, str]) -> Iterator[ParsedLine]:
    """Every line after the header, parsed; StatementRejected when the header lacks a required column."""
    reader = csv.reader(text_stream)
    header = None
    while header is None:
        try:
            row = next(reader)
        except StopIteration:
            raise StatementRejected(_("The file has no lines. Export the statement from the bank again.")) from None
        except csv.Error as error:
            raise StatementRejected(_("This file is not a readable CSV file: %(error)s") % {"error": error}) from None
        if any(cell.strip() for cell in row):
            header = [cell.strip().lstrip("\ufeff").lower() for cell in row]
    index = {}
    for field in FIELDS:
        wanted = columns.get(field, field).strip().lower()
        index[field] = header.index(wanted) if wanted in header else None
    missing = [columns.get(field, field) for field in REQUIRED if index[field] is None]
    if missing:
        raise StatementRejected(
            _(
                "The first line must name the columns; missing: %(missing)s. Choose the bank's format or give a "
                "column mapping."
            )
            % {"missing": ", ".join(missing)}
        )
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield ParsedLine(line_number=reader.line_num, raw="", error=f"not a CSV line: {error}")
            continue
        yield parse_line(cells, reader.line_num, index)
