"""The office's choice on the programme configuration page: each document item uploaded, or filled online with a
brochure form (documents.online_forms.set_online_form, audited with the staff member)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.documents.brochure_forms import CHOICES


class RequirementForm(forms.ModelForm):
    online_form = forms.ChoiceField(
        label=_("Given as"),
        choices=[("", _("An uploaded file")), *CHOICES],
        required=False,
        help_text=_(
            "A form filled in online becomes a PDF in the brochure's layout. Forms that need a signature (Form 1, "
            "Form 6) are filled in, printed, signed and uploaded."
        ),
    )
    actor = None  # the staff member saving, set by OnlineFormInlineMixin.get_formset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        online = getattr(self.instance, "online_form", None) if self.instance.pk else None
        self.fields["online_form"].initial = online.form if online is not None else ""

    def save(self, commit=True):
        from gradadmit.documents.online_forms import set_online_form

        requirement = super().save(commit=commit)
        if commit:
            set_online_form(actor=self.actor, requirement=requirement, form=self.cleaned_data.get("online_form", ""))
        return requirement


class OnlineFormInlineMixin:
    """For the document items' inline: adds the "Given as" choice and saves it with the item."""

    form = RequirementForm

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("RequirementForm", (self.form,), {"actor": request.user})
        return super().get_formset(request, obj, **kwargs)
