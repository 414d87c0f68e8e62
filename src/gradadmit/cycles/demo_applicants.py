"""Synthetic applicants for the demo cycle, made through the portal's own services (never raw inserts).

Every person is keyed by a deterministic email (demo-applicant-0001@demo.gradadmit.tw …) and planned by a pure
function of the seed and their number, so the same seed gives the same people and a second run skips everyone who
already exists (it adds nothing). Application states are dealt from a fixed deck, so even 30 applicants show every
state: registered only, applied and unpaid, paid (bank statement, by hand, a wrong amount), documents missing and
complete, letters pending, completed and declined, eligibility qualified / supplement / not qualified.

One programme (RESULTS_PROGRAM) is taken through the whole cycle: decisions, exam numbers, interview slots, published
lists and tickets, scores, a ranking run published with a waitlist, check-in opened, check-ins, a give-up and a
waitlist promotion. Those steps have deadline checks against calendar windows that lie weeks after today (the demo
calendar keeps the application window open today), so they run inside `portal_clock_at`, which moves the portal's
clock (`core.clock.now`, the one clock every deadline check reads) for this generator only and puts it back after.
Rows stamped by the services carry those moved times; rows Django stamps itself (`auto_now`) carry the real time.

Passwords: hashing is slow on purpose, so every synthetic person gets the one hash of the demo password
(computed once a run): any of them can sign in with it, like the demo accounts.
"""

import csv
import io
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gradadmit.accounts.idnumbers import taiwan_id_check_digit
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.accounts.services import save_profile
from gradadmit.applications.models import Application
from gradadmit.applications.services import apply_to_program
from gradadmit.core import clock
from gradadmit.core.choices import Identity
from gradadmit.cycles.demo import APPLICANT_EMAIL
from gradadmit.documents.models import Document
from gradadmit.documents.selectors import applicable_requirements
from gradadmit.documents.services import record_initial_check, upload_document
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.services import decide_review
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.enrolment.services import check_in, give_up, open_enrolment, promote_next
from gradadmit.exams.models import Publication
from gradadmit.exams.services import add_interview_slot, assign_exam_numbers, assign_interview_slots, publish_results
from gradadmit.fees.models import Payment
from gradadmit.fees.services import ensure_application_charge, record_payment, start_statement_import
from gradadmit.recommendations.services import accept, add_recommender, decline, submit_upload
from gradadmit.scoring.services import (
    decide_interview_invitations,
    enter_stage_score,
    publish_run,
    run_ranking,
    settings_for,
    submit_stage,
    update_scoring_settings,
)
from gradadmit.testing.files import labelled_pdf_bytes, photo_bytes

EMAIL_DOMAIN = "demo.gradadmit.tw"
RESULTS_PROGRAM = "M01"  # taken through scores, ranking, results, check-in and promotion
RESULTS_APPLICANTS = 40  # persons 1..40 but every third apply to it (enough for quota, waitlist and refusals)
DEFAULT_APPLICANTS = 300
DEFAULT_SEED = 2026

# (fee, documents, letters, eligibility decision); dealt in order to the applications outside RESULTS_PROGRAM.
# fee: none (never opened the fee page), charged (account number, unpaid), bank (statement), hand (postal order),
# partial (wrong amount by statement). documents: none, some (mandatory items missing), all.
DECK = (
    ("none", "none", "none", None),
    ("bank", "some", "none", None),
    ("bank", "all", "completed", "qualified"),
    ("charged", "all", "pending", None),
    ("bank", "all", "pending", None),
    ("hand", "all", "completed", "qualified"),
    ("bank", "some", "none", "supplement"),
    ("charged", "some", "none", None),
    ("bank", "all", "completed", None),
    ("none", "some", "none", "not_qualified"),
    ("bank", "all", "declined", "qualified"),
    ("partial", "all", "none", None),
    ("bank", "all", "none", "qualified"),
    ("hand", "all", "declined", "supplement"),
    ("bank", "all", "completed", "qualified"),
    ("bank", "all", "pending", "qualified"),
)
# Persons whose number modulo 20 is here stop early: an account only, or basic details but no application.
ACCOUNT_ONLY, PROFILE_ONLY = 5, 13

