"""Choosing the identity when applying."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.core.choices import Identity


class IdentityForm(forms.Form):
    identity = forms.ChoiceField(label=_("Identity"), choices=Identity.choices, widget=forms.RadioSelect)

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        if program is not None:
            self.fields["identity"].choices = [
                (value, label) for value, label in Identity.choices if program.offers_identity(value)
            ]
