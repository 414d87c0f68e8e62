"""考生專區: the dashboard, applying, changing identity, withdrawing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications import selectors, services
from gradadmit.applications.forms import IdentityForm
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.cycles import selectors as cycle_selectors
from gradadmit.cycles.models import Program


@login_required
def dashboard(request):
    profile = get_profile(request.user)
    items, lock = selectors.dashboard(request.user, profile)
    open_cycles = list(cycle_selectors.cycles_open_to(request.user))
    return render(
        request,
        "applications/dashboard.html",
        {"profile": profile, "items": items, "open_cycles": open_cycles, "lock": lock},
    )


@login_required
def apply(request, program_id):
    program = get_object_or_404(Program.objects.filter(cycle__is_published=True).select_related("cycle"), pk=program_id)
    profile = get_profile(request.user)
    window = calendar_for(program.cycle, request.user).window("application", scope_for(profile))
    form = IdentityForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_program(applicant=request.user, program=program, identity=form.cleaned_data["identity"])
        except DomainError as error:
            messages.error(request, str(error))
            if error.code in ("no_profile", "in_service"):
                return redirect("accounts:profile")
        else:
            messages.success(request, _("Your application to %(program)s was received.") % {"program": program.name})
            return redirect("applications:dashboard")
    return render(
        request, "applications/apply.html", {"program": program, "form": form, "window": window, "profile": profile}
    )


@login_required
def application_detail(request, pk):
    application = selectors.application_with_checklist_of(request.user, pk)
    profile = get_profile(request.user)
    item = next(i for i in selectors.dashboard_for([application], request.user, profile))
    return render(
        request,
        "applications/application_detail.html",
        {
            "item": item,
            "application": application,
            "identity_form": IdentityForm(initial={"identity": application.identity}, program=application.program),
        },
    )


@login_required
@require_POST
def change_identity(request, pk):
    application = selectors.application_of(request.user, pk)
    form = IdentityForm(request.POST, program=application.program)
    if form.is_valid():
        try:
            services.change_identity(
                applicant=request.user, application=application, identity=form.cleaned_data["identity"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your identity was changed."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def withdraw(request, pk):
    application = selectors.application_of(request.user, pk)
    try:
        services.withdraw_application(applicant=request.user, application=application)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", pk=application.pk)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("applications:dashboard")