SURNAMES = [("陳", "CHEN"), ("林", "LIN"), ("黃", "HUANG"), ("張", "CHANG"), ("李", "LEE"), ("王", "WANG"),
            ("吳", "WU"), ("劉", "LIU"), ("蔡", "TSAI"), ("楊", "YANG"), ("許", "HSU"), ("鄭", "CHENG"),
            ("謝", "HSIEH"), ("郭", "KUO"), ("洪", "HUNG"), ("曾", "TSENG")]  # fmt: skip
GIVEN = [("家豪", "CHIA-HAO"), ("雅婷", "YA-TING"), ("志偉", "CHIH-WEI"), ("怡婷", "YI-TING"), ("俊傑", "CHUN-CHIEH"),
         ("佳穎", "CHIA-YING"), ("建宏", "CHIEN-HUNG"), ("淑惠", "SHU-HUI"), ("冠宇", "KUAN-YU"), ("詩涵", "SHIH-HAN"),
         ("宗翰", "TSUNG-HAN"), ("欣怡", "HSIN-YI"), ("承恩", "CHENG-EN"), ("宜庭", "YI-TING"), ("柏翰", "PO-HAN"),
         ("筱涵", "HSIAO-HAN")]  # fmt: skip
SCHOOLS = [("建國科技大學", "機械工程系"), ("國立彰化師範大學", "電機工程學系"), ("國立中興大學", "土木工程學系"),
           ("國立勤益科技大學", "電子工程系"), ("大葉大學", "設計暨藝術學院"), ("朝陽科技大學", "企業管理系"),
           ("逢甲大學", "資訊工程學系"), ("國立雲林科技大學", "工業工程與管理系")]  # fmt: skip
EMPLOYERS = [
    "台灣積體電路製造股份有限公司",
    "彰化縣政府",
    "和泰汽車股份有限公司",
    "彰化基督教醫院",
    "中華電信股份有限公司",
]
CITIES = [("500", "彰化縣彰化市中山路二段"), ("510", "彰化縣員林市員東路"), ("400", "臺中市中區民權路"),
          ("403", "臺中市西區公益路"), ("640", "雲林縣斗六市大學路")]  # fmt: skip
ID_LETTERS = "ABDEFGHKLMNPQTUVWXYZ"


@contextmanager
def portal_clock_at(moment: datetime):
    """Run the block as if the portal's clock read `moment` (then ticking on): for this generator only.

    Every service reads the time through `core.clock.now`, so moving it lets the generator act at the calendar's
    later steps (results, check-in, promotion) while the demo's application window stays open today. The real
    clock is restored on leaving the block, also after an error. Not thread-safe: meant for the command's thread.
    """
    real_now = clock.now
    started = timezone.now()
    clock.now = lambda: moment + (timezone.now() - started)
    try:
        yield
    finally:
        clock.now = real_now


@dataclass(frozen=True)
class ApplicationPlan:
    program: str
    identity: str
    fee: str = "bank"
    documents: str = "all"
    letters: str = "none"
    decision: str | None = None


@dataclass(frozen=True)
class PersonPlan:
    number: int
    email: str
    stage: str  # "account", "profile" or "applied"
    profile: dict = field(default_factory=dict)
    applications: tuple = ()
    applied_fraction: float = 0.5  # where in the open window (0 = opening, 1 = now) the person applied


def applicant_email(number: int) -> str:
    return f"demo-applicant-{number:04d}@{EMAIL_DOMAIN}"


def plan_people(*, count: int, seed: int, programs: dict) -> list[PersonPlan]:
    """The people 1..count: a pure function of the seed and the programmes' identities (no database)."""
    plans, dealt = [], 0
    others = [code for code in sorted(programs) if code != RESULTS_PROGRAM]
    for number in range(1, count + 1):
        plan = _plan_person(number, random.Random(f"{seed}:{number}"), programs, others, dealt)
        dealt += sum(1 for a in plan.applications if a.program != RESULTS_PROGRAM)
        plans.append(plan)
    return plans


