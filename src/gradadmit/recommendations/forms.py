"""Forms: the applicant's recommender details, the recommender's own details, decline, and the letter (附件五)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.recommendations import letterform
from gradadmit.recommendations.letterform import ATTRIBUTES, CONTACT_AREAS
from gradadmit.recommendations.models import RecommendationRequest

DETAIL_FIELDS = ["name", "organisation", "title", "relationship", "phone"]


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


class LetterForm(AlsoForMixin, letterform.SPEC.form_class()):
    """The brochure's 附件五, field by field, from its declaration (recommendations.letterform.SPEC)."""

    def __init__(self, *args, siblings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if siblings:
            self.add_also_field(siblings)

    def contact_fields(self):
        return [self[f"contact_{key}"] for key, *_rest in CONTACT_AREAS]

    def rating_fields(self):
        return [self[f"rating_{key}"] for key, *_rest in ATTRIBUTES]

    def clean(self):
        data = super().clean()
        since, until = data.get("known_since"), data.get("known_until")
        if since and until and since > until:
            self.add_error("known_until", _("The end of the period cannot be before its start."))
        if not any(data.get(f"contact_{key}") for key, *_rest in CONTACT_AREAS):
            raise forms.ValidationError(_("Tell how often you were in contact in at least one area."))
        return data

    def answers(self) -> dict:
        return letterform.SPEC.answers(self.cleaned_data)
