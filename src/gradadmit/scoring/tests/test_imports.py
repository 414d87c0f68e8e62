"""Score import: row-level errors, dry run, xlsx and csv."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gradadmit.core.errors import DomainError
from gradadmit.scoring.imports import import_scores
from gradadmit.scoring.models import StageScore
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def csv_file(text):
    return SimpleUploadedFile("scores.csv", text.encode("utf-8-sig"))


def test_csv_dry_run_reports_and_stores_nothing():
    application = ApplicationFactory()
    report = import_scores(
        actor=OfficeFactory(),
        program=application.program,
        upload=csv_file(f"application,stage,score\n{application.pk},1,85.5\n{application.pk},2,缺考\n"),
    )
    assert report.errors == []
    assert len(report.rows) == 2
    assert not StageScore.objects.exists()


def test_csv_import_applies_with_source_import():
    application = ApplicationFactory()
    import_scores(
        actor=OfficeFactory(),
        program=application.program,
        upload=csv_file(f"application,stage,score\n{application.pk},1,85.5\n{application.pk},2,absent\n"),
        dry_run=False,
    )
    first, second = StageScore.objects.order_by("stage__order")
    assert first.score == D("85.50") and first.source == "import"
    assert second.absent


def test_bad_rows_each_reported_and_nothing_applied():
    application = ApplicationFactory()
    other = ApplicationFactory()
    text = (
        "application,stage,score\n"
        f"{application.pk},1,101\n"
        f"{application.pk},2,80.123\n"
        f"{other.pk},1,80\n"
        f"{application.pk},3,80\n"
        "x,1,80\n"
    )
    report = import_scores(actor=OfficeFactory(), program=application.program, upload=csv_file(text), dry_run=False)
    assert [line for line, _msg in report.errors] == [2, 3, 4, 5, 6]
    assert not StageScore.objects.exists()


def test_missing_header_refused():
    program = ProgramFactory()
    with pytest.raises(DomainError):
        import_scores(actor=OfficeFactory(), program=program, upload=csv_file("a,b,c\n1,1,1\n"))


def test_xlsx_import():
    application = ApplicationFactory()
    book = Workbook()
    sheet = book.active
    sheet.append(["application", "stage", "score"])
    sheet.append([application.pk, 1, 77.25])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("scores.xlsx", buffer.getvalue())
    import_scores(actor=OfficeFactory(), program=application.program, upload=upload, dry_run=False)
    assert StageScore.objects.get().score == D("77.25")