def _plan_person(number, rng, programs, others, dealt) -> PersonPlan:
    email = applicant_email(number)
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    gender = rng.choice(["male", "female"])
    school, department = rng.choice(SCHOOLS)
    postal_code, street = rng.choice(CITIES)
    in_service = rng.random() < 0.35
    letter = ID_LETTERS[number % len(ID_LETTERS)]
    prefix = f"{letter}{1 if gender == 'male' else 2}{7_000_000 + number:07d}"
    graduated = in_service or rng.random() < 0.6
    profile = {
        "name_zh": surname[0] + given[0],
        "name_en": f"{surname[1]}, {given[1]}",
        "nationality": ApplicantProfile.Nationality.TAIWAN,
        "national_id": prefix + str(taiwan_id_check_digit(prefix)),
        "passport_number": "",
        "birth_date": date(1990 + rng.randrange(0, 14), rng.randrange(1, 13), rng.randrange(1, 29)),
        "gender": gender,
        "phone_mobile": f"09{rng.randrange(10, 100)}-{rng.randrange(100, 1000)}-{rng.randrange(100, 1000)}",
        "phone_home": "",
        "postal_code": postal_code,
        "address": f"{street}{rng.randrange(1, 400)}號",
        "school": school,
        "department": department,
        "education_status": "graduated" if graduated else "expected",
        "equivalent_article": None,
        "graduation_year": 2026 - rng.randrange(1, 12) if graduated else None,
        "employer": rng.choice(EMPLOYERS) if in_service else "",
        "job_title": "工程師" if in_service else "",
        "service_years": rng.randrange(1, 15) if in_service else None,
    }
    common = {"number": number, "email": email, "profile": profile}
    common["applied_fraction"] = rng.random()
    if number % 20 == ACCOUNT_ONLY:
        return PersonPlan(stage="account", **common)
    if number % 20 == PROFILE_ONLY:
        return PersonPlan(stage="profile", **common)

    def identity_for(code):
        program = programs[code]
        offered = [i for i in (Identity.IN_SERVICE, Identity.GENERAL) if program.offers_identity(i)]
        if not in_service:
            offered = [i for i in offered if i == Identity.GENERAL]
        return offered[0] if offered else None

    applications = []
    if number <= RESULTS_APPLICANTS and number % 3 != 0:
        # Mostly complete and paid (the programme goes to results); every ninth is refused for missing documents.
        refused = number % 9 == 4
        applications.append(
            ApplicationPlan(
                program=RESULTS_PROGRAM,
                identity=identity_for(RESULTS_PROGRAM),
                fee="none" if refused else rng.choice(["bank", "bank", "hand"]),
                documents="some" if refused else "all",
                letters=rng.choice(["none", "completed"]),
                decision="not_qualified" if refused else "qualified",
            )
        )
    wanted = 1 if applications else (2 if rng.random() < 0.35 else 1)
    candidates = [code for code in others if identity_for(code)]
    for index, code in enumerate(rng.sample(candidates, k=min(wanted, len(candidates)))):
        fee, documents, letters, decision = DECK[(dealt + index) % len(DECK)]
        applications.append(ApplicationPlan(code, identity_for(code), fee, documents, letters, decision))
    return PersonPlan(stage="applied", applications=tuple(applications), **common)


# --- running the plan -----------------------------------------------------------------------------------------


class _Files:
    """Generated uploads, made once a run: services check every file by content, so they must be real."""

    def __init__(self):
        self.photo = photo_bytes(size=(360, 480))
        self._pdfs = {}

    def pdf(self, label: str) -> bytes:
        if label not in self._pdfs:
            self._pdfs[label] = labelled_pdf_bytes(f"GradAdmit demo - {label}")
        return self._pdfs[label]


@dataclass
class _Run:
    cycle: object
    office: User
    programs: dict
    day0: datetime
    now: datetime
    password_hash: str
    files: _Files
    statement: list = field(default_factory=list)
    created: int = 0


