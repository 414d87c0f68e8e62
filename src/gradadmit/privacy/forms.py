"""Forms of privacy: confirming an account deletion, starting an anonymisation."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("I understand that my account and my data cannot be brought back."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class RetentionForm(forms.Form):
    retention_days = forms.IntegerField(label=_("Retention after the cycle ends (days)"), min_value=0, max_value=3650)


class AnonymiseForm(forms.Form):
    registrar_confirmed = forms.BooleanField(
        label=_("The registrar has the admitted applicants' data (confirm only if a list was not exported here)."),
        required=False,
    )
    confirm = forms.BooleanField(label=_("I have read the dry run: anonymise this cycle. This cannot be undone."))
