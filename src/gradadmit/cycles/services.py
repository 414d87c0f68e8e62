"""Office operations on cycles: clone last year's cycle, import programmes, grant deadline extensions."""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Cycle, DeadlineExtension, Milestone, Program


def clone_cycle(*, actor, source: Cycle, code: str, name_zh: str, name_en: str, shift_days: int) -> Cycle:
    """Copy a cycle with its calendar (moved by `shift_days`), programmes, stages, items and forms.

    The copy is unpublished and has no applications or staff assignments.
    Side effect: an audit entry.
    """
    if Cycle.objects.filter(code=code).exists():
        raise DomainError(_("A cycle with the code %(code)s already exists.") % {"code": code})
    shift = timedelta(days=shift_days)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            academic_year=source.academic_year + round(shift_days / 365),
            institution_zh=source.institution_zh,
            institution_en=source.institution_en,
            application_fee=source.application_fee,
            is_published=False,
            cloned_from=source,
        )
        Milestone.objects.bulk_create(
            Milestone(
                cycle=cycle,
                kind=m.kind,
                scope=m.scope,
                starts_at=m.starts_at + shift,
                ends_at=m.ends_at + shift if m.ends_at else None,
                note_zh=m.note_zh,
                note_en=m.note_en,
            )
            for m in source.milestones.all()
        )
        forms = {}
        for form in source.forms.all():
            old_id = form.pk
            form.pk, form.cycle = None, cycle
            form.save()
            forms[old_id] = form
        for program in source.programs.prefetch_related("stages", "document_requirements"):
            stages, requirements = list(program.stages.all()), list(program.document_requirements.all())
            program.pk, program.cycle = None, cycle
            program.save()
            for stage in stages:
                stage.pk, stage.program = None, program
                stage.save()
            for requirement in requirements:
                requirement.pk, requirement.program = None, program
                requirement.template = forms.get(requirement.template_id)
                requirement.save()
        record_audit(
            actor=actor, action="cycle.clone", target=cycle, after={"source": source.code, "shift_days": shift_days}
        )
    return cycle


# --- Importing programmes from a spreadsheet -------------------------------------------------

IMPORT_COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "department_zh",
    "department_en",
    "degree",
    "quota_general",
    "quota_in_service",
    "waitlist_general",
    "waitlist_in_service",
    "quota_flows",
    "recommendation_policy",
    "recommendations_required",
    "stage1_weight",
    "stage2_weight",
    "minimum_standard",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
]
REQUIRED_COLUMNS = {"code", "name_zh", "department_zh", "quota_general", "quota_in_service"}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "可", "v"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(*, filename: str, content: bytes) -> list[dict]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as dicts keyed by the header row."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:
            raise DomainError(_("This file is not a readable XLSX spreadsheet.")) from error
        values = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    elif filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DomainError(_("Save the CSV file as UTF-8 and upload it again.")) from error
        values = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise DomainError(_("Upload a .xlsx or .csv file."))
    if not values:
        raise DomainError(_("The file is empty."))
    header = [h.strip().lower() for h in values[0]]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise DomainError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))})
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