def load_demo_applicants(*, cycle, office, count: int = DEFAULT_APPLICANTS, seed: int = DEFAULT_SEED) -> int:
    """Create the planned people who do not exist yet and take RESULTS_PROGRAM through the cycle once.

    Returns how many people were created. Side effects are those of the services called: audit entries, inbox
    messages and queued emails (the outbox sends them; with the console backend nothing leaves the machine).
    """
    programs = {p.code: p for p in cycle.programs.all()}
    opening = cycle.milestones.get(kind="application", scope="all").starts_at
    run = _Run(
        cycle=cycle,
        office=office,
        programs=programs,
        day0=opening,
        now=clock.now(),
        password_hash=make_password(settings.GRADADMIT_DEMO_PASSWORD),
        files=_Files(),
    )
    results_done = Publication.objects.filter(program=programs[RESULTS_PROGRAM]).exists()
    existing = set(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("email", flat=True))
    for plan in plan_people(count=count, seed=seed, programs=programs):
        if plan.email in existing:
            continue
        _create_person(run, plan, skip_results=results_done)
        run.created += 1
    applicant = User.objects.filter(email=APPLICANT_EMAIL).first()
    if applicant is not None and not Application.objects.filter(applicant=applicant).exists():
        _demo_applicant(run, applicant, skip_results=results_done)
    _import_statement(run)
    if not results_done:
        _take_through_results(run, programs[RESULTS_PROGRAM], seed)
    return run.created


def _demo_applicant(run: _Run, user, *, skip_results: bool) -> None:
    """The demo account: admitted to RESULTS_PROGRAM (an open offer), a supplement asked in M02, M04 unpaid."""
    profile = user.profile
    plan = PersonPlan(number=0, email=user.email, stage="applied")
    apps = [
        ApplicationPlan(RESULTS_PROGRAM, Identity.GENERAL, "bank", "all", "completed", "qualified"),
        ApplicationPlan("M02", Identity.GENERAL, "bank", "all", "pending", "supplement"),
        ApplicationPlan("M04", Identity.GENERAL, "charged", "some", "declined", None),
    ]
    for index, app_plan in enumerate(apps):
        if skip_results and app_plan.program == RESULTS_PROGRAM:
            continue
        with portal_clock_at(_moment(run, 0.1 + 0.3 * index)):
            _make_application(run, user, profile, plan, app_plan)


def _moment(run: _Run, fraction: float) -> datetime:
    """A time between the opening of the application window and now."""
    return run.day0 + (run.now - run.day0) * (0.02 + 0.96 * fraction)


def _create_person(run: _Run, plan: PersonPlan, *, skip_results: bool) -> None:
    from allauth.account.models import EmailAddress

    at = _moment(run, plan.applied_fraction)
    # Registration as the sign-up form does it: the account with its consent time and a verified address.
    user = User(email=plan.email, password=run.password_hash, pdpa_consent_at=at - timedelta(hours=2))
    user.save()
    EmailAddress.objects.create(user=user, email=plan.email, verified=True, primary=True)
    if plan.stage == "account":
        return
    with portal_clock_at(at - timedelta(hours=1)):
        profile = save_profile(user=user, data=plan.profile)
    if plan.stage == "profile":
        return
    for index, app_plan in enumerate(plan.applications):
        if skip_results and app_plan.program == RESULTS_PROGRAM:
            continue
        with portal_clock_at(at + timedelta(minutes=20 * index)):
            _make_application(run, user, profile, plan, app_plan)


