"""factory-boy factories for the main models; dates relative to now so windows are open."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from gradadmit.accounts.idnumbers import taiwan_id_check_digit
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.cycles.models import Cycle, DocumentRequirement, Milestone, Program, ProgramAssignment, SelectionStage

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.tw")
    pdpa_consent_at = factory.LazyFunction(clock.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OfficeFactory(UserFactory):
    staff_role = User.StaffRole.OFFICE
    is_staff = True


class DepartmentStaffFactory(UserFactory):
    staff_role = User.StaffRole.DEPARTMENT


def valid_taiwan_id(n: int, sex: int = 1) -> str:
    prefix = f"A{sex}{n % 10_000_000:07d}"
    return prefix + str(taiwan_id_check_digit(prefix))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory)
    name_zh = "王小明"
    name_en = "WANG, HSIAO-MING"
    nationality = "tw"
    national_id = factory.Sequence(lambda n: valid_taiwan_id(n + 1000))
    birth_date = date(1999, 5, 4)
    gender = "male"
    phone_mobile = "0912-345-678"
    address = "彰化市介壽北路1號"
    school = "國立彰化師範大學"
    department = "電機工程學系"
    education_status = "expected"


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"cycle-{n}")
    name_zh = "115學年度碩士班甄試入學招生"
    name_en = "2026 Master's Admission by Screening"
    academic_year = 115
    institution_zh = "建國科技大學"
    institution_en = "Chienkuo Technology University"
    is_published = True

    @factory.post_generation
    def open_window(self, create, extracted, **kwargs):
        """An application window open now (general: 10 days left; article 7: 3 days left)."""
        if not create or extracted is False:
            return
        now = clock.now()
        Milestone.objects.create(
            cycle=self, kind="application", starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=10)
        )
        Milestone.objects.create(
            cycle=self,
            kind="application",
            scope="article7",
            starts_at=now - timedelta(days=5),
            ends_at=now + timedelta(days=3),
        )
        Milestone.objects.create(
            cycle=self, kind="documents", starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=10)
        )
        Milestone.objects.create(cycle=self, kind="results", starts_at=now + timedelta(days=40))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    code = factory.Sequence(lambda n: f"P{n:02d}")
    name_zh = factory.Sequence(lambda n: f"電子工程系碩士班{n}")
    name_en = factory.Sequence(lambda n: f"Electronic Engineering MSc {n}")
    department_zh = "電子工程系"
    department_en = "Department of Electronic Engineering"
    quota_general = 5
    quota_in_service = 2
    waitlist_general = 3
    waitlist_in_service = 1

    @factory.post_generation
    def with_stages(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        SelectionStage.objects.create(program=self, order=1, kind="document_review", weight=Decimal("0.5"))
        SelectionStage.objects.create(program=self, order=2, kind="interview", weight=Decimal("0.5"))
        DocumentRequirement.objects.create(
            program=self, order=1, code="photo", name_zh="照片", name_en="Photo", file_kind="photo"
        )
        DocumentRequirement.objects.create(program=self, order=2, code="cv", name_zh="學經歷表", name_en="CV")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.LazyAttribute(lambda o: ProfileFactory().user)
    program = factory.SubFactory(ProgramFactory)
    identity = "general"
    applied_at = factory.LazyFunction(clock.now)


def assign(user, program):
    return ProgramAssignment.objects.create(user=user, program=program)


# --- recommendations ---------------------------------------------------------------------------------


class RecommendationRequestFactory(factory.django.DjangoModelFactory):
    """A recommender already invited (no notice, no email: use recommendation_token() for a link)."""

    class Meta:
        model = "recommendations.RecommendationRequest"

    application = factory.SubFactory(ApplicationFactory)
    name = "陳大文"
    organisation = "國立彰化師範大學電機系"
    title = "教授"
    relationship = "專題指導教授"
    email = factory.Sequence(lambda n: f"professor{n}@example.edu.tw")
    phone = "04-7232105"
    token_expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=60))


def recommendation_token(request, kind="invitation") -> str:
    """Give the request a notice with a fresh link token (as an email would carry); returns the raw token."""
    import secrets

    from gradadmit.outbox.models import Email
    from gradadmit.recommendations.models import RecommendationNotice
    from gradadmit.recommendations.selectors import hash_token

    raw = secrets.token_urlsafe(32)
    email = Email.objects.create(
        to=request.email, subject="[GradAdmit] invitation", body="link", cause=f"recommendation:{kind}",
        status=Email.Status.SENT, attempts=1, next_attempt_at=clock.now(), sent_at=clock.now(),
        message_id=f"<{raw[:16]}@test.gradadmit.local>",
    )  # fmt: skip
    RecommendationNotice.objects.create(
        request=request, kind=kind, token_hash=hash_token(raw), created_at=clock.now(), email=email
    )
    return raw


# --- Eligibility review and exam administration ---------------------------------------------------


class ReviewDecisionFactory(factory.django.DjangoModelFactory):
    """A decision already recorded (version 1), without the audit entry and notification of the service."""

    class Meta:
        model = "eligibility.ReviewDecision"

    application = factory.SubFactory(ApplicationFactory)
    result = "qualified"
    version = 1
    decided_at = factory.LazyFunction(clock.now)


def upload_required_documents(application):
    """Upload every mandatory item of the application (photo as JPEG, the rest as PDF) through the service."""
    from gradadmit.accounts.models import ApplicantProfile
    from gradadmit.documents.selectors import applicable_requirements
    from gradadmit.documents.services import upload_document
    from gradadmit.testing.files import pdf_bytes, photo_bytes, upload

    profile = ApplicantProfile.objects.filter(user=application.applicant).first()
    documents = []
    for requirement in applicable_requirements(application, profile):
        if not requirement.mandatory:
            continue
        if requirement.file_kind == requirement.FileKind.PHOTO:
            content, name = photo_bytes(), "photo.jpg"
        else:
            content, name = pdf_bytes(), f"{requirement.code}.pdf"
        documents.append(
            upload_document(
                applicant=application.applicant,
                application=application,
                requirement=requirement,
                upload=upload(name, content),
            )
        )
    return documents


# --- fees --------------------------------------------------------------------------------------------------


class FeeItemFactory(factory.django.DjangoModelFactory):
    """An extra payable item (an interview fee); the application fee comes from fees.services.application_fee_item."""

    class Meta:
        model = "fees.FeeItem"

    cycle = factory.SubFactory(CycleFactory)
    code = factory.Sequence(lambda n: f"interview-{n}")
    kind = "extra"
    name_zh = "口試費"
    name_en = "Interview fee"
    amount = 500


class DiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "fees.Discount"

    item = factory.SubFactory(FeeItemFactory)
    name_zh = "本校應屆畢業生"
    name_en = "Own graduating students"
    price = 600


def application_fee_charge(application=None, **application_kwargs):
    """An application with its application-fee charge and virtual account, as the fee page creates them."""
    from gradadmit.fees.services import ensure_application_charge

    application = application or ApplicationFactory(**application_kwargs)
    return ensure_application_charge(application)


# --- scoring -----------------------------------------------------------------------------------------


class StageScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.StageScore"

    application = factory.SubFactory(ApplicationFactory)
    stage = factory.LazyAttribute(lambda o: o.application.program.stages.order_by("order").first())
    score = Decimal("80.00")
    source = "staff"


class ReviewerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scoring.ReviewerAssignment"

    program = factory.SubFactory(ProgramFactory)
    reviewer = factory.SubFactory(DepartmentStaffFactory)


# --- enrolment (check-in, waitlist) ------------------------------------------------------------------


class SeatPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.SeatPool"
        django_get_or_create = ("program", "identity")

    program = factory.SubFactory(ProgramFactory)
    identity = "general"
    places = 1
    held = 0


class AdmissionFactory(factory.django.DjangoModelFactory):
    """An offered admission holding a place (the programme's seat pool grows to hold it)."""

    class Meta:
        model = "enrolment.Admission"
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    program = factory.LazyAttribute(lambda o: o.application.program)
    applicant = factory.LazyAttribute(lambda o: o.application.applicant)
    seat_identity = factory.LazyAttribute(lambda o: o.application.identity)
    source = "result"
    deadline = factory.LazyFunction(lambda: clock.now() + timedelta(days=5))

    @factory.post_generation
    def hold(self, create, extracted, **kwargs):
        if not create or extracted is False or self.status not in ("offered", "checked_in"):
            return
        from django.db.models import F

        pool = SeatPoolFactory(program=self.program, identity=self.seat_identity, places=0)
        type(pool).objects.filter(pk=pool.pk).update(places=F("places") + 1, held=F("held") + 1)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.WaitlistEntry"

    application = factory.SubFactory(ApplicationFactory)
    program = factory.LazyAttribute(lambda o: o.application.program)
    identity = factory.LazyAttribute(lambda o: o.application.identity)
    position = factory.Sequence(lambda n: n + 1)
