"""Score import from xlsx or csv: one row per application and stage, every bad row reported, dry run first.

Columns (header row, any order): application (id), stage (order number, 1 or 2), score (0–100, or "absent"/缺考).
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import SelectionStage
from gradadmit.scoring import services
from gradadmit.scoring.models import StageScore, StageSubmission

ABSENT_WORDS = {"absent", "缺考"}
MAX_ROWS = 20000


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)  # (line, application id, stage order, score or None, absent)
    errors: list = field(default_factory=list)  # (line, message)
    applied: int = 0


def _read_rows(upload) -> list[list[str]]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise DomainError(_("This is not a readable .xlsx file. Save it again from Excel and retry.")) from error
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("Save the CSV file as UTF-8 and retry.")) from None
    return list(csv.reader(io.StringIO(text)))


def check_score_rows(*, program, rows) -> tuple[ImportReport, dict, dict]:
    """Check rows of (line, application id, stage order, score) as text, the way the file import does.

    Returns the report (good rows and an error per bad row) with the programme's active applications by id
    and stages by order. Shared by the file import and the API (gradadmit.api), so both refuse the same rows
    with the same messages: not a number, not an active application of the programme, no such stage, the same
    pair twice, a submitted (locked) stage, a score outside 0–100 or with more than two decimals.
    """
    applications = {a.pk: a for a in Application.objects.active().filter(program=program)}
    stages = {s.order: s for s in SelectionStage.objects.filter(program=program).select_related("submission")}
    report = ImportReport()
    seen = set()
    for line, raw_app, raw_stage, raw_score in rows:
        try:
            application_id, order = int(float(raw_app)), int(float(raw_stage))
        except (TypeError, ValueError, OverflowError):
            report.errors.append((line, _("Application and stage must be numbers.")))
            continue
        if application_id not in applications:
            message = _("Application %(id)s is not an active application of this programme.")
            report.errors.append((line, message % {"id": application_id}))
            continue
        if order not in stages:
            report.errors.append((line, _("The programme has no stage %(order)s.") % {"order": order}))
            continue
        if _is_submitted(stages[order]):
            message = _("The department has submitted this stage; the office must reopen it before changes.")
            report.errors.append((line, message))
            continue
        if (application_id, order) in seen:
            report.errors.append((line, _("This application and stage appear twice.")))
            continue
        seen.add((application_id, order))
        absent = raw_score.lower() in ABSENT_WORDS
        score = None
        if not absent:
            try:
                score = services.parse_score(raw_score)
            except DomainError as error:
                report.errors.append((line, str(error)))
                continue
        report.rows.append((line, application_id, order, score, absent))
    return report, applications, stages


def _is_submitted(stage) -> bool:
    try:
        return stage.submission.is_locked
    except StageSubmission.DoesNotExist:
        return False


def apply_score_rows(*, actor, report: ImportReport, applications: dict, stages: dict) -> ImportReport:
    """Enter every checked row in one transaction (each audited by enter_stage_score); all or none."""
    with transaction.atomic():
        for _line, application_id, order, score, absent in report.rows:
            services.enter_stage_score(
                actor=actor,
                application=applications[application_id],
                stage=stages[order],
                score=score,
                absent=absent,
                source=StageScore.Source.IMPORT,
            )
            report.applied += 1
    return report


def import_scores(*, actor, program, upload, dry_run: bool = True) -> ImportReport:
    """Check every row; with dry_run=False and no errors, enter all scores in one transaction (audited each)."""
    table = _read_rows(upload)
    if not table:
        raise DomainError(_("The file is empty."))
    if len(table) > MAX_ROWS:
        raise DomainError(_("The file has too many rows; split it."))
    header = [h.strip().lower() for h in table[0]]
    try:
        col_app, col_stage, col_score = header.index("application"), header.index("stage"), header.index("score")
    except ValueError:
        raise DomainError(_('The first row must name the columns "application", "stage" and "score".')) from None
    rows = []
    for line, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (3 - len(row))
        rows.append((line, cells[col_app].strip(), cells[col_stage].strip(), cells[col_score].strip()))
    report, applications, stages = check_score_rows(program=program, rows=rows)
    if dry_run or report.errors:
        return report
    return apply_score_rows(actor=actor, report=report, applications=applications, stages=stages)
