"""Office: retention of each cycle, the anonymisation's dry run, the run and its report."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.office.permissions import staff_required
from gradadmit.privacy import anonymise, selectors, services
from gradadmit.privacy.forms import AnonymiseForm, RetentionForm
from gradadmit.privacy.retention import retention_for

OFFICE = "office.configure_cycles"


@staff_required(OFFICE)
def cycle_list(request):
    now = clock.now()
    rows = [{"cycle": cycle, "retention": retention_for(cycle, now=now), "run": getattr(cycle, "anonymisation", None)}
            for cycle in selectors.cycles_with_retention()]  # fmt: skip
    return render(request, "privacy/office_cycles.html", {"rows": rows})


def _context(cycle, *, form=None, retention_form=None, dry_run=False):
    run = selectors.anonymisation_of(cycle)
    retention = retention_for(cycle, now=clock.now())
    plan = anonymise.plan(cycle) if dry_run else None
    return {
        "cycle": cycle,
        "retention": retention,
        "retention_form": retention_form or RetentionForm(initial={"retention_days": retention.days}),
        "run": run,
        "not_exported": services.admitted_lists_not_exported(cycle),
        "plan": plan,
        "plan_rows": anonymise.labelled(plan["counts"]) if plan else [],
        "report_rows": anonymise.labelled(run.report.get("counts", {})) if run else [],
        "form": form or AnonymiseForm(),
    }


@staff_required(OFFICE)
def cycle_anonymisation(request, pk):
    cycle = selectors.cycle_for_office(pk)
    if request.GET.get("partial"):
        run = selectors.anonymisation_of(cycle)
        rows = anonymise.labelled(run.report.get("counts", {})) if run else []
        return render(request, "privacy/_anonymisation_status.html", {"run": run, "report_rows": rows})
    return render(request, "privacy/office_cycle.html", _context(cycle, dry_run=bool(request.GET.get("dry_run"))))


@staff_required(OFFICE)
@require_POST
def run_anonymisation(request, pk):
    cycle = selectors.cycle_for_office(pk)
    form = AnonymiseForm(request.POST)
    if form.is_valid():
        try:
            services.start_anonymisation(
                actor=request.user, cycle=cycle, registrar_confirmed=form.cleaned_data["registrar_confirmed"]
            )
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The anonymisation is running in the background; this page shows its report."))
            return redirect("privacy:office_cycle", pk=cycle.pk)
    return render(request, "privacy/office_cycle.html", _context(cycle, form=form), status=400)


@staff_required(OFFICE)
@require_POST
def set_retention(request, pk):
    cycle = selectors.cycle_for_office(pk)
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            services.set_retention_days(actor=request.user, cycle=cycle, days=form.cleaned_data["retention_days"])
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The retention period was saved."))
            return redirect("privacy:office_cycle", pk=cycle.pk)
    return render(request, "privacy/office_cycle.html", _context(cycle, retention_form=form), status=400)
