"""Forms of the mailing pages: who receives it and what it says (checked by services.check_mailing), a rejection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.core.choices import Identity
from gradadmit.core.i18n import pick
from gradadmit.cycles.selectors import cycles_for_staff, programs_for_staff
from gradadmit.mailings import placeholders, selectors, services

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
PLACEHOLDER_HELP = _("Placeholders: {name}, {program}, {exam_number}, {deadline}, {link}.")


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {pick(obj.name_zh, obj.name_en)}"


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return pick(obj.name_zh, obj.name_en)


class MailingForm(forms.Form):
    cycle = CycleChoiceField(label=_("Cycle"), queryset=None)
    program = ProgramChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("Every programme of the cycle")
    )
    identity = forms.ChoiceField(
        label=_("Identity"), required=False, choices=[("", _("General and in-service")), *Identity.choices]
    )
    unpaid = forms.BooleanField(label=_("Fee not paid"), required=False)
    documents_incomplete = forms.BooleanField(label=_("Documents incomplete"), required=False)
    letters_missing = forms.BooleanField(label=_("Recommendation letters missing"), required=False)
    qualified = forms.BooleanField(label=_("Qualified in the eligibility review"), required=False)
    invited = forms.BooleanField(label=_("Invited to the interview"), required=False)
    admitted = forms.BooleanField(label=_("Admitted (正取)"), required=False)
    waitlisted = forms.BooleanField(label=_("Waitlisted (備取), waiting"), required=False)
    application_numbers = forms.CharField(
        label=_("Application numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "numeric"}),
        help_text=_(
            "Optional: paste the numbers (#) shown in the office lists, separated by spaces, commas or lines. "
            "Only these applications then receive it, if they also match the choices above."
        ),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Taiwan time. Needed when the text uses {deadline}; shown as 113年12月18日 下午5:00 in Chinese."),
    )
    subject_zh = forms.CharField(
        label=_("Subject (Chinese)"), max_length=200, widget=forms.TextInput(attrs={"lang": "zh-Hant"})
    )
    body_zh = forms.CharField(
        label=_("Text (Chinese)"),
        widget=forms.Textarea(attrs={"rows": 10, "lang": "zh-Hant"}),
        help_text=PLACEHOLDER_HELP,
    )
    subject_en = forms.CharField(
        label=_("Subject (English)"), max_length=200, widget=forms.TextInput(attrs={"lang": "en"})
    )
    body_en = forms.CharField(
        label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}), help_text=PLACEHOLDER_HELP
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["cycle"].queryset = cycles_for_staff(user).order_by("-academic_year", "code")
        self.fields["program"].queryset = programs_for_staff(user).order_by("-cycle__academic_year", "code")
        if not user.is_office:
            # Department staff write to their programmes' applicants only; a cycle-wide mailing is the office's.
            self.fields["program"].required = True
            self.fields["program"].empty_label = None
            self.fields["program"].help_text = _("The programmes assigned to you.")

    @classmethod
    def initial_from(cls, mailing) -> dict:
        initial = {name: getattr(mailing, name) for name in services.FIELDS}
        initial["application_numbers"] = " ".join(str(n) for n in mailing.application_numbers)
        return initial

    def clean_application_numbers(self):
        numbers, bad = selectors.split_numbers(self.cleaned_data["application_numbers"])
        if bad:
            raise forms.ValidationError(
                _("These are not application numbers: %(tokens)s. Paste only the numbers (#) of the office lists.")
                % {"tokens": ", ".join(bad)}
            )
        return numbers

    def _clean_text(self, name):
        text = self.cleaned_data[name]
        try:
            placeholders.parse(text)
        except placeholders.PlaceholderError as error:
            raise forms.ValidationError(error.message) from None
        return text

    def clean_subject_zh(self):
        return self._clean_text("subject_zh")

    def clean_subject_en(self):
        return self._clean_text("subject_en")

    def clean_body_zh(self):
        return self._clean_text("body_zh")

    def clean_body_en(self):
        return self._clean_text("body_en")

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("cycle") is None:
            return cleaned
        fields = {name: cleaned.get(name) for name in services.FIELDS}
        for field, message in services.check_mailing(actor=self.user, fields=fields).items():
            self.add_error(field, message)
        return cleaned


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
