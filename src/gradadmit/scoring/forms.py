"""Forms of the scoring pages: the programme's scoring settings, reviewer assignments, the applicant's appeal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.scoring.models import APPEAL_DAYS_MAX, ScoringSettings
from gradadmit.scoring.selectors import applications_for_assignment, eligible_reviewers
from gradadmit.scoring.services import SETTINGS_FIELDS


class ScoringSettingsForm(forms.ModelForm):
    """Ranges and the one-pass-rule constraint come from the model; `locked` fields are shown but not taken."""

    class Meta:
        model = ScoringSettings
        fields = SETTINGS_FIELDS
        labels = {
            "aggregation": _("Stage score from several reviewers"),
            "pass_minimum": _("Stage 1 passes from this score"),
            "pass_top_n": _("Or: stage 1 passes for the top N"),
        }
        help_texts = {
            "disagreement_threshold": _("Points, from 0 to 100. Flagged applications are shown on the score table."),
            "pass_minimum": _("Fill in a minimum score or the top N, not both. Leave both empty without an interview."),
            "pass_top_n": _("Everyone tied with the N-th applicant passes too."),
            "appeal_days": _("Used when the cycle's calendar has no appeal period (at most 30 days)."),
        }

    def __init__(self, *args, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in locked:
            self.fields[name].disabled = True
        # The browser's hints; the model's validators decide.
        self.fields["disagreement_threshold"].widget.attrs.update(inputmode="decimal", min=0, max=100)
        self.fields["pass_minimum"].widget.attrs.update(inputmode="decimal", min=0, max=100)
        self.fields["pass_top_n"].widget.attrs.update(min=1)
        self.fields["appeal_days"].widget.attrs.update(min=1, max=APPEAL_DAYS_MAX)


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        profile = getattr(obj.applicant, "profile", None)
        return f"#{obj.pk} {profile.name_zh}" if profile else f"#{obj.pk}"


class ReviewerAssignmentForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"),
        queryset=eligible_reviewers(),
        empty_label=_("Choose a staff account"),
        error_messages={"invalid_choice": _("Choose a reviewer from the list: only staff accounts can review.")},
    )
    application = ApplicationChoiceField(
        label=_("Applications to review"),
        queryset=None,
        required=False,
        empty_label=_("Every application of the programme"),
        error_messages={"invalid_choice": _("Choose an application of this programme from the list.")},
    )
    conflict_declared = forms.BooleanField(
        label=_("Conflict of interest declared for this application"), required=False
    )
    conflict_note = forms.CharField(
        label=_("Conflict of interest"),
        max_length=300,
        required=False,
        help_text=_("With a conflict: what it is (for example, the applicant's former supervisor)."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications_for_assignment(program)


class AppealForm(forms.Form):
    facts = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea(attrs={"rows": 6}))
    remedy = forms.CharField(label=_("What you ask for"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=_("Attachment (PDF, at most 10 MB, optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class SchedulePublicationForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Taiwan time. The results are published and the applicants notified at this time."),
    )  # fmt: skip
