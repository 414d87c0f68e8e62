"""Users sign in by email; applicants have basic details; staff have a role and, for departments, programmes."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.signed_in import SignedInQuerySet
from gradadmit.core.choices import EducationStatus, EquivalentArticle
from gradadmit.core.fields import EncryptedCharField, SearchHashField, refresh_search_hashes


class UserManager(BaseUserManager.from_queryset(SignedInQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, staff_role=User.StaffRole.OFFICE)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    class StaffRole(models.TextChoices):
        NONE = "", _("Not staff")
        OFFICE = "office", _("Admissions office (招生組)")
        DEPARTMENT = "department", _("Department staff (系所承辦)")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    staff_role = models.CharField(_("staff role"), max_length=20, choices=StaffRole.choices, blank=True, default="")
    require_mfa = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Staff with this set must add an authenticator app before using the office pages."),
    )
    pdpa_consent_at = models.DateTimeField(_("personal-data consent given"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()
    signed_in_user = "pk"  # accounts.signed_in: writes to users draw their tokens

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    @property
    def is_office(self) -> bool:
        return self.is_active and (self.staff_role == self.StaffRole.OFFICE or self.is_superuser)

    @property
    def is_department_staff(self) -> bool:
        return self.is_active and self.staff_role == self.StaffRole.DEPARTMENT

    @property
    def is_portal_staff(self) -> bool:
        return self.is_office or self.is_department_staff


class ApplicantProfile(models.Model):
    """Basic details (基本資料). Contact fields stay editable; the rest lock after the application deadline."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other / prefer not to say")

    class Nationality(models.TextChoices):
        TAIWAN = "tw", _("Republic of China (Taiwan)")
        FOREIGN = "foreign", _("Foreign national")

    CONTACT_FIELDS = ("phone_mobile", "phone_home", "postal_code", "address")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English, as in passport)"), max_length=120)
    nationality = models.CharField(_("nationality"), max_length=10, choices=Nationality.choices, default="tw")
    # Encrypted at rest (core/fields.py); the office searches and the uniqueness holds on the keyed hashes.
    national_id = EncryptedCharField(_("national ID number"), max_length=10, blank=True)
    passport_number = EncryptedCharField(_("passport number"), max_length=20, blank=True)
    national_id_hash = SearchHashField(source="national_id", db_index=True)
    passport_number_hash = SearchHashField(source="passport_number", db_index=True)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    phone_mobile = models.CharField(_("mobile phone"), max_length=30)
    phone_home = models.CharField(_("home phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.CharField(_("mailing address"), max_length=200)
    school = models.CharField(_("university"), max_length=120)
    department = models.CharField(_("department"), max_length=120)
    education_status = models.CharField(_("education"), max_length=20, choices=EducationStatus.choices)
    equivalent_article = models.PositiveSmallIntegerField(
        _("equivalent qualification: article"), choices=EquivalentArticle.choices, null=True, blank=True
    )
    graduation_year = models.PositiveSmallIntegerField(_("year of graduation (Gregorian)"), null=True, blank=True)
    employer = models.CharField(_("employer (in-service)"), max_length=120, blank=True)
    job_title = models.CharField(_("job title (in-service)"), max_length=120, blank=True)
    service_years = models.PositiveSmallIntegerField(
        _("years of continuous service"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignedInQuerySet.as_manager()
    signed_in_user = "user_id"  # accounts.signed_in: the signed-in user's query reads the profile

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_hash"],
                condition=~Q(national_id_hash=""),
                name="profile_unique_national_id_hash",
                violation_error_message=_("This national ID number is already registered to another account."),
            ),
            models.CheckConstraint(
                condition=Q(education_status="equivalent", equivalent_article__isnull=False)
                | (~Q(education_status="equivalent") & Q(equivalent_article__isnull=True)),
                name="profile_article_iff_equivalent",
            ),
        ]
        verbose_name = _("applicant basic details")
        verbose_name_plural = _("applicant basic details")

    def __str__(self):
        return f"profile #{self.pk}"

    def clean(self):
        refresh_search_hashes(self)  # so full_clean checks the uniqueness of the number being saved

    @property
    def is_in_service_eligible(self) -> bool:
        return bool(self.employer) and (self.service_years or 0) >= 1

    @property
    def identity_document(self) -> str:
        return self.national_id or self.passport_number
