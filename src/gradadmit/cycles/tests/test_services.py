"""Cloning a cycle and importing programmes from a spreadsheet."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import Cycle, Program
from gradadmit.cycles.services import clone_cycle, import_programs, read_rows
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name_zh,name_en,department_zh,quota_general,quota_in_service,waitlist_general,stage1_weight,stage2_weight"
)


def test_clone_moves_dates_and_copies_programmes_but_not_applications():
    application = ApplicationFactory()
    source = application.program.cycle
    ProgramFactory(cycle=source)
    copy = clone_cycle(actor=OfficeFactory(), source=source, code="next", name_zh="下一年", name_en="Next",
                       shift_days=364)  # fmt: skip
    assert copy.programs.count() == 2 and not copy.is_published
    old = source.milestones.get(kind="application", scope="all")
    new = copy.milestones.get(kind="application", scope="all")
    assert (new.ends_at - old.ends_at).days == 364
    assert copy.programs.first().stages.count() == 2
    assert not copy.programs.filter(applications__isnull=False).exists()
    assert AuditEntry.objects.filter(action="cycle.clone").exists()


def test_clone_refuses_an_existing_code():
    program = ProgramFactory()
    with pytest.raises(DomainError):
        clone_cycle(actor=None, source=program.cycle, code=program.cycle.code, name_zh="x", name_en="", shift_days=1)


def csv_rows(*lines):
    return read_rows(filename="programs.csv", content=("\n".join([HEADER, *lines])).encode("utf-8-sig"))


def test_import_creates_and_updates_by_code():
    cycle = ProgramFactory(code="M01").cycle
    rows = csv_rows("M01,資工所,CSIE,資訊工程系,6,2,3,50%,50%", "M02,電機所,EE,電機工程系,4,0,2,0.6,0.4")
    result = import_programs(actor=OfficeFactory(), cycle=cycle, rows=rows)
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    assert Program.objects.get(cycle=cycle, code="M01").quota_general == 6
    assert Program.objects.get(cycle=cycle, code="M02").stages.get(order=1).weight == Decimal("0.6")


def test_import_reports_row_errors_and_saves_nothing():
    cycle = Cycle.objects.create(code="c", name_zh="c", academic_year=115)
    rows = csv_rows("M01,資工所,CSIE,資訊工程系,6,2,3,50,50", "M02,電機所,EE,電機工程系,-1,0,2,50,50",
                    "M03,,EE,電機工程系,1,0,2,50,50", "M04,化工所,ChE,化工系,1,0,2,70,20")  # fmt: skip
    result = import_programs(actor=None, cycle=cycle, rows=rows)
    assert [row for row, _ in result.errors] == [3, 4, 5]
    assert not Program.objects.filter(cycle=cycle).exists()


def test_import_reads_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["M09", "企管所", "MBA", "企業管理系", 10, 5, 2, 0.5, 0.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_rows(filename="programs.xlsx", content=buffer.getvalue())
    assert rows[0]["code"] == "M09" and rows[0]["quota_general"] == "10"


def test_import_refuses_other_files():
    with pytest.raises(DomainError):
        read_rows(filename="programs.pdf", content=b"%PDF-1.4")
    with pytest.raises(DomainError):
        read_rows(filename="programs.xlsx", content=b"not a zip")
    with pytest.raises(DomainError):
        read_rows(filename="programs.csv", content=b"foo,bar\n1,2")
