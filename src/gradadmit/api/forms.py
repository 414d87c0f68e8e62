"""The token form of the office page: name, owner (oneself, or a service account for the office), scope, expiry."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.api.models import ApiToken, ServiceAccount
from gradadmit.api.services import MAX_DAYS
from gradadmit.cycles.selectors import programs_for_staff

OWNER_SELF = "self"
OWNER_NEW = "new"


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("Where the token is used, e.g. the registrar's nightly sync."))  # fmt: skip
    owner = forms.ChoiceField(label=_("Owner"))
    service_name = forms.CharField(
        label=_("New service account's name"), max_length=100, required=False,
        help_text=_("Only with the owner “a new service account”: the system that will use the token."),
    )  # fmt: skip
    programs = forms.ModelMultipleChoiceField(label=_("Programmes"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    access = forms.ChoiceField(label=_("Access"), choices=ApiToken.Access.choices, initial=ApiToken.Access.READ,
                               widget=forms.RadioSelect)  # fmt: skip
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        programs = programs_for_staff(user).order_by("-cycle__academic_year", "code")
        self.fields["programs"].queryset = programs
        self.fields["programs"].label_from_instance = lambda p: f"{p.cycle.code} · {p.code} {p.name_zh}"
        choices = [(OWNER_SELF, _("Myself"))]
        if user.is_office:
            choices += [(str(a.pk), _("Service account: %(name)s") % {"name": a.name})
                        for a in ServiceAccount.objects.all()]  # fmt: skip
            choices.append((OWNER_NEW, _("A new service account")))
        else:
            self.fields["service_name"].widget = forms.HiddenInput()
        self.fields["owner"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("owner") == OWNER_NEW and not (data.get("service_name") or "").strip():
            self.add_error("service_name", _("Name the new service account."))
        return data

    def service_account(self):
        owner = self.cleaned_data["owner"]
        if owner in (OWNER_SELF, OWNER_NEW):
            return None
        return ServiceAccount.objects.filter(pk=owner).first()
