"""Forms: the applicant's recommender details, the recommender's own details, decline, and the letter (附件五)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.core.widgets import FastSelect
from gradadmit.recommendations.letterform import ATTRIBUTES, CONTACT_AREAS, FREQUENCIES, OVERALL, TEXT_LIMIT
from gradadmit.recommendations.models import RecommendationRequest

DETAIL_FIELDS = ["name", "organisation", "title", "relationship", "phone"]
MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


class RecommenderForm(forms.ModelForm):
    """Adding a recommender: every detail, and the email (which cannot change afterwards)."""

    class Meta:
        model = RecommendationRequest
        fields = ["name", "organisation", "title", "relationship", "email", "phone"]
        help_texts = {"email": _("The email cannot be changed after adding. Check it carefully.")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RecommenderEditForm(forms.ModelForm):
    """Editing before the recommender starts: everything but the email."""

    class Meta:
        model = RecommendationRequest
        fields = DETAIL_FIELDS


class OwnDetailsForm(forms.ModelForm):
    """The recommender corrects their own details."""

    class Meta:
        model = RecommendationRequest
        fields = DETAIL_FIELDS


class ResendForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the recommender (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional; the applicant sees it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlsoForMixin:
    """'Use this letter also for' other programmes of the same applicant that asked the same recommender."""

    def add_also_field(self, siblings):
        """`siblings`: (request id, programme name) pairs (selectors.sibling_choices)."""
        self.fields["also"] = forms.TypedMultipleChoiceField(
            label=_("Also give this letter to these programmes of the same applicant"),
            choices=[(str(pk), name) for pk, name in siblings],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )


class LetterUploadForm(AlsoForMixin, forms.Form):
    file = forms.FileField(label=_("Letter (PDF, at most 10 MB)"))

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if siblings:
            self.add_also_field(siblings)


def _month_field(label):
    return forms.CharField(
        label=label,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("Year and month, e.g. 2023-09."),
    )


class LetterForm(AlsoForMixin, forms.Form):
    """The brochure's 附件五, field by field."""

    known_since = _month_field(_("Known since"))
    known_until = _month_field(_("Known until"))
    comments = forms.CharField(
        label=_("Other comments on the applicant's potential for graduate study"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    highlights = forms.CharField(
        label=_("In a few words: the applicant's most outstanding qualities"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    overall = forms.ChoiceField(
        label=_("Overall"),
        choices=[(key, label) for key, _zh, label in OVERALL],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        frequency = [("", _("— not applicable —"))] + [(key, label) for key, _zh, label in FREQUENCIES]
        for key, _zh, label in CONTACT_AREAS:
            self.fields[f"contact_{key}"] = forms.ChoiceField(
                label=_("How often in contact: %(area)s") % {"area": label},
                choices=frequency,
                required=False,
                widget=FastSelect,
            )
        scale = [("", _("Cannot judge"))] + [(str(n), str(n)) for n in range(1, 11)]
        for key, _zh, _zh_hint, label, hint in ATTRIBUTES:
            self.fields[f"rating_{key}"] = forms.ChoiceField(
                label=f"{label}: {hint}", choices=scale, required=False, widget=FastSelect
            )
        if siblings:
            self.add_also_field(siblings)

    def contact_fields(self):
        return [self[f"contact_{key}"] for key, *_rest in CONTACT_AREAS]

    def rating_fields(self):
        return [self[f"rating_{key}"] for key, *_rest in ATTRIBUTES]

    def clean(self):
        data = super().clean()
        for name in ("known_since", "known_until"):
            if data.get(name) and not MONTH.match(data[name]):
                self.add_error(name, _("Give the year and month as YYYY-MM, e.g. 2023-09."))
        since, until = data.get("known_since"), data.get("known_until")
        if since and until and MONTH.match(since) and MONTH.match(until) and since > until:
            self.add_error("known_until", _("The end of the period cannot be before its start."))
        if not any(data.get(f"contact_{key}") for key, *_rest in CONTACT_AREAS):
            raise forms.ValidationError(_("Tell how often you were in contact in at least one area."))
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        return {name: value for name, value in data.items() if name != "also" and value not in (None, "")}
