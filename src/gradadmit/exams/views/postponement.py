"""The office postpones a step after a major incident (附錄四): form, preview, apply; the record afterwards."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Milestone
from gradadmit.cycles.selectors import cycles_for_staff, programs_for_staff
from gradadmit.exams import postponement as service
from gradadmit.exams.forms import PostponementForm
from gradadmit.exams.models import Postponement
from gradadmit.office.permissions import staff_required


def _form(request, cycle, data):
    # Steps not over yet: a step already over cannot be postponed, nor move with another.
    now = clock.now()
    kinds = dict.fromkeys(
        Milestone.objects.filter(cycle=cycle, scope=Milestone.Scope.ALL)
        .filter(Q(ends_at__gt=now) | Q(ends_at__isnull=True, starts_at__gt=now))
        .order_by("starts_at")
        .values_list("kind", flat=True)
    )
    choices = [(kind, Milestone.Kind(kind).label) for kind in kinds]
    programs = programs_for_staff(request.user).filter(cycle=cycle).order_by("code")
    return PostponementForm(data, cycle=cycle, programs=programs, kinds=choices, later=choices,
                            initial={"kind": Milestone.Kind.INTERVIEW})  # fmt: skip


@staff_required("office.configure_cycles")
def postpone(request, pk):
    cycle = get_object_or_404(cycles_for_staff(request.user), pk=pk)
    form = _form(request, cycle, request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {"cycle": cycle, "program": data["program"], "kind": data["kind"],
                     "new_starts_at": data["new_starts_at"], "also": data["also"], "reason": data["reason"]}  # fmt: skip
        try:
            if request.POST.get("action") == "apply":
                done = service.apply_postponement(actor=request.user, **arguments)
            else:
                plan = service.plan_postponement(**arguments)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            if plan is None:
                messages.success(request, _("The postponement is applied: applicants are told, the announcement "
                                            "is published and the tickets are being reissued."))  # fmt: skip
                if done.short_notice:
                    messages.warning(request, _("Less than three hours before the step: announce it through every "
                                                "channel as well."))  # fmt: skip
                return redirect("exams:postponement", pk=done.pk)
    history = Postponement.objects.filter(cycle=cycle).select_related("program")
    return render(request, "exams/postponement/form.html", {"cycle": cycle, "form": form, "plan": plan,
                                                            "history": list(history)})  # fmt: skip


@staff_required("office.configure_cycles")
def postponement_detail(request, pk):
    postponement = get_object_or_404(
        Postponement.objects.filter(cycle__in=cycles_for_staff(request.user)).select_related(
            "cycle", "program", "announcement", "applied_by"
        ),
        pk=pk,
    )
    return render(request, "exams/postponement/detail.html",
                  {"postponement": postponement, "changes": list(postponement.changes.all())})  # fmt: skip
