"""Staff pages of mailings: list, write and edit, the mailing's page (preview, approval, progress), progress JSON."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gradadmit.core.errors import DomainError
from gradadmit.mailings import rendering, selectors, services
from gradadmit.mailings.forms import MailingForm, RejectForm
from gradadmit.mailings.models import Mailing
from gradadmit.office.permissions import staff_required


@staff_required()
def mailing_list(request):
    page = selectors.mailing_list(request.user, request.GET.get("page"))
    return render(request, "mailings/list.html", {"page": page, "mailings": page.object_list})


@staff_required()
def mailing_create(request):
    form = MailingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            mailing = services.create_mailing(actor=request.user, **_fields(form))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The mailing was saved as a draft. Check the preview, then submit it for approval."))  # fmt: skip
            return redirect("mailings:detail", mailing.pk)
    return render(request, "mailings/form.html", {"form": form, "mailing": None})


@staff_required()
def mailing_edit(request, pk):
    mailing = selectors.mailing_for_staff(request.user, pk)
    if not mailing.is_editable:
        messages.error(request, _("This mailing is being sent or was sent or cancelled: it cannot change any more."))
        return redirect("mailings:detail", mailing.pk)
    form = MailingForm(request.POST or None, user=request.user, initial=MailingForm.initial_from(mailing))
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.update_mailing(actor=request.user, mailing=mailing, **_fields(form))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if edited.needs_approval_again:
                messages.warning(request, _("The changes were saved. The mailing is a draft again: submit it for approval again."))  # fmt: skip
            else:
                messages.success(request, _("The changes were saved."))
            return redirect("mailings:detail", mailing.pk)
    return render(request, "mailings/form.html", {"form": form, "mailing": mailing})


def _fields(form) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.FIELDS}


@staff_required()
def mailing_detail(request, pk):
    mailing = selectors.mailing_for_staff(request.user, pk)
    context = {
        "mailing": mailing,
        "may_decide": request.user.is_office
        and request.user.pk not in (mailing.created_by_id, mailing.submitted_by_id),
        "reject_form": RejectForm(),
    }
    if mailing.status in (Mailing.Status.DRAFT, Mailing.Status.SUBMITTED, Mailing.Status.REJECTED):
        applications, total = selectors.preview_applications(request.user, mailing)
        texts = rendering.Texts.of(mailing)
        link = rendering.portal_link()
        context["previews"] = [(a, rendering.render(mailing, a, texts, link=link)) for a in applications]
        context["matching"] = total
    if mailing.recipients_frozen:
        counts = selectors.progress(mailing)
        page, rows = selectors.recipients_page(mailing, request.GET.get("page"), total=counts["recipients"])
        context.update(counts=counts, page=page, rows=rows)
    context["may_cancel"] = services.may_cancel(request.user, mailing) and services.is_cancellable(
        mailing, emails_waiting=bool(context.get("counts", {}).get("queued"))
    )
    return render(request, "mailings/detail.html", context)


@staff_required()
def mailing_progress(request, pk):
    """The progress counts as JSON, polled by static/js/mailing-progress.js."""
    mailing = selectors.mailing_for_staff(request.user, pk)
    counts = selectors.progress(mailing)
    return JsonResponse({"status": mailing.status, "status_label": mailing.get_status_display(), **counts})


def _transition(request, pk, operation, success, *, mailing=None):
    mailing = mailing or selectors.mailing_for_staff(request.user, pk)
    try:
        result = operation(mailing)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(result))
    return redirect("mailings:detail", mailing.pk)


@require_POST
@staff_required()
def mailing_submit(request, pk):
    return _transition(
        request, pk,
        lambda mailing: services.submit_mailing(actor=request.user, mailing=mailing),
        lambda count: ngettext(
            "Submitted for approval: %(count)d recipient. A second member of the admissions office approves it.",
            "Submitted for approval: %(count)d recipients. A second member of the admissions office approves it.",
            count,
        ) % {"count": count},
    )  # fmt: skip


@require_POST
@staff_required()
def mailing_approve(request, pk):
    return _transition(
        request, pk,
        lambda mailing: services.approve_mailing(actor=request.user, mailing=mailing),
        lambda _mailing: _("Approved. The worker is sending it now; this page shows its progress."),
    )  # fmt: skip


@require_POST
@staff_required()
def mailing_reject(request, pk):
    mailing = selectors.mailing_for_staff(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason: the author reads it to correct the mailing."))
        return redirect("mailings:detail", mailing.pk)
    return _transition(
        request, pk,
        lambda mailing: services.reject_mailing(actor=request.user, mailing=mailing,
                                                reason=form.cleaned_data["reason"]),
        lambda _mailing: _("Rejected. The author sees your reason and may edit and submit it again."),
        mailing=mailing,
    )  # fmt: skip


@require_POST
@staff_required()
def mailing_cancel(request, pk):
    return _transition(
        request, pk,
        lambda mailing: services.cancel_mailing(actor=request.user, mailing=mailing),
        lambda count: ngettext(
            "Cancelled. %(count)d email not yet sent was stopped.",
            "Cancelled. %(count)d emails not yet sent were stopped.",
            count,
        ) % {"count": count},
    )  # fmt: skip
