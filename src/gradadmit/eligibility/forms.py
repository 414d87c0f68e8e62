"""Forms of the review: one decision, a bulk decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.cycles.models import DocumentRequirement
from gradadmit.eligibility.models import ReviewDecision

Result = ReviewDecision.Result


class RequirementChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Result.choices if value != Result.PENDING],
    )
    reason = forms.ChoiceField(
        label=_("Reason (when not qualified)"),
        required=False,
        choices=[("", "—"), *ReviewDecision.Reason.choices],
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a supplement: say what to upload. Shown to the applicant and emailed."),
    )
    supplement_until = forms.DateTimeField(
        label=_("Supplement deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Taiwan time. Until then the applicant may upload the chosen items again."),
    )
    supplement_items = RequirementChoiceField(
        label=_("Items the applicant may upload again"),
        required=False,
        queryset=DocumentRequirement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    by_committee = forms.BooleanField(label=_("This is the committee's decision (Article 7)"), required=False)
    committee_reference = forms.CharField(label=_("Committee meeting reference"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplement_items"].queryset = DocumentRequirement.objects.filter(
            pk__in=[r.pk for r in requirements]
        ).order_by("order")


class BulkDecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Decision for the selected applications"),
        choices=[(Result.QUALIFIED, Result.QUALIFIED.label), (Result.NOT_QUALIFIED, Result.NOT_QUALIFIED.label)],
    )
    reason = forms.ChoiceField(
        label=_("Reason (when not qualified)"), required=False, choices=[("", "—"), *ReviewDecision.Reason.choices]
    )
    message = forms.CharField(label=_("Message to the applicants"), required=False, max_length=2000)


def parse_selection(values) -> list[tuple[int, int]]:
    """Checkbox values "application id:version" -> [(id, version)], ignoring anything malformed."""
    selection = []
    for value in values:
        pk, _sep, version = str(value).partition(":")
        if pk.isdigit() and version.isdigit():
            selection.append((int(pk), int(version)))
    return selection
