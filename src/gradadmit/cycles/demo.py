"""Load the brochure's demo cycle and the demo accounts, idempotently, with the calendar moved to today."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile

from gradadmit.accounts.idnumbers import taiwan_id_check_digit
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.core import clock
from gradadmit.cycles import demo_data
from gradadmit.cycles.models import (
    Cycle,
    DocumentRequirement,
    FormTemplate,
    Milestone,
    Program,
    ProgramAssignment,
    SelectionStage,
)
from gradadmit.documents.online_forms import set_online_form

TAIPEI = ZoneInfo("Asia/Taipei")
# Day 0 (application opens) lies this many days before today, so both application windows are open.
DAYS_BEFORE_TODAY = 7

OFFICE_EMAIL = "office@demo.gradadmit.tw"
DEPARTMENT_EMAIL = "dept@demo.gradadmit.tw"
APPLICANT_EMAIL = "applicant@demo.gradadmit.tw"
# Changhua (N), female (2): the check digit is computed, so the number is always valid.
APPLICANT_ID_PREFIX = "N22815346"


def load_demo_cycle(*, today=None) -> Cycle:
    """Create or update the demo cycle; day 0 of its calendar is `today` - 7 days at 09:00 Taipei time."""
    today = _local_date(today)
    day0 = today - timedelta(days=DAYS_BEFORE_TODAY)

    cycle, _ = Cycle.objects.update_or_create(
        code=demo_data.CYCLE["code"],
        defaults={
            **{k: v for k, v in demo_data.CYCLE.items() if k != "code"},
            **cycle_names(academic_year_for(day0)),
            "is_published": True,
        },
    )
    for spec in demo_data.MILESTONES:
        Milestone.objects.update_or_create(
            cycle=cycle,
            kind=spec["kind"],
            scope=spec["scope"],
            defaults={
                "starts_at": _at(day0, spec["start"]),
                "ends_at": _at(day0, spec["end"]) if spec["end"] else None,
                "note_zh": spec["note_zh"],
                "note_en": spec["note_en"],
            },
        )
    _check_windows_contain(cycle, today)

    forms = {}
    for order, spec in enumerate(demo_data.FORMS, start=1):
        form, _ = FormTemplate.objects.update_or_create(
            cycle=cycle,
            code=spec["code"],
            defaults={"title_zh": spec["title_zh"], "title_en": spec["title_en"], "order": order},
        )
        # A file uploaded by the office (or by an earlier run) is kept: only empty forms get the placeholder.
        if not form.file:
            pdf = form_placeholder_pdf(spec["title_en"], demo_data.CYCLE["institution_en"], demo_data.CYCLE["name_en"])
            form.file.save(f"{cycle.code}-{form.code}.pdf", ContentFile(pdf), save=True)
        forms[form.code] = form

    for spec in demo_data.PROGRAMS:
        _load_program(cycle, spec, forms)
    return cycle


def academic_year_for(opening: date) -> int:
    """The ROC academic year (學年度) an admission opening on `opening` is for.

    Graduate admission by screening runs in the autumn and winter before the academic year that starts in
    August: the brochure's window opened 108/11/7 (2019) for 109學年度. An opening from August on is for the
    next calendar year's academic year, an opening before August for the one starting that year.
    """
    entry_year = opening.year + 1 if opening.month >= 8 else opening.year
    return entry_year - 1911


def cycle_names(academic_year: int) -> dict:
    """The brochure's cycle name with the year the moved dates belong to."""
    return {
        "academic_year": academic_year,
        "name_zh": f"{academic_year}學年度碩士班甄試入學招生",
        "name_en": f"{academic_year + 1911} Master's Programmes Admission by Recommendation and Screening",
    }


def _load_program(cycle, spec, forms):
    fields = {k: v for k, v in spec.items() if k not in ("code", "stages", "documents")}
    program, _ = Program.objects.update_or_create(cycle=cycle, code=spec["code"], defaults=fields)
    for stage in spec["stages"]:
        SelectionStage.objects.update_or_create(
            program=program, order=stage["order"], defaults={k: v for k, v in stage.items() if k != "order"}
        )
    for order, item in enumerate(spec["documents"], start=1):
        requirement, _ = DocumentRequirement.objects.update_or_create(
            program=program,
            code=item["code"],
            defaults={
                **{k: v for k, v in item.items() if k not in ("code", "template", "online_form")},
                "order": order,
                "max_size_mb": demo_data.MAX_SIZE_MB,
                "template": forms[item["template"]] if item["template"] else None,
            },
        )
        set_online_form(actor=None, requirement=requirement, form=item.get("online_form", ""))
    return program