def _make_application(run: _Run, user, profile, plan: PersonPlan, app_plan: ApplicationPlan) -> Application:
    program = run.programs[app_plan.program]
    application = apply_to_program(applicant=user, program=program, identity=app_plan.identity)
    requirements = applicable_requirements(application, profile)
    uploads = [r for r in requirements if r.mandatory or r.code == "portfolio" and plan.number % 3 == 0]
    if app_plan.documents == "none":
        uploads = []
    elif app_plan.documents == "some":
        uploads = uploads[: max(1, len(uploads) // 2)]
    for requirement in uploads:
        if requirement.file_kind == requirement.FileKind.PHOTO:
            upload = SimpleUploadedFile("photo.jpg", run.files.photo, content_type="image/jpeg")
        else:
            upload = SimpleUploadedFile(
                f"{requirement.code}.pdf", run.files.pdf(requirement.name_en), content_type="application/pdf"
            )
        upload_document(applicant=user, application=application, requirement=requirement, upload=upload,
                        profile=profile)  # fmt: skip
    _letters(run, user, application, plan, app_plan.letters)
    _fee(run, application, plan, app_plan.fee)
    if app_plan.decision:
        _decide(run, application, profile, app_plan.decision)
    return application


def _letters(run: _Run, user, application, plan: PersonPlan, letters: str) -> None:
    if letters == "none":
        return
    request = add_recommender(
        applicant=user,
        application=application,
        data={
            "email": f"recommender-{plan.number:04d}-{application.program.code.lower()}@{EMAIL_DOMAIN}",
            "name": f"{SURNAMES[plan.number % len(SURNAMES)][0]}教授",
            "organisation": SCHOOLS[plan.number % len(SCHOOLS)][0],
            "title": "教授",
            "relationship": "大學專題指導教授",
            "phone": "04-7111111",
        },
    )
    if letters == "completed":
        accept(request=request)
        pdf = run.files.pdf("Letter of recommendation")
        submit_upload(request=request, upload=SimpleUploadedFile("letter.pdf", pdf, content_type="application/pdf"))
    elif letters == "declined":
        decline(request=request, reason="本學期出國研究，無法撰寫推薦函。")


def _fee(run: _Run, application, plan: PersonPlan, fee: str) -> None:
    if fee == "none":
        return
    charge = ensure_application_charge(application)
    paid_at = clock.now() + (run.now - clock.now()) * 0.3
    if fee == "hand":
        record_payment(actor=run.office, charge=charge, amount=charge.amount_due, method=Payment.Method.POSTAL_ORDER,
                       received_at=paid_at, note=f"郵政匯票 No. {plan.number:06d}")  # fmt: skip
    elif fee in ("bank", "partial"):
        amount = charge.amount_due if fee == "bank" else max(1, charge.amount_due - 400)
        account = charge.accounts.get(is_current=True).number
        local = timezone.localtime(paid_at)
        run.statement.append(
            [f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}", account, amount, f"DEMO{charge.pk:010d}", "812"]
        )


def _import_statement(run: _Run) -> None:
    """The collecting bank's statement of this run's transfers, imported as the office imports it."""
    if not run.statement:
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["value_date", "value_time", "virtual_account", "amount", "bank_serial", "payer_bank_code"])
    writer.writerows(sorted(run.statement))
    data = out.getvalue().encode()
    upload = SimpleUploadedFile("demo-statement.csv", data, content_type="text/csv")
    start_statement_import(actor=run.office, cycle=run.cycle, upload=upload)


def _decide(run: _Run, application, profile, decision: str) -> None:
    documents = list(
        Document.objects.filter(application=application, is_current=True, requirement__needs_initial_check=True)
    )
    if decision == "qualified":
        for document in documents:
            record_initial_check(actor=run.office, document=document, passed=True)
        decide_review(actor=run.office, application=application, result=ReviewDecision.Result.QUALIFIED,
                      expected_version=0)  # fmt: skip
    elif decision == "supplement":
        requirements = applicable_requirements(application, profile)
        degree = next(r for r in requirements if r.code == "degree-proof")
        for document in documents:
            passed = document.requirement_id != degree.pk
            record_initial_check(actor=run.office, document=document, passed=passed,
                                 message="" if passed else "畢業證書影本不清晰，請重新掃描上傳。")  # fmt: skip
        decide_review(
            actor=run.office,
            application=application,
            result=ReviewDecision.Result.SUPPLEMENT,
            expected_version=0,
            message="請補繳清晰的學位證明文件。",
            supplement_until=clock.now() + timedelta(days=10),
            supplement_items=[degree],
        )
    else:
        decide_review(actor=run.office, application=application, result=ReviewDecision.Result.NOT_QUALIFIED,
                      expected_version=0, reason=ReviewDecision.Reason.DOCUMENTS,
                      message="未於期限內繳交必繳資料。")  # fmt: skip


# --- one programme through the whole cycle -------------------------------------------------------------------


def _at_day(run: _Run, days: int, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = timezone.localtime(run.day0)
    return datetime.combine(local.date() + timedelta(days=days), time(hour, minute), tzinfo=local.tzinfo)


def _take_through_results(run: _Run, program, seed: int) -> None:
    """Exam numbers, interview slots, published lists, scores, a published ranking, check-in and promotion."""
    office = run.office
    applications = list(Application.objects.active().filter(program=program).select_related("applicant"))
    if not applications:
        return
    numbers = {}
    for application in applications:
        local = application.applicant.email.split("@")[0]
        numbers[application.pk] = int(local.rsplit("-", 1)[1]) if local.startswith("demo-applicant-") else 0
    rng = random.Random(f"{seed}:{program.code}")

    with portal_clock_at(_at_day(run, 31, "10:00")):  # after the window closes, before the stage-1 list
        undecided = [a for a in applications if not ReviewDecision.objects.filter(application=a).exists()]
        for application in undecided:
            _decide(run, application, getattr(application.applicant, "profile", None), "qualified")
        qualified = assign_exam_numbers(actor=office, program=program)
        interview = run.cycle.milestones.get(kind="interview", scope="all")
        per_slot = 8
        for index in range((qualified + per_slot - 1) // per_slot):
            starts = timezone.localtime(interview.starts_at) + timedelta(hours=2 * index)
            add_interview_slot(actor=office, program=program, starts_at=starts, ends_at=starts + timedelta(hours=2),
                               room=f"E{301 + index}", capacity=per_slot)  # fmt: skip
        assign_interview_slots(actor=office, program=program)
        publish_results(actor=office, program=program)

    qualified_apps = [
        a for a in applications if ReviewDecision.objects.get(application=a).result == ReviewDecision.Result.QUALIFIED
    ]
    stages = list(program.stages.order_by("order"))
    with portal_clock_at(_at_day(run, 38, "10:00")):  # the day after the interview
        current = settings_for(program)
        update_scoring_settings(actor=office, program=program, aggregation=current.aggregation,
                                disagreement_threshold=current.disagreement_threshold, pass_minimum=Decimal("40"),
                                pass_top_n=None, admit_all_tied=current.admit_all_tied, show_rank=True,
                                appeal_days=current.appeal_days)  # fmt: skip
        # Distinct scores in both stages, so no tie reaches the committee; the demo applicant ranks near the top.
        ordered = sorted(qualified_apps, key=lambda a: (numbers[a.pk], a.pk))
        stage1 = [Decimal(v) / 100 for v in rng.sample(range(3000, 9400), len(ordered))]
        stage2 = [Decimal(v) / 100 for v in rng.sample(range(4000, 9800), len(ordered))]
        for index, application in enumerate(ordered):
            if numbers[application.pk] == 0:
                stage1[index], stage2[index] = Decimal("95.50"), Decimal("98.50")
        for application, score in zip(ordered, stage1, strict=True):
            enter_stage_score(actor=office, application=application, stage=stages[0], score=score)
        submit_stage(actor=office, stage=stages[0])
        invited = decide_interview_invitations(actor=office, program=program)
        absent_done = False
        for application, score in zip(ordered, stage2, strict=True):
            if application.pk not in invited:
                continue
            if not absent_done and numbers[application.pk] > 0:  # one invited applicant missed the interview
                enter_stage_score(actor=office, application=application, stage=stages[1], absent=True)
                absent_done = True
                continue
            enter_stage_score(actor=office, application=application, stage=stages[1], score=score)
        for stage in stages[1:]:
            submit_stage(actor=office, stage=stage)

    with portal_clock_at(_at_day(run, 44, "10:00")):  # the results were announced the day before at 15:00
        ranking_run = run_ranking(actor=office, program=program, reason="Demo: interview scores submitted")
        publish_run(actor=office, run=ranking_run)
        open_enrolment(actor=office, program=program)

    admissions = list(Admission.objects.filter(program=program).select_related("applicant").order_by("pk"))
    synthetic = [a for a in admissions if a.applicant.email.startswith("demo-applicant-")]
    gave_up = None
    # The check-in day: some check in, one gives up; the demo applicant's offer stays open for them to try.
    with portal_clock_at(_at_day(run, 54, "10:00")):
        for index, admission in enumerate(synthetic):
            if index == 1:
                gave_up = give_up(applicant=admission.applicant, admission=admission,
                                  password=settings.GRADADMIT_DEMO_PASSWORD)  # fmt: skip
            elif index % 2 == 0:
                check_in(applicant=admission.applicant, admission=admission, documents_confirmed=True)
    waiting = WaitlistEntry.objects.filter(program=program, status=WaitlistEntry.Status.WAITING).exists()
    if gave_up is not None and waiting:
        with portal_clock_at(_at_day(run, 61, "10:00")):  # the promotion period opens
            promote_next(actor=office, program=program, identity=gave_up.seat_identity)


# --- what the demo holds ----------------------------------------------------------------------------------------


def demo_census(cycle) -> dict[str, int]:
    """How many applications (or people) of the demo cycle are in each state the portal knows: for the command's
    summary and the tests."""
    from gradadmit.eligibility.completeness import documents_complete_q, paid_q
    from gradadmit.fees.models import Charge
    from gradadmit.recommendations.models import RecommendationRequest
    from gradadmit.scoring.models import RankingRun

    people = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", staff_role="")
    applications = Application.objects.active().filter(program__cycle=cycle)
    letters = RecommendationRequest.objects.filter(application__program__cycle=cycle)
    decisions = ReviewDecision.objects.filter(application__program__cycle=cycle)
    admissions = Admission.objects.filter(program__cycle=cycle)
    return {
        "registered_only": people.exclude(applications__program__cycle=cycle).count(),
        "no_basic_details": people.filter(profile__isnull=True).count(),
        "general": applications.filter(identity=Identity.GENERAL).count(),
        "in_service": applications.filter(identity=Identity.IN_SERVICE).count(),
        "programmes_applied": applications.values("program").distinct().count(),
        "unpaid": applications.exclude(paid_q()).count(),
        "paid": applications.filter(paid_q()).count(),
        "amount_wrong": Charge.objects.filter(
            application__program__cycle=cycle, status__in=[Charge.Status.PARTIAL, Charge.Status.OVER]
        ).count(),
        "documents_missing": applications.exclude(documents_complete_q()).count(),
        "documents_complete": applications.filter(documents_complete_q()).count(),
        "letters_pending": letters.filter(
            status__in=[RecommendationRequest.Status.INVITED, RecommendationRequest.Status.OPENED]
        ).count(),
        "letters_completed": letters.filter(status=RecommendationRequest.Status.COMPLETED).count(),
        "letters_declined": letters.filter(status=RecommendationRequest.Status.DECLINED).count(),
        "qualified": decisions.filter(result=ReviewDecision.Result.QUALIFIED).count(),
        "supplement": decisions.filter(result=ReviewDecision.Result.SUPPLEMENT).count(),
        "not_qualified": decisions.filter(result=ReviewDecision.Result.NOT_QUALIFIED).count(),
        "lists_published": Publication.objects.filter(program__cycle=cycle, state=Publication.State.PUBLISHED).count(),
        "results_published": RankingRun.objects.filter(program__cycle=cycle, state=RankingRun.State.PUBLISHED).count(),
        "offered": admissions.filter(status=Admission.Status.OFFERED, source=Admission.Source.RESULT).count(),
        "checked_in": admissions.filter(status=Admission.Status.CHECKED_IN).count(),
        "given_up": admissions.filter(status=Admission.Status.GIVEN_UP).count(),
        "promoted": admissions.filter(source=Admission.Source.PROMOTION).count(),
        "waitlisted": WaitlistEntry.objects.filter(program__cycle=cycle, status=WaitlistEntry.Status.WAITING).count(),
    }
