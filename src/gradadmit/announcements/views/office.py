"""Staff: list, post, edit and delete announcements, add and remove attachments (scoped by programme)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.announcements import selectors, services
from gradadmit.announcements.forms import AnnouncementForm, AttachmentForm
from gradadmit.announcements.views import serve_attachment
from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.office.permissions import staff_required


def _saved_message(request, saved, text):
    messages.success(request, text)
    if saved.published_now:
        messages.info(request, _("The announcement was published now because the time given has passed."))


@staff_required()
def announcement_list(request):
    announcements = list(selectors.announcements_for_staff(request.user))
    return render(request, "announcements/office_list.html", {"announcements": announcements, "now": clock.now()})


@staff_required()
def create(request):
    initial = {}
    if request.method == "GET" and request.GET.get("program"):
        program = selectors.programs_for_posting(request.user).filter(pk=request.GET["program"]).first()
        if program is not None:
            initial = selectors.publication_draft(program=program, about=request.GET.get("about", ""))
    form = AnnouncementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.create_announcement(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            _saved_message(request, saved, _("The announcement was saved. Add PDF attachments here if needed."))
            return redirect("announcements:office_edit", pk=saved.announcement.pk)
    return render(request, "announcements/office_form.html", {"form": form})


@staff_required()
def edit(request, pk):
    announcement = selectors.announcement_for_staff(request.user, pk)
    initial = {
        "cycle": announcement.cycle_id,
        "program": announcement.program_id,
        **{name: getattr(announcement, name) for name in ("title_zh", "title_en", "body_zh", "body_en", "pinned")},
        "publish_at": clock.local(announcement.publish_at).replace(second=0, microsecond=0),
    }
    form = AnnouncementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["publish_at"] == initial["publish_at"]:
            data["publish_at"] = announcement.publish_at  # unchanged (the form drops seconds): keep it exactly
        try:
            saved = services.update_announcement(actor=request.user, announcement=announcement, **data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            _saved_message(request, saved, _("The announcement was saved."))
            return redirect("announcements:office_edit", pk=announcement.pk)
    return render(
        request,
        "announcements/office_form.html",
        {
            "form": form,
            "announcement": announcement,
            "attachments": list(announcement.attachments.all()),
            "attachment_form": AttachmentForm(),
            "now": clock.now(),
        },
    )


@staff_required()
def delete(request, pk):
    announcement = selectors.announcement_for_staff(request.user, pk)
    if request.method == "POST":
        try:
            services.delete_announcement(actor=request.user, announcement=announcement)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("announcements:office_edit", pk=announcement.pk)
        messages.success(request, _("The announcement was deleted."))
        return redirect("announcements:office_list")
    return render(request, "announcements/office_delete.html", {"announcement": announcement})


@staff_required()
@require_POST
def add_attachment(request, pk):
    announcement = selectors.announcement_for_staff(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file to attach."))
    else:
        try:
            attachment = services.add_attachment(
                actor=request.user, announcement=announcement, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if attachment.sanitized:
                messages.warning(request, _("The PDF was attached; scripts and embedded files in it were removed."))
            else:
                messages.success(request, _("The PDF was attached."))
    return redirect("announcements:office_edit", pk=announcement.pk)


@staff_required()
@require_POST
def remove_attachment(request, pk):
    attachment = selectors.attachment_for_staff(request.user, pk)
    try:
        services.remove_attachment(actor=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The attachment was removed."))
    return redirect("announcements:office_edit", pk=attachment.announcement_id)


@staff_required()
def staff_attachment(request, pk):
    """Staff see an attachment before the announcement is published."""
    return serve_attachment(request, selectors.attachment_for_staff(request.user, pk))
