"""Forms of exam administration: an interview slot, reopening, an accommodation request and its decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.exams.models import AccommodationRequest


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    room = forms.CharField(label=_("Room"), max_length=100)
    capacity = forms.IntegerField(label=_("Applicants in this slot"), min_value=1, max_value=500, initial=10)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen the results?"), widget=forms.Textarea(attrs={"rows": 2}))


class AccommodationForm(forms.ModelForm):
    proof_file = forms.FileField(
        label=_("Copy of the disability certificate, both sides (PDF, JPEG or PNG, at most 5 MB)")
    )

    class Meta:
        model = AccommodationRequest
        fields = [
            "category",
            "severity",
            "certificate_number",
            "description",
            "brings_aids",
            "extra_time",
            "enlarged_paper",
            "early_entry",
            "other_needs",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AccommodationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
    )
    note = forms.CharField(
        label=_("What is granted, or why not"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PostponementForm(forms.Form):
    """附錄四: postpone a step of the calendar for the whole cycle or one programme."""

    program = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("The whole cycle (every programme)")
    )
    kind = forms.ChoiceField(label=_("Step to postpone"))
    new_starts_at = forms.DateTimeField(
        label=_("New date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Taiwan time. Interview slots of that day move by the same amount."),
    )
    also = forms.MultipleChoiceField(
        label=_("Later steps that move with it"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Each moves by the same amount. Steps not ticked keep their dates."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason (the incident)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the announcement and the applicants' message, e.g. a typhoon warning."),
    )  # fmt: skip

    def __init__(self, *args, cycle, programs, kinds, later, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["kind"].choices = kinds
        self.fields["also"].choices = later
