"""The demo loader: idempotent, application open now, brochure quotas, valid forms and accounts."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import transaction

from gradadmit.accounts.idnumbers import is_valid_taiwan_id
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.deadlines import calendar_for
from gradadmit.cycles import demo_data
from gradadmit.cycles.demo import (
    APPLICANT_EMAIL,
    DEPARTMENT_EMAIL,
    OFFICE_EMAIL,
    TAIPEI,
    academic_year_for,
    create_demo_accounts,
    load_demo_cycle,
)
from gradadmit.cycles.demo_applicants import (
    DEFAULT_SEED,
    demo_census,
    load_demo_applicants,
    plan_people,
    portal_clock_at,
)
from gradadmit.cycles.models import DocumentRequirement, FormTemplate, Milestone, Program, ProgramAssignment
from gradadmit.documents.models import Document
from gradadmit.enrolment.models import Admission
from gradadmit.fees.models import Payment
from gradadmit.notifications.models import Message
from gradadmit.scoring.models import StageScore


def _counts():
    return {
        "programs": Program.objects.count(),
        "milestones": Milestone.objects.count(),
        "requirements": DocumentRequirement.objects.count(),
        "forms": FormTemplate.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "assignments": ProgramAssignment.objects.count(),
    }


def _load():
    cycle = load_demo_cycle()
    return cycle, create_demo_accounts(cycle)


def _looks_like_pdf(data: bytes) -> bool:
    """Header, trailer, and every xref entry pointing at the object it names."""
    if not data.startswith(b"%PDF-1.") or not data.rstrip().endswith(b"%%EOF"):
        return False
    xref_at = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    if data[xref_at : xref_at + 4] != b"xref":
        return False
    entries = re.findall(rb"(\d{10}) 00000 n ", data[xref_at:])
    return bool(entries) and all(
        data[int(offset) :].startswith(b"%d 0 obj" % number) for number, offset in enumerate(entries, start=1)
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    cycle, _ = _load()
    first = _counts()
    starts = dict(cycle.milestones.values_list("id", "starts_at"))
    files = dict(cycle.forms.values_list("id", "file"))
    password_hashes = dict(User.objects.values_list("email", "password"))

    _load()

    assert _counts() == first
    assert first["programs"] == 9
    assert first["milestones"] == len(demo_data.MILESTONES)
    assert first["requirements"] == sum(len(program["documents"]) for program in demo_data.PROGRAMS)
    assert first["forms"] == 11
    assert first["users"] == 3 and first["emails"] == 3 and first["assignments"] == 2
    assert dict(cycle.milestones.values_list("id", "starts_at")) == starts
    assert dict(cycle.forms.values_list("id", "file")) == files
    assert dict(User.objects.values_list("email", "password")) == password_hashes


@pytest.mark.django_db
def test_application_windows_are_open_now():
    cycle, _ = _load()
    calendar = calendar_for(cycle)
    assert cycle.is_published
    assert calendar.is_open("application")
    assert calendar.is_open("application", "article7")
    assert calendar.is_open("documents")
    assert not calendar.is_open("interview")


@pytest.mark.django_db
def test_calendar_keeps_the_brochure_gaps():
    cycle = load_demo_cycle(today=date(2030, 1, 15))
    calendar = calendar_for(cycle)

    def local(kind, scope="all", end=False):
        window = calendar.window(kind, scope)
        return (window.ends_at if end else window.starts_at).astimezone(TAIPEI)

    opens = local("application")
    assert (opens.date(), opens.hour) == (date(2030, 1, 8), 9)
    # 108/11/7 -> 11/19 (article 7), 12/3 (general), 12/10 15:00 (stage-1 list), 12/20 15:00 (results)
    assert local("application", "article7", end=True).date() - opens.date() == timedelta(days=12)
    assert local("application", end=True).date() - opens.date() == timedelta(days=26)
    assert local("eligibility_result").date() - opens.date() == timedelta(days=33)
    results = local("results")
    assert (results.date() - opens.date(), results.hour) == (timedelta(days=43), 15)
    assert local("appeal", end=True).date() - results.date() == timedelta(days=10)


@pytest.mark.django_db
def test_quotas_match_the_brochure():
    cycle, _ = _load()
    mechatronics = cycle.programs.get(name_zh="機電光系統研究所")
    assert (mechatronics.quota_general, mechatronics.quota_in_service) == (6, 2)
    assert mechatronics.quota_flows
    service_management = cycle.programs.get(name_zh="服務與科技管理研究所")
    assert (service_management.quota_general, service_management.quota_in_service) == (0, 7)
    assert not service_management.offers_identity("general")
    assert sum(program.total_quota for program in cycle.programs.all()) == 35 + 28


@pytest.mark.django_db
def test_programme_specific_documents():
    cycle, _ = _load()
    space_design = cycle.programs.get(code="M06")
    assert not space_design.document_requirements.get(code="autobiography").mandatory
    electrical = cycle.programs.get(code="M02")
    autobiography = electrical.document_requirements.get(code="autobiography")
    assert autobiography.mandatory and autobiography.template.code == "form-03"
    certificate = electrical.document_requirements.get(code="service-certificate")
    assert certificate.applies_to == "in_service" and certificate.template.code == "form-06"
    assert electrical.document_requirements.get(code="photo").file_kind == "photo"
    assert [(stage.kind, stage.weight) for stage in electrical.stages.all()] == [
        ("document_review", Decimal("0.5")),
        ("interview", Decimal("0.5")),
    ]


@pytest.mark.django_db
def test_forms_are_pdfs():
    cycle, _ = _load()
    for form in cycle.forms.all():
        with form.file.open("rb") as handle:
            assert _looks_like_pdf(handle.read()), form.code


@pytest.mark.django_db
def test_demo_accounts(settings):
    cycle, accounts = _load()
    assert [email for _, email, _ in accounts] == [
        "office@demo.gradadmit.tw",
        DEPARTMENT_EMAIL,
        APPLICANT_EMAIL,
    ]
    for _, email, password in accounts:
        user = User.objects.get(email=email)
        assert password == settings.GRADADMIT_DEMO_PASSWORD
        assert user.check_password(password)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
    assert User.objects.get(email="office@demo.gradadmit.tw").is_office
    department = User.objects.get(email=DEPARTMENT_EMAIL)
    assert department.is_department_staff and not department.is_staff
    assert sorted(department.assigned_programs.values_list("code", flat=True)) == ["M01", "M02"]
    applicant = User.objects.get(email=APPLICANT_EMAIL)
    assert applicant.pdpa_consent_at is not None
    assert is_valid_taiwan_id(applicant.profile.national_id)


@pytest.mark.django_db
def test_rerun_resets_a_changed_password(settings):
    _load()
    user = User.objects.get(email=APPLICANT_EMAIL)
    user.set_password("something-else")
    user.save()
    _load()
    user.refresh_from_db()
    assert user.check_password(settings.GRADADMIT_DEMO_PASSWORD)


@pytest.mark.django_db
def test_command_prints_accounts_and_cycle_path(capsys):
    call_command("load_demo", applicants=0)
    out = capsys.readouterr().out
    assert APPLICANT_EMAIL in out and DEPARTMENT_EMAIL in out
    assert demo_data.CYCLE["code"] in out


# --- synthetic applicants ---------------------------------------------------------------------------------------

SMALL = 30


def _load_with_applicants(count=SMALL, seed=DEFAULT_SEED):
    cycle, _ = _load()
    office = User.objects.get(email=OFFICE_EMAIL)
    return cycle, load_demo_applicants(cycle=cycle, office=office, count=count, seed=seed)


def _fingerprint():
    """The generated data, free of database ids and wall-clock times."""
    applications = sorted(
        Application.objects.values_list(
            "applicant__email", "program__code", "identity", "review_decision__result", "ticket__exam_number"
        ),
        key=repr,
    )
    people = sorted(ApplicantProfile.objects.values_list("user__email", "name_zh", "national_id", "birth_date"))
    scores = sorted(
        StageScore.objects.values_list("application__applicant__email", "stage__order", "score", "absent"), key=repr
    )
    admissions = sorted(Admission.objects.values_list("applicant__email", "status", "source"))
    return applications, people, scores, admissions


@pytest.mark.django_db
def test_a_small_demo_shows_every_state():
    cycle, created = _load_with_applicants()
    census = demo_census(cycle)
    assert created == SMALL
    empty = [state for state, count in census.items() if count == 0]
    assert not empty, census
    assert census["programmes_applied"] >= 8
    assert Application.objects.filter(applicant__email=APPLICANT_EMAIL).count() == 3


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    cycle, _ = _load_with_applicants()
    before = (
        demo_census(cycle),
        User.objects.count(),
        Application.objects.count(),
        Document.objects.count(),
        Payment.objects.count(),
        Message.objects.count(),
    )
    _, created = _load_with_applicants()
    after = (
        demo_census(cycle),
        User.objects.count(),
        Application.objects.count(),
        Document.objects.count(),
        Payment.objects.count(),
        Message.objects.count(),
    )
    assert created == 0
    assert after == before


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    programs = {spec["code"]: Program(**{k: v for k, v in spec.items() if k not in ("stages", "documents")})
                for spec in demo_data.PROGRAMS}  # fmt: skip
    first = plan_people(count=SMALL, seed=7, programs=programs)
    assert first == plan_people(count=SMALL, seed=7, programs=programs)
    assert first != plan_people(count=SMALL, seed=8, programs=programs)
    # A person's plan does not depend on how many are asked for: growing the demo keeps the first ones.
    assert plan_people(count=SMALL + 10, seed=7, programs=programs)[:SMALL] == first


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():  # the first demo is rolled back, then made again from scratch
        _load_with_applicants()
        first = _fingerprint()
        transaction.set_rollback(True)
    assert not Application.objects.exists()
    _load_with_applicants()
    assert _fingerprint() == first
    assert first[0] and first[2] and first[3]


@pytest.mark.django_db
def test_the_cycle_name_follows_the_moved_dates():
    cycle = load_demo_cycle(today=date(2030, 1, 15))  # opens 2030-01-08: the academic year starting August 2030
    assert (cycle.academic_year, cycle.name_zh) == (119, "119學年度碩士班甄試入學招生")
    assert cycle.name_en.startswith("2030 ")
    cycle = load_demo_cycle(today=date(2029, 11, 20))  # opens in November 2029: also for 2030
    assert cycle.academic_year == 119
    assert academic_year_for(date(2019, 11, 7)) == 109  # the brochure's own dates


@pytest.mark.django_db
def test_the_portal_clock_is_back_after_the_generator():
    real = clock.now
    with portal_clock_at(datetime(2031, 1, 1, 9, 0, tzinfo=TAIPEI)):
        assert clock.now().year == 2031
    assert clock.now is real
