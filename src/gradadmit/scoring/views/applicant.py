"""The applicant's own result (scores, total, rank where shown, explanation), regrade request and appeal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from gradadmit.applications.selectors import application_of
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import SizeLimitUploadHandler, human_size
from gradadmit.scoring import selectors, services
from gradadmit.scoring.forms import AppealForm
from gradadmit.scoring.models import Appeal, RegradeRequest
from gradadmit.scoring.results import result_for_applicant
from gradadmit.scoring.views import serve_appeal_attachment


@login_required
@csrf_exempt  # CSRF is checked in _result, after the size-limiting handler for the appeal attachment is installed
def result(request, pk):
    application = application_of(request.user, pk)
    handler = None
    if request.method == "POST":
        handler = SizeLimitUploadHandler(request, services.APPEAL_ATTACHMENT_MAX_BYTES + 1)
        request.upload_handlers.insert(0, handler)
    return _result(request, application, handler)


@csrf_protect
def _result(request, application, handler):
    if request.method != "POST":
        return _render_result(request, application, AppealForm())
    if request.POST.get("action") == "appeal":
        return _appeal(request, application, handler)
    if request.POST.get("action") == "regrade":
        try:
            services.request_regrade(
                applicant=request.user, application=application, stage_ids=request.POST.getlist("stage")
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your regrade request was sent."))
    return redirect("scoring:result", pk=application.pk)


def _appeal(request, application, handler):
    """A refused appeal shows the page again with the text as written and the reason at the field."""
    form = AppealForm(request.POST, request.FILES)
    if handler.exceeded:
        form.add_error(
            "attachment",
            _("The file is larger than %(limit)s. Make it smaller and upload it again.")
            % {"limit": human_size(services.APPEAL_ATTACHMENT_MAX_BYTES)},
        )
    if form.is_valid():
        try:
            services.submit_appeal(
                applicant=request.user,
                application=application,
                facts=form.cleaned_data["facts"],
                remedy=form.cleaned_data["remedy"],
                attachment=form.cleaned_data["attachment"],
            )
        except DomainError as error:
            form.add_error("attachment" if error.code == "upload_rejected" else None, str(error))
        else:
            messages.success(request, _("Your appeal was sent."))
            return redirect("scoring:result", pk=application.pk)
    messages.error(request, _("The appeal was not sent. Correct the marked fields; your text is kept."))
    return _render_result(request, application, form, status=400)


def _render_result(request, application, appeal_form, status=200):
    return render(
        request,
        "scoring/result.html",
        {
            "application": application,
            "regrades": list(RegradeRequest.objects.filter(application=application).prefetch_related("items__stage")),
            "appeals": list(Appeal.objects.filter(application=application)),
            "appeal_form": appeal_form,
            **result_for_applicant(application),
        },
        status=status,
    )


@login_required
def appeal_attachment(request, pk):
    return serve_appeal_attachment(request, selectors.appeal_attachment_of_applicant(request.user, pk))
