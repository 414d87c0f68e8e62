"""The office's form to open a practice copy of a cycle."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.cycles.models import Cycle


class OpenPracticeForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy of"), queryset=Cycle.objects.none())
    code = forms.SlugField(label=_("Code"), max_length=60)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Cycle.objects.real()
