"""The applicant fills a document item's brochure form: the page, drafts saved while typing, submit, print to sign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications.selectors import application_of
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.documents import online_forms, selectors
from gradadmit.documents.online_forms import DraftConflict, FormInputError


def _item(request, pk, requirement_id):
    """(application, requirement, spec, profile) of the applicant's own online item; anything else is a 404."""
    application = application_of(request.user, pk)
    requirement = selectors.requirement_of(application, requirement_id)
    spec = online_forms.spec_for(requirement)
    if spec is None:
        raise Http404
    return application, requirement, spec, get_profile(request.user)


def _page(request, application, requirement, spec, profile, *, form=None, draft=None, status=200):
    if draft is None:
        draft = online_forms.draft_of(application, requirement)
    prefill, facts = online_forms.prefill_and_facts(application, profile)
    if form is None:
        form = spec.form_class()(initial=spec.initial(prefill, draft.data if draft else None), auto_id="f_%s")
    window = calendar_for(application.program.cycle, request.user).window("documents", scope_for(profile))
    context = {
        "application": application,
        "requirement": requirement,
        "spec": spec,
        "form": form,
        "draft": draft,
        "version": draft.version if draft else 0,
        "facts": [{"label": fact.en, "value": facts.get(fact.key, "")} for fact in spec.facts],
        "layout": spec.layout(form, facts),
        "window": window,
    }
    return render(request, "documents/form_fill.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def fill(request, pk, requirement_id):
    """GET: the form with the profile's values and the saved draft. POST: submit it (a PDF becomes the document)."""
    application, requirement, spec, profile = _item(request, pk, requirement_id)
    if request.method != "POST":
        return _page(request, application, requirement, spec, profile)
    form = spec.form_class()(request.POST, auto_id="f_%s")
    if not form.is_valid():
        return _page(request, application, requirement, spec, profile, form=form, status=400)
    try:
        if spec.needs_signature:
            pdf = online_forms.print_signature_form(applicant=request.user, application=application,
                                                    requirement=requirement, answers=form.answers(), profile=profile)  # fmt: skip
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{spec.key}.pdf"'
            response["Cache-Control"] = "no-store"
            return response
        online_forms.submit_online_form(applicant=request.user, application=application, requirement=requirement,
                                        answers=form.answers(), profile=profile)  # fmt: skip
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, application, requirement, spec, profile, form=form, status=400)
    messages.success(
        request, _("%(item)s: submitted; the PDF is now this item's document.") % {"item": requirement.name}
    )
    return redirect("documents:items", pk=application.pk)


@login_required
@require_POST
def save_draft(request, pk, requirement_id):
    """Autosave (static/js/form-draft.js): JSON with the new version, or 409 with the newer one, or 400."""
    application, requirement, _spec, profile = _item(request, pk, requirement_id)
    try:
        version = int(request.POST.get("draft_version", ""))
    except ValueError:
        return JsonResponse({"ok": False, "error": _("Reload the page.")}, status=400)
    try:
        draft = online_forms.save_form_draft(applicant=request.user, application=application, requirement=requirement,
                                             data=request.POST, version=version, profile=profile,
                                             force=request.POST.get("force") == "1")  # fmt: skip
    except DraftConflict as conflict:
        return JsonResponse({"ok": False, "conflict": True, "error": str(conflict), "version": conflict.draft.version,
                             "saved_at": conflict.draft.saved_at.isoformat()}, status=409)  # fmt: skip
    except FormInputError as error:
        return JsonResponse({"ok": False, "error": str(error), "fields": error.errors}, status=400)
    except DomainError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=403)
    return JsonResponse({"ok": True, "version": draft.version, "saved_at": draft.saved_at.isoformat()})