def _local_date(today) -> date:
    if today is None:
        return clock.now().astimezone(TAIPEI).date()
    if isinstance(today, datetime):
        return today.astimezone(TAIPEI).date() if today.tzinfo else today.date()
    return today


def _at(day0: date, offset) -> datetime:
    days, hhmm = offset
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day0 + timedelta(days=days), time(hour, minute), tzinfo=TAIPEI)


def _check_windows_contain(cycle, today):
    """Guard against edits to demo_data that would leave a demo with closed application windows."""
    start_of_day = datetime.combine(today, time.min, tzinfo=TAIPEI)
    end_of_day = datetime.combine(today, time.max, tzinfo=TAIPEI)
    for milestone in cycle.milestones.filter(kind=Milestone.Kind.APPLICATION):
        if not (milestone.starts_at <= start_of_day and milestone.ends_at >= end_of_day):
            raise ValueError(f"Demo application window {milestone.scope} does not cover {today:%Y-%m-%d}.")


def form_placeholder_pdf(*lines: str) -> bytes:
    """A one-page PDF built by hand: the first line as a heading and document title, the rest below it."""
    text = [b"BT", b"/F1 16 Tf", b"56 780 Td", b"20 TL"]
    for index, line in enumerate((*lines, "Demo placeholder: the official form is attached to the brochure.")):
        if index == 1:
            text.append(b"/F1 12 Tf")
        text.append(b"(" + _pdf_string(line) + b") Tj T*")
    text.append(b"ET")
    content = b"\n".join(text)
    title = _pdf_string(lines[0] if lines else "Form")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title (" + title + b") /Producer (GradAdmit demo loader) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _pdf_string(value: str) -> bytes:
    # Standard fonts only know Latin-1 (WinAnsi); anything else would render as garbage.
    raw = value.encode("latin-1", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def demo_national_id() -> str:
    return f"{APPLICANT_ID_PREFIX}{taiwan_id_check_digit(APPLICANT_ID_PREFIX)}"


def create_demo_accounts(cycle=None) -> list[tuple[str, str, str]]:
    """Office admin, department staff (first two programmes) and an applicant; returns (role, email, password)."""
    from allauth.account.models import EmailAddress

    cycle = cycle or Cycle.objects.get(code=demo_data.CYCLE["code"])
    password = settings.GRADADMIT_DEMO_PASSWORD

    office = _user(
        OFFICE_EMAIL,
        password,
        first_name="淑芬",
        last_name="陳",
        staff_role=User.StaffRole.OFFICE,
        is_staff=True,
        is_superuser=True,
    )
    department = _user(
        DEPARTMENT_EMAIL,
        password,
        first_name="志明",
        last_name="張",
        staff_role=User.StaffRole.DEPARTMENT,
        is_staff=False,
        is_superuser=False,
    )
    for program in cycle.programs.order_by("code")[:2]:
        ProgramAssignment.objects.get_or_create(user=department, program=program)

    applicant = _user(
        APPLICANT_EMAIL,
        password,
        first_name="怡君",
        last_name="林",
        staff_role=User.StaffRole.NONE,
        is_staff=False,
        is_superuser=False,
    )
    if applicant.pdpa_consent_at is None:
        applicant.pdpa_consent_at = clock.now()
        applicant.save(update_fields=["pdpa_consent_at"])
    national_id = demo_national_id()
    ApplicantProfile.objects.update_or_create(
        user=applicant,
        defaults={
            "name_zh": "林怡君",
            "name_en": "LIN, YI-CHUN",
            "nationality": ApplicantProfile.Nationality.TAIWAN,
            "national_id": national_id,
            "passport_number": "",
            "birth_date": date(1998, 3, 14),
            "gender": ApplicantProfile.Gender.FEMALE,
            "phone_mobile": "0912-345-678",
            "phone_home": "(04)722-1234",
            "postal_code": "500",
            "address": "彰化縣彰化市民族路 209 號 5 樓",
            "school": "國立彰化師範大學",
            "department": "電機工程學系",
            "education_status": "graduated",
            "equivalent_article": None,
            "graduation_year": 2020,
            "employer": "",
            "job_title": "",
            "service_years": None,
        },
    )

    for user in (office, department, applicant):
        # Verified and primary, so allauth's mandatory verification lets the demo sign in at once.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return [
        ("office admin", OFFICE_EMAIL, password),
        ("department staff", DEPARTMENT_EMAIL, password),
        ("applicant", APPLICANT_EMAIL, password),
    ]


def _user(email, password, **fields) -> User:
    # Demo accounts sign in with the password alone, so no two-factor requirement.
    user, _ = User.objects.update_or_create(email=email, defaults={**fields, "is_active": True, "require_mfa": False})
    # Only rehash when needed: a second run leaves an unchanged account untouched.
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
