"""The applicant's document items: list, upload (plain form or XHR with progress), own files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications.selectors import application_of
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import MB, SizeLimitUploadHandler, human_size
from gradadmit.documents import selectors, services
from gradadmit.documents.files import serve_document
from gradadmit.documents.models import Document
from gradadmit.documents.online_forms import spec_for
from gradadmit.documents.reopened import reopened_items


def _items_context(request, application):
    profile = get_profile(request.user)
    requirements = selectors.applicable_requirements(application, profile)
    current = selectors.current_documents([application]).get(application.id, {})
    window = calendar_for(application.program.cycle, request.user).window("documents", scope_for(profile))
    can_upload = application.is_active and window is not None and window.is_open()
    reopened = reopened_items(application) if application.is_active else set()
    items = [
        {
            "requirement": r,
            "document": current.get(r.pk),
            "can_upload": can_upload or r.pk in reopened,
            "spec": spec_for(r),
        }
        for r in requirements
    ]
    return {"application": application, "items": items, "window": window, "can_upload": can_upload}


@login_required
def items(request, pk):
    application = application_of(request.user, pk)
    return render(request, "documents/items.html", _items_context(request, application))


@login_required
@csrf_exempt  # CSRF is checked in _upload, after the size-limiting handler is installed
@require_POST
def upload(request, pk, requirement_id):
    application = application_of(request.user, pk)
    requirement = selectors.requirement_of(application, requirement_id)
    handler = SizeLimitUploadHandler(request, requirement.max_size_mb * MB + 1)
    request.upload_handlers.insert(0, handler)
    return _upload(request, application, requirement, handler)


@csrf_protect
def _upload(request, application, requirement, handler):
    wants_json = "application/json" in request.headers.get("Accept", "")
    upload = request.FILES.get("file")
    profile = get_profile(request.user)
    error = None
    if handler.exceeded:
        error = _(
            "The file is larger than the limit for this item (%(limit)s). Make it smaller and upload it again."
        ) % {"limit": human_size(requirement.max_size_mb * MB)}
    elif upload is None:
        error = _("Choose a file to upload.")
    elif (spec := spec_for(requirement)) is not None and not spec.needs_signature:
        error = _("This item is filled in online; open its form instead of uploading a file.")
    else:
        try:
            services.upload_document(
                applicant=request.user, application=application, requirement=requirement, upload=upload, profile=profile
            )
        except DomainError as refusal:
            error = str(refusal)
    if wants_json:  # only this item's card, rendered again
        current = Document.objects.filter(application=application, requirement=requirement, is_current=True).first()
        window = calendar_for(application.program.cycle, request.user).window("documents", scope_for(profile))
        can_upload = application.is_active and (
            (window is not None and window.is_open()) or requirement.pk in reopened_items(application)
        )
        context = {
            "application": application,
            "window": window,
            "item": {
                "requirement": requirement,
                "document": current,
                "can_upload": can_upload,
                "spec": spec_for(requirement),
            },
            "error": error,
        }
        context["LANGUAGE_CODE"] = get_language()
        html = render_to_string("documents/item.html", context, request=request, using="jinja2")
        return JsonResponse({"ok": error is None, "error": error or "", "html": html}, status=200 if not error else 400)
    if error:
        messages.error(request, f"{requirement.name}: {error}")
    else:
        messages.success(request, _("%(item)s: uploaded (完成).") % {"item": requirement.name})
    return redirect("documents:items", pk=application.pk)


@login_required
def own_file(request, pk):
    return serve_document(selectors.document_of_applicant(request.user, pk), download=request.GET.get("download"))
