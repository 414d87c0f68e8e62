"""Configuration-screen validation: a programme's stage weights add up to 100 %."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from gradadmit.core.numbers import percent


class StageWeightsFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or Decimal(0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if weights and sum(weights) != 1:
            raise forms.ValidationError(
                _("The stage weights add up to %(total)s%%; they must add up to 100%%.")
                % {"total": percent(sum(weights))}
            )
