"""The applicant's recommenders for one application: list with statuses and notices, add, edit, delete, resend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications.selectors import application_of
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.recommendations import selectors, services
from gradadmit.recommendations.forms import RecommenderEditForm, RecommenderForm, ResendForm


def _page(request, application, *, form=None, status=200):
    profile = get_profile(request.user)
    program = application.program
    window = selectors.letters_window(calendar_for(program.cycle, request.user), scope_for(profile))
    rows = list(selectors.requests_of_application(application))
    asks = program.recommendation_policy != program.RecommendationPolicy.NONE
    can_change = asks and application.is_active and window is not None and window.is_open()
    completed = sum(1 for r in rows if r.status == r.Status.COMPLETED)
    context = {
        "application": application,
        "program": program,
        "asks": asks,
        "window": window,
        "can_change": can_change,
        "rows": rows,
        "completed": completed,
        "form": form or RecommenderForm(),
        "resend_form": ResendForm(),
    }
    return render(request, "recommendations/applicant_list.html", context, status=status)


@login_required
def recommenders(request, pk):
    application = application_of(request.user, pk)
    if request.method != "POST":
        return _page(request, application)
    form = RecommenderForm(request.POST)
    if form.is_valid():
        try:
            services.add_recommender(applicant=request.user, application=application, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("%(name)s was added and the invitation is being sent.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("recommendations:list", pk=application.pk)
    return _page(request, application, form=form, status=400)


@login_required
def edit(request, pk, rid):
    application = application_of(request.user, pk)
    recommender = selectors.request_of_applicant(request.user, application, rid)
    form = RecommenderEditForm(request.POST or None, instance=recommender)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_recommender(applicant=request.user, request=recommender, data=form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The recommender's details were saved."))
        return redirect("recommendations:list", pk=application.pk)
    context = {"application": application, "recommender": recommender, "form": form}
    return render(request, "recommendations/applicant_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete(request, pk, rid):
    application = application_of(request.user, pk)
    recommender = selectors.request_of_applicant(request.user, application, rid)
    try:
        services.delete_recommender(applicant=request.user, request=recommender)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s was removed; their link no longer works.") % {"name": recommender.name})
    return redirect("recommendations:list", pk=application.pk)


@login_required
@require_POST
def resend(request, pk, rid):
    application = application_of(request.user, pk)
    recommender = selectors.request_of_applicant(request.user, application, rid)
    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The message is too long (at most 1000 characters)."))
    else:
        try:
            services.resend_invitation(
                applicant=request.user, request=recommender, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The notice to %(name)s is being sent again.") % {"name": recommender.name})
    return redirect("recommendations:list", pk=application.pk)
