"""Sign-up consent and the basic-details form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.idnumbers import is_valid_taiwan_id
from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.core.crypto import search_hash


class SignupForm(forms.Form):
    """Extra sign-up field for allauth: consent to the personal-data notice (個資法)."""

    field_order = ["email", "password1", "password2", "pdpa_consent"]

    pdpa_consent = forms.BooleanField(
        label=_("I have read the personal data notice and agree that my data is used for this admission."),
        required=True,
        error_messages={"required": _("You must agree to the personal data notice to register.")},
    )

    def signup(self, request, user):
        user.pdpa_consent_at = clock.now()
        user.save(update_fields=["pdpa_consent_at"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = [
            "name_zh",
            "name_en",
            "nationality",
            "national_id",
            "passport_number",
            "birth_date",
            "gender",
            "phone_mobile",
            "phone_home",
            "postal_code",
            "address",
            "school",
            "department",
            "education_status",
            "equivalent_article",
            "graduation_year",
            "employer",
            "job_title",
            "service_years",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone_mobile": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "phone_home": forms.TextInput(attrs={"inputmode": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "name_en": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "national_id": _("Taiwan nationals: 10 characters, e.g. A123456789."),
            "passport_number": _("Foreign nationals only."),
            "equivalent_article": _("Only for equivalent qualification (同等學力)."),
            "service_years": _("In-service applicants need at least one year of continuous service."),
        }

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            for name, field in self.fields.items():
                if name not in ApplicantProfile.CONTACT_FIELDS:
                    field.disabled = True

    def clean_national_id(self):
        return (self.cleaned_data.get("national_id") or "").strip().upper()

    def clean(self):
        data = super().clean()
        if self.locked:
            return data
        nationality = data.get("nationality")
        national_id = data.get("national_id", "")
        if nationality == ApplicantProfile.Nationality.TAIWAN:
            if not national_id:
                self.add_error("national_id", _("Enter your national ID number."))
            elif not is_valid_taiwan_id(national_id):
                self.add_error(
                    "national_id",
                    _("This national ID number is not valid (the check digit does not match). Check it and try again."),
                )
            elif (
                ApplicantProfile.objects.filter(national_id_hash=search_hash(national_id))
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error("national_id", _("This national ID number is already registered to another account."))
            data["passport_number"] = ""
        elif nationality == ApplicantProfile.Nationality.FOREIGN:
            if not data.get("passport_number"):
                self.add_error("passport_number", _("Foreign nationals enter their passport number."))
            data["national_id"] = ""
        status = data.get("education_status")
        if status == "equivalent" and not data.get("equivalent_article"):
            self.add_error("equivalent_article", _("Choose the article of your equivalent qualification."))
        if status and status != "equivalent":
            data["equivalent_article"] = None
        employer, years = data.get("employer"), data.get("service_years")
        if employer and years is None:
            self.add_error("service_years", _("Enter your years of continuous service."))
        birth = data.get("birth_date")
        if birth and birth >= clock.now().date():
            self.add_error("birth_date", _("The date of birth must be in the past."))
        return data