def _parse_program_row(row: dict) -> tuple[dict, tuple[Decimal, Decimal]]:
    def integer(name, default=0):
        raw = row.get(name, "") or ""
        if raw == "":
            return default
        try:
            value = int(Decimal(raw))
        except InvalidOperation as error:
            raise ValueError(_("%(column)s must be a whole number.") % {"column": name}) from error
        if value < 0:
            raise ValueError(_("%(column)s cannot be negative.") % {"column": name})
        return value

    def decimal(name, default):
        raw = row.get(name, "") or ""
        if raw == "":
            return default
        try:
            value = Decimal(raw.rstrip("%"))
        except InvalidOperation as error:
            raise ValueError(_("%(column)s must be a number.") % {"column": name}) from error
        # "50", "50%" and "0.5" all mean half.
        return value / 100 if raw.endswith("%") or value > 1 else value

    if not row.get("code"):
        raise ValueError(_("code is empty."))
    if not row.get("name_zh"):
        raise ValueError(_("name_zh is empty."))
    policy = row.get("recommendation_policy") or "optional"
    if policy not in Program.RecommendationPolicy.values:
        raise ValueError(_("recommendation_policy must be none, optional or at_least."))
    degree = row.get("degree") or "master"
    if degree not in Program.Degree.values:
        raise ValueError(_("degree must be master or phd."))
    minimum = row.get("minimum_standard") or ""
    try:
        minimum_value = Decimal(minimum) if minimum else None
    except InvalidOperation as error:
        raise ValueError(_("minimum_standard must be a number.")) from error
    fields = {
        "name_zh": row["name_zh"],
        "name_en": row.get("name_en", ""),
        "department_zh": row.get("department_zh", ""),
        "department_en": row.get("department_en", ""),
        "degree": degree,
        "quota_general": integer("quota_general"),
        "quota_in_service": integer("quota_in_service"),
        "waitlist_general": integer("waitlist_general"),
        "waitlist_in_service": integer("waitlist_in_service"),
        "quota_flows": (row.get("quota_flows") or "yes").strip().lower() in TRUE_WORDS,
        "recommendation_policy": policy,
        "recommendations_required": integer("recommendations_required"),
        "minimum_standard": minimum_value,
        "contact_name": row.get("contact_name", ""),
        "contact_phone": row.get("contact_phone", ""),
        "contact_email": row.get("contact_email", ""),
        "website": row.get("website", ""),
    }
    weights = (decimal("stage1_weight", Decimal("0.5")), decimal("stage2_weight", Decimal("0.5")))
    if sum(weights) != 1:
        raise ValueError(_("The stage weights must add up to 100%."))
    return fields, weights


def import_programs(*, actor, cycle: Cycle, rows: list[dict]) -> ImportResult:
    """Create or update programmes by code. All rows or none: any row error saves nothing.

    Errors name the spreadsheet row (the header is row 1). Side effect: one audit entry.
    """
    from gradadmit.cycles.models import SelectionStage

    result = ImportResult()
    parsed = []
    seen = set()
    for number, row in enumerate(rows, start=2):
        try:
            fields, weights = _parse_program_row(row)
            if row["code"] in seen:
                raise ValueError(_("The code %(code)s appears twice.") % {"code": row["code"]})
            seen.add(row["code"])
            candidate = Program(cycle=cycle, code=row["code"], **fields)
            candidate.full_clean(exclude=["cycle"], validate_unique=False, validate_constraints=True)
            parsed.append((row["code"], fields, weights))
        except ValidationError as error:
            result.errors.append((number, "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())))
        except ValueError as error:
            result.errors.append((number, str(error)))
    if result.errors:
        return result
    with transaction.atomic():
        for code, fields, weights in parsed:
            program, created = Program.objects.update_or_create(cycle=cycle, code=code, defaults=fields)
            result.created += created
            result.updated += not created
            for order, (kind, weight) in enumerate(zip(("document_review", "interview"), weights, strict=True), 1):
                SelectionStage.objects.update_or_create(
                    program=program, order=order, defaults={"kind": kind, "weight": weight}
                )
        record_audit(
            actor=actor,
            action="cycle.import_programs",
            target=cycle,
            after={"created": result.created, "updated": result.updated},
        )
    return result


def grant_extension(*, actor, cycle: Cycle, kind: str, extended_until, reason: str, applicant=None):
    """Give more time for one step, to one applicant or to all. Side effect: an audit entry."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."))
    milestone = cycle.milestones.filter(kind=kind).order_by("-ends_at").first()
    if milestone is None or milestone.ends_at is None:
        raise DomainError(_("This step has no deadline to extend."))
    if extended_until <= milestone.ends_at:
        raise DomainError(_("The new deadline must be later than the scheduled one."))
    with transaction.atomic():
        extension = DeadlineExtension.objects.create(
            cycle=cycle,
            kind=kind,
            applicant=applicant,
            extended_until=extended_until,
            reason=reason,
            granted_by=actor,
        )
        record_audit(
            actor=actor,
            action="deadline.extend",
            target=extension,
            before={"ends_at": milestone.ends_at.isoformat()},
            after=snapshot(extension, ["kind", "applicant", "extended_until"]),
            reason=reason,
        )
    return extension
