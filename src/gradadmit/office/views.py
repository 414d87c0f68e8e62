"""Office pages: programmes in scope with counts, applicants per programme, cycle tools."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applicant_counts_by_program, applications_for_staff
from gradadmit.core import exports
from gradadmit.core.choices import Identity
from gradadmit.core.errors import DomainError
from gradadmit.core.listing import Filter, Listing, Sort
from gradadmit.cycles import selectors as cycle_selectors
from gradadmit.cycles import services as cycle_services
from gradadmit.cycles.models import Cycle
from gradadmit.office import selectors as office_selectors
from gradadmit.office.forms import CloneCycleForm, ExtensionForm, ImportProgramsForm
from gradadmit.office.permissions import staff_required


@staff_required()
def home(request):
    programs = list(cycle_selectors.programs_for_staff(request.user).order_by("-cycle__academic_year", "code"))
    counts = applicant_counts_by_program(programs)
    rows = [{"program": p, "counts": counts.get(p.id, {"general": 0, "in_service": 0})} for p in programs]
    cycles = list(cycle_selectors.cycles_for_staff(request.user)) if request.user.is_office else []
    return render(request, "office/home.html", {"rows": rows, "cycles": cycles})


APPLICATION_FILTERS = [
    Filter("identity", gettext_lazy("Identity"), "identity", Identity.choices),
    Filter("status", gettext_lazy("Status"), "status", Application.Status.choices),
]
APPLICATION_SORTS = [
    Sort("number", gettext_lazy("#"), "pk"),
    Sort("name", gettext_lazy("Name"), "applicant__profile__name_zh"),
    Sort("identity", gettext_lazy("Identity"), "identity"),
    Sort("status", gettext_lazy("Status"), "status"),
    Sort("applied", gettext_lazy("Applied on"), "applied_at"),
]
APPLICATION_COLUMNS = [
    exports.Column(gettext_lazy("Application number"), "pk", kind=exports.ID),
    exports.Column(gettext_lazy("name (Chinese)"), "applicant.profile.name_zh"),
    exports.Column(gettext_lazy("name (English, as in passport)"), "applicant.profile.name_en"),
    exports.Column(gettext_lazy("email address"), "applicant.email"),
    exports.Column(gettext_lazy("Identity"), lambda a: a.get_identity_display()),
    exports.Column(gettext_lazy("education"), lambda a: _profile_display(a, "get_education_status_display")),
    exports.Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    exports.Column(gettext_lazy("Applied on"), "applied_at", kind=exports.DATETIME),
]


def _profile_display(application, method):
    profile = getattr(application.applicant, "profile", None)
    return getattr(profile, method)() if profile is not None else ""


def _program_applications(request, pk):
    program = cycle_selectors.program_for_staff(request.user, pk)
    listing = Listing(request, filters=APPLICATION_FILTERS, sorts=APPLICATION_SORTS, default_sort="status")
    applications = listing.apply(applications_for_staff(request.user).filter(program=program))
    return program, listing, applications


@staff_required()
def program_applications(request, pk):
    program, listing, applications = _program_applications(request, pk)
    page = listing.page(applications)
    return render(request, "office/program_applications.html",
                  {"program": program, "listing": listing, "page": page, "applications": page.object_list})  # fmt: skip


@staff_required()
def program_applications_xlsx(request, pk):
    program, _listing, applications = _program_applications(request, pk)
    return exports.xlsx_response(columns=APPLICATION_COLUMNS, rows=applications.iterator(chunk_size=2000),
                                 filename=exports.export_filename("applications", program))  # fmt: skip


@staff_required()
def cycle_overview(request, pk):
    cycle = office_selectors.cycle_for_overview(request.user, pk)
    overview = office_selectors.cycle_overview(request.user, cycle)
    # The funnel and the charts' tables are drawn by Jinja2 (office/jinja2/office/), which escapes every value:
    # in Django's template language their some 500 cells cost most of the page's time.
    labels = {
        "identity": _("Identity"),
        "quota": _("Quota"),
        "waitlist": _("Waitlist size"),
        "no_letters": _("No letters asked"),
    }
    chart_tables = [
        {
            "chart": chart,
            "caption": _("%(title)s: the figures") % {"title": chart.title},
            "axis": _("Hour") if chart.key == "uploads" else _("Day"),
        }
        for chart in overview.charts
    ]
    return render(
        request,
        "office/cycle_overview.html",
        {
            "overview": overview,
            "cycle": cycle,
            "funnel_labels": labels,
            "chart_tables": chart_tables,
            "chart_data": {chart.key: chart.as_json() for chart in overview.charts},
        },
    )


@staff_required("office.configure_cycles")
def clone_cycle(request, pk):
    source = get_object_or_404(Cycle, pk=pk)
    form = CloneCycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_services.clone_cycle(actor=request.user, source=source, **form.cleaned_data)
        except DomainError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("The cycle was copied. Check its calendar, then publish it."))
            return redirect("admin:cycles_cycle_change", cycle.pk)
    return render(request, "office/clone_cycle.html", {"source": source, "form": form})


@staff_required("office.configure_cycles")
def import_programs(request, pk):
    cycle = get_object_or_404(Cycle, pk=pk)
    form = ImportProgramsForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = cycle_services.read_rows(filename=upload.name, content=upload.read())
            result = cycle_services.import_programs(actor=request.user, cycle=cycle, rows=rows)
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            if result.ok:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d programme imported.",
                        "%(count)d programmes imported.",
                        result.created + result.updated,
                    )
                    % {"count": result.created + result.updated},
                )
                return redirect("office:home")
    return render(
        request,
        "office/import_programs.html",
        {"cycle": cycle, "form": form, "result": result, "columns": cycle_services.IMPORT_COLUMNS},
    )


@staff_required("office.configure_cycles")
def extensions(request, pk):
    cycle = get_object_or_404(Cycle, pk=pk)
    # The applicant's record links here with ?applicant=<email>: the form opens with it filled in.
    form = ExtensionForm(request.POST or None, initial={"applicant_email": request.GET.get("applicant", "")[:254]})
    if request.method == "POST" and form.is_valid():
        applicant = None
        email = form.cleaned_data["applicant_email"]
        if email:
            applicant = get_user_model().objects.filter(email__iexact=email).first()
            if applicant is None:
                form.add_error("applicant_email", _("No applicant has this email address."))
        if not form.errors:
            try:
                cycle_services.grant_extension(
                    actor=request.user,
                    cycle=cycle,
                    kind=form.cleaned_data["kind"],
                    extended_until=form.cleaned_data["extended_until"],
                    reason=form.cleaned_data["reason"],
                    applicant=applicant,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The extension was granted and recorded."))
                return redirect("office:extensions", pk=cycle.pk)
    granted = cycle.extensions.select_related("applicant", "granted_by")
    return render(request, "office/extensions.html", {"cycle": cycle, "form": form, "extensions": granted})
