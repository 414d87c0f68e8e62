"""Forms of the staff pages: an announcement (choices scoped to who posts) and an attachment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.announcements import selectors
from gradadmit.core.i18n import pick

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {pick(obj.name_zh, obj.name_en)}"


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return pick(obj.name_zh, obj.name_en)


class AnnouncementForm(forms.Form):
    cycle = CycleChoiceField(label=_("Cycle"), queryset=None)
    program = ProgramChoiceField(
        label=_("Programme"),
        queryset=None,
        required=False,
        empty_label=_("The whole cycle (every programme)"),
    )
    title_zh = forms.CharField(
        label=_("Title (Chinese)"), max_length=200, widget=forms.TextInput(attrs={"lang": "zh-Hant"})
    )
    body_zh = forms.CharField(
        label=_("Text (Chinese)"),
        widget=forms.Textarea(attrs={"rows": 8, "lang": "zh-Hant"}),
        help_text=_("Plain text: line breaks are kept and web addresses become links."),
    )
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
        help_text=_("Shown to English readers; the Chinese title is shown when empty."),
    )
    body_en = forms.CharField(
        label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 8, "lang": "en"}), required=False
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Taiwan time. Leave empty to publish now; a future time keeps it hidden until then."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top of the list"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = selectors.cycles_for_posting(user)
        self.fields["program"].queryset = selectors.programs_for_posting(user)
        if not user.is_office:
            # Department staff post for their programmes only; a cycle-wide announcement is the office's.
            self.fields["program"].required = True
            self.fields["program"].empty_label = None
            self.fields["program"].help_text = _("The programmes assigned to you.")
        else:
            self.fields["program"].help_text = _("Leave as the whole cycle for an announcement to every applicant.")


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("PDF only, at most 20 MB. It is checked and any scripts in it are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
