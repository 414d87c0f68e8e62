"""Staff: per-cycle payments and statement imports (office), per-programme overview (their programmes), charges."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access
from gradadmit.applications.models import Application
from gradadmit.core import exports
from gradadmit.core.choices import Identity
from gradadmit.core.errors import DomainError
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.core.uploads import SizeLimitUploadHandler, human_size
from gradadmit.cycles.models import Cycle
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.fees import selectors, services
from gradadmit.fees.forms import (
    ByHandWaiverForm,
    DecideWaiverForm,
    ManualPaymentForm,
    RefundForm,
    ResolveLineForm,
    StatementImportForm,
)
from gradadmit.fees.models import Charge, FeeItem, StatementLine, VirtualAccount
from gradadmit.fees.statements import StatementRejected
from gradadmit.fees.virtual_accounts import normalize
from gradadmit.office.permissions import staff_required

MANAGE = "fees.manage_payments"
LINES_PER_PAGE = 100


# --- Per cycle: counts, imports, exceptions, waivers ------------------------------------------------------


def _cycle_page(request, cycle, form=None, status=200):
    context = {"cycle": cycle, "form": form or StatementImportForm(), **selectors.cycle_payments(cycle)}
    context["limit"] = human_size(services.statement_max_bytes())
    return render(request, "fees/office_cycle.html", context, status=status)


@staff_required(MANAGE)
def cycle_payments(request, pk):
    cycle = get_object_or_404(Cycle, pk=pk)
    return _cycle_page(request, cycle)


@staff_required(MANAGE)
@csrf_exempt  # CSRF is checked in _import, after the size-limiting handler is installed
@require_POST
def import_statement(request, pk):
    cycle = get_object_or_404(Cycle, pk=pk)
    handler = SizeLimitUploadHandler(request, services.statement_max_bytes() + 1)
    request.upload_handlers.insert(0, handler)
    return _import(request, cycle, handler)


@csrf_protect
def _import(request, cycle, handler):
    form = StatementImportForm(request.POST, request.FILES)
    if handler.exceeded:
        form.add_error("file", _("The file is larger than %(limit)s. Split it into several files.")
                       % {"limit": human_size(services.statement_max_bytes())})  # fmt: skip
    if form.is_valid():
        try:
            statement = services.start_statement_import(
                actor=request.user, cycle=cycle, upload=form.cleaned_data["file"],
                bank_format=form.cleaned_data["bank_format"], mapping_text=form.cleaned_data["mapping"],
            )  # fmt: skip
        except StatementRejected as error:
            form.add_error("file", str(error))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if statement.status == statement.Status.DONE:
                messages.success(request, _("The statement was imported. Check the exceptions below."))
            elif statement.status == statement.Status.FAILED:
                messages.error(request, _("The import failed: %(error)s") % {"error": statement.error})
            else:
                messages.info(request, _("The statement is large: it is being imported; this page shows the result."))
            return redirect("fees:statement", pk=statement.pk)
    return _cycle_page(request, cycle, form, status=400)


# A statement's lines: the exceptions first (open ones on top), any outcome or all of them on request.
LINE_FILTERS = [
    Filter(
        "show",
        gettext_lazy("Lines shown"),
        "outcome",
        lambda: [("exceptions", _("Exceptions")), *StatementLine.Outcome.choices, ("all", _("All lines"))],
        conditions={"exceptions": Q(outcome__in=selectors.EXCEPTION_OUTCOMES), "all": Q()},
        default="exceptions",
    ),
]
LINE_SORTS = [
    Sort("open", gettext_lazy("Resolution"), ("resolution", "line_number")),
    Sort("line", gettext_lazy("Line"), "line_number"),
    Sort("date", gettext_lazy("Value date"), ("value_at", "line_number")),
    Sort("account", gettext_lazy("Account"), ("account", "line_number")),
    Sort("amount", gettext_lazy("Amount"), ("amount", "line_number")),
    Sort("outcome", gettext_lazy("Outcome"), ("outcome", "line_number")),
]
LINE_COLUMNS = [
    exports.Column(gettext_lazy("Line"), "line_number", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Value date"), "value_at", kind=exports.DATETIME),
    exports.Column(gettext_lazy("Account"), "account", kind=exports.ID),
    exports.Column(gettext_lazy("Amount"), "amount", kind=exports.NUMBER),
    exports.Column(gettext_lazy("Bank serial"), "bank_serial", kind=exports.ID),
    exports.Column(gettext_lazy("Programme"), "charge.application.program.code"),
    exports.Column(gettext_lazy("Application number"), "charge.application_id", kind=exports.ID),
    exports.Column(gettext_lazy("Outcome"), lambda line: line.get_outcome_display()),
    exports.Column(gettext_lazy("Reason"), "reason"),
    exports.Column(gettext_lazy("Resolution"), lambda line: line.get_resolution_display()),
    exports.Column(gettext_lazy("Note"), "resolution_note"),
    exports.Column(gettext_lazy("Resolved by"), "resolved_by.email"),
    exports.Column(gettext_lazy("Resolved at"), "resolved_at", kind=exports.DATETIME),
]


def _line_listing(request):
    return Listing(request, filters=LINE_FILTERS, sorts=LINE_SORTS, default_sort="open", per_page=LINES_PER_PAGE)


@staff_required(MANAGE)
def statement(request, pk):
    statement = selectors.statement_for_office(pk)
    listing = _line_listing(request)
    page = listing.page(listing.apply(selectors.statement_lines(statement)))
    return render(request, "fees/office_statement.html", {
        "statement": statement, "page": page, "listing": listing, "resolve_form": ResolveLineForm(),
    })  # fmt: skip


@staff_required(MANAGE)
def statement_xlsx(request, pk):
    statement = selectors.statement_for_office(pk)
    lines = _line_listing(request).apply(selectors.statement_lines(statement))
    filename = exports.export_filename(f"statement-{statement.pk}", statement.cycle)
    return exports.xlsx_response(columns=LINE_COLUMNS, rows=lines.iterator(chunk_size=2000), filename=filename)


@staff_required(MANAGE)
@require_POST
def resolve_line(request, pk):
    line = get_object_or_404(StatementLine.objects.select_related("statement"), pk=pk)
    form = ResolveLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Line %(n)d: choose an action and add a note.") % {"n": line.line_number})
        return redirect("fees:statement", pk=line.statement_id)
    charge = None
    account = normalize(form.cleaned_data["account"])
    if form.cleaned_data["action"] == "assign" and account:
        found = VirtualAccount.objects.filter(number=account).select_related("charge").first()
        if found is None:
            messages.error(request, _("No charge has the virtual account %(account)s.") % {"account": account})
            return redirect("fees:statement", pk=line.statement_id)
        charge = found.charge
    try:
        services.resolve_line(actor=request.user, line=line, action=form.cleaned_data["action"],
                              note=form.cleaned_data["note"], charge=charge)  # fmt: skip
    except DomainError as error:
        messages.error(request, _("Line %(n)d: %(error)s") % {"n": line.line_number, "error": error})
    else:
        messages.success(request, _("Line %(n)d was resolved.") % {"n": line.line_number})
    return redirect("fees:statement", pk=line.statement_id)


# --- Per programme: overview, xlsx, extra charges -------------------------------------------------------------


FEE_FILTERS = [
    Filter("identity", gettext_lazy("Identity"), "identity", Identity.choices),
    Filter("status", gettext_lazy("Status"), "status", Application.Status.choices),
]
FEE_SORTS = [
    Sort("number", gettext_lazy("#"), "pk"),
    Sort("name", gettext_lazy("Name"), ("applicant__profile__name_zh", "pk")),
    Sort("status", gettext_lazy("Status"), ("status", "applied_at", "pk")),
]


def _program_overview(request, pk):
    """The programme, its applications with charges as the URL filters and sorts them, totals, the listing."""
    program = program_for_staff(request.user, pk)
    applications, totals, exceptions = selectors.program_overview(request.user, program)
    listing = Listing(request, filters=FEE_FILTERS, sorts=FEE_SORTS, default_sort="status")
    return program, listing, listing.apply(applications), totals, exceptions


@staff_required()
def program_fees(request, pk):
    program, listing, applications, totals, exceptions = _program_overview(request, pk)
    page = listing.page(applications)
    extra_items = list(FeeItem.objects.filter(cycle_id=program.cycle_id, kind=FeeItem.Kind.EXTRA))
    return render(request, "fees/office_program.html", {
        "program": program, "applications": page.object_list, "page": page, "listing": listing, "totals": totals,
        "exceptions": exceptions, "statuses": Charge.Status.choices, "extra_items": extra_items,
        "can_manage": request.user.has_perm(MANAGE),
    })  # fmt: skip


FEE_COLUMNS = [
    exports.Column(gettext_lazy("Application number"), lambda row: row[0].pk, kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), lambda row: getattr(getattr(row[0].applicant, "profile", None), "name_zh", "")),
    exports.Column(gettext_lazy("Fee"), lambda row: row[1].item.code),
    exports.Column(gettext_lazy("Virtual account"),
                   lambda row: row[1].current_accounts[0].number if row[1].current_accounts else "", kind=exports.ID),
    exports.Column(gettext_lazy("Amount due"), lambda row: row[1].amount_due, kind=exports.MONEY),
    exports.Column(gettext_lazy("Received"), lambda row: row[1].amount_received, kind=exports.MONEY),
    exports.Column(gettext_lazy("Refunded"), lambda row: row[1].amount_refunded, kind=exports.MONEY),
    exports.Column(gettext_lazy("Status"), lambda row: row[1].get_status_display()),
    exports.Column(gettext_lazy("Due"), lambda row: row[1].due_at, kind=exports.DATETIME),
]  # fmt: skip


@staff_required()
def program_fees_xlsx(request, pk):
    program, _listing, applications, _totals, _exceptions = _program_overview(request, pk)
    rows = ((application, charge) for application in applications for charge in application.fee_charges)
    return exports.xlsx_response(columns=FEE_COLUMNS, rows=rows, filename=exports.export_filename("fees", program))


@staff_required(MANAGE)
@require_POST
def charge_extra(request, pk):
    program = program_for_staff(request.user, pk)
    item = get_object_or_404(FeeItem, pk=request.POST.get("item"), cycle_id=program.cycle_id, kind=FeeItem.Kind.EXTRA)
    ids = [int(value) for value in request.POST.getlist("application") if value.isdigit()]
    applications = list(program.applications.filter(pk__in=ids).select_related("program__cycle", "applicant"))
    created = 0
    for application in applications:
        try:
            services.create_charge(application=application, item=item, actor=request.user)
            created += 1
        except DomainError as error:
            messages.error(request, f"#{application.pk}: {error}")
    messages.success(request, _("%(item)s charged to %(n)d applications.") % {"item": item.name, "n": created})
    return redirect("fees:program", pk=program.pk)


# --- One charge: history and changes by hand ---------------------------------------------------------------


class DiscountForm(forms.Form):
    discount = forms.ModelChoiceField(label=_("Discount"), queryset=None, required=False,
                                      empty_label=_("No discount"))  # fmt: skip
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount"].queryset = item.discounts.all()


def _charge_page(request, charge, forms_=None, status=200):
    payments, waivers, accounts = selectors.charge_history(charge)
    context = {
        "charge": charge, "application": charge.application, "payments": payments, "waivers": waivers,
        "accounts": accounts, "can_manage": request.user.has_perm(MANAGE),
        "payment_form": ManualPaymentForm(prefix="pay"), "refund_form": RefundForm(prefix="refund"),
        "waiver_form": ByHandWaiverForm(prefix="waive"),
        "discount_form": DiscountForm(prefix="discount", item=charge.item, initial={"discount": charge.discount_id}),
        **(forms_ or {}),
    }  # fmt: skip
    return render(request, "fees/office_charge.html", context, status=status)


@staff_required()
def charge_detail(request, pk):
    return _charge_page(request, selectors.charge_for_staff(request.user, pk))


@staff_required(MANAGE)
@require_POST
def charge_change(request, pk, what):
    charge = selectors.charge_for_staff(request.user, pk)
    if what == "payment":
        form = ManualPaymentForm(request.POST, prefix="pay")
        key, call = "payment_form", lambda d: services.record_payment(
            actor=request.user, charge=charge, amount=d["amount"], method=d["method"], received_at=d["received_at"],
            note=d["note"])  # fmt: skip
        done = _("The payment was recorded.")
    elif what == "refund":
        form = RefundForm(request.POST, prefix="refund")
        key, call = "refund_form", lambda d: services.record_refund(
            actor=request.user, charge=charge, amount=d["amount"], note=d["note"])  # fmt: skip
        done = _("The refund was recorded.")
    elif what == "waiver":
        form = ByHandWaiverForm(request.POST, prefix="waive")
        key, call = "waiver_form", lambda d: services.waive_by_hand(
            actor=request.user, charge=charge, category=d["category"], reason=d["reason"])  # fmt: skip
        done = _("The waiver was recorded; the applicant was told.")
    elif what == "discount":
        form = DiscountForm(request.POST, prefix="discount", item=charge.item)
        key, call = "discount_form", lambda d: services.apply_discount(
            actor=request.user, charge=charge, discount=d["discount"], reason=d["reason"])  # fmt: skip
        done = _("The discount was changed.")
    else:
        raise Http404
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("fees:charge", pk=charge.pk)
    return _charge_page(request, charge, {key: form}, status=400)


# --- Waiver requests ---------------------------------------------------------------------------------------


@staff_required()
def waiver_detail(request, pk):
    waiver = selectors.waiver_for_staff(request.user, pk)
    form = DecideWaiverForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise Http404
        if form.is_valid():
            try:
                services.decide_waiver(actor=request.user, waiver=waiver,
                                       approve=form.cleaned_data["decision"] == "approve",
                                       reason=form.cleaned_data["reason"])  # fmt: skip
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The decision was recorded; the applicant was told."))
                return redirect("fees:waiver", pk=waiver.pk)
    return render(request, "fees/office_waiver.html", {
        "waiver": waiver, "form": form, "can_manage": request.user.has_perm(MANAGE),
    }, status=400 if form.errors else 200)  # fmt: skip


@staff_required()
def waiver_proof(request, pk):
    waiver = selectors.waiver_for_staff(request.user, pk)
    if not waiver.proof:
        raise Http404
    record_access(staff=request.user, applicant_id=waiver.charge.application.applicant_id, kind=AccessKind.PROOF,
                  detail=f"waiver #{waiver.pk}")  # fmt: skip
    response = FileResponse(waiver.proof.open("rb"), content_type=waiver.proof_content_type)
    name = f"waiver-proof-{waiver.pk}.{waiver.proof_extension}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
