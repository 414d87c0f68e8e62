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
