"""Forms of the fee pages: waiver request (附件八), statement import, payments by hand, resolving exceptions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gradadmit.fees.models import Payment, StatementLine, WaiverRequest
from gradadmit.fees.statements import FIELDS, bank_formats


class WaiverRequestForm(forms.Form):
    category = forms.ChoiceField(label=_("Household"), choices=WaiverRequest.Category.choices,
                                 widget=forms.RadioSelect)  # fmt: skip
    household_address = forms.CharField(label=_("Household registration address (戶籍地址)"), max_length=200)
    phone_mobile = forms.CharField(label=_("Mobile phone"), max_length=30)
    phone_day = forms.CharField(label=_("Phone (day)"), max_length=30, required=False)
    phone_night = forms.CharField(label=_("Phone (evening)"), max_length=30, required=False)
    proof = forms.FileField(
        label=_("Certificate (PDF, JPEG or PNG, at most 5 MB)"),
        help_text=_(
            "The low-income or middle-low-income household certificate issued by the city or county government or "
            "the district office, and the household register (戶口名簿) copy, in one file. Certificates of "
            "hardship from a village chief are not accepted."
        ),
    )


def bank_format_choices():
    names = {"gradadmit": _("GradAdmit standard (docs/bank-statement.md)"), "ctbc": _("CTBC Bank (中國信託)"),
             "esun": _("E.SUN Bank (玉山銀行)")}  # fmt: skip
    return [(key, names.get(key, key)) for key in bank_formats()]


class StatementImportForm(forms.Form):
    file = forms.FileField(label=_("Statement file (CSV)"))
    bank_format = forms.ChoiceField(label=_("Format"), choices=bank_format_choices)
    mapping = forms.CharField(
        label=_("Column mapping (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For another bank's column names: one field = column name per line. Fields: %(fields)s.")
        % {"fields": ", ".join(FIELDS)},
    )


class ManualPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(Payment.Method.POSTAL_ORDER, Payment.Method.POSTAL_ORDER.label),
                 (Payment.Method.CASH, Payment.Method.CASH.label)],
    )  # fmt: skip
    amount = forms.IntegerField(label=_("Amount (NTD)"), min_value=1, max_value=10_000_000)
    received_at = forms.DateTimeField(label=_("Received"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("Note (money order number, who paid)"), widget=forms.Textarea(attrs={"rows": 2}))


class RefundForm(forms.Form):
    amount = forms.IntegerField(label=_("Refund (NTD)"), min_value=1, max_value=10_000_000)
    note = forms.CharField(label=_("Why and how (e.g. found ineligible; transfer to the applicant's account)"),
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ByHandWaiverForm(forms.Form):
    category = forms.ChoiceField(label=_("Household"), choices=WaiverRequest.Category.choices)
    reason = forms.CharField(label=_("Reason (certificate seen)"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideWaiverForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: documents complete and the household qualifies")),
                 ("reject", _("Refuse: documents missing or the household does not qualify"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason (the applicant reads it)"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveLineForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("assign", _("Assign to a charge")), ("refund", StatementLine.Resolution.REFUND.label),
                 ("accept", StatementLine.Resolution.ACCEPTED.label),
                 ("dismiss", StatementLine.Resolution.DISMISSED.label)],
    )  # fmt: skip
    account = forms.CharField(label=_("Virtual account of the charge (for assign)"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
