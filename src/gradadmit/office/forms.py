"""Forms of the office pages: clone a cycle, import programmes, grant an extension."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.cycles.models import Milestone


class CloneCycleForm(forms.Form):
    code = forms.SlugField(label=_("Code of the new cycle"), max_length=60)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    shift_days = forms.IntegerField(
        label=_("Move every date by (days)"), initial=364, help_text=_("364 keeps the weekdays of last year.")
    )


class ImportProgramsForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The spreadsheet is larger than 2 MB."))
        return upload


class ExtensionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=Milestone.Kind.choices)
    extended_until = forms.DateTimeField(
        label=_("New deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    applicant_email = forms.EmailField(
        label=_("Applicant's email"), required=False, help_text=_("Leave empty to extend for every applicant.")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
