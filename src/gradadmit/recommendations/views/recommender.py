"""The recommender's token link: status and choices on GET (which changes nothing), one POST per action.

Every token URL is rate limited per address (allauth's limiter, as sign-in is); unknown or expired
tokens get one plain page that says nothing about any application, and count towards a stricter limit.
"""

from functools import wraps

from allauth.core.internal.ratelimit import consume
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import SizeLimitUploadHandler
from gradadmit.recommendations import selectors, services
from gradadmit.recommendations.forms import DeclineForm, LetterForm, LetterUploadForm, OwnDetailsForm

RATE_LIMITS = getattr(
    settings, "RECOMMENDATION_TOKEN_RATE_LIMITS", {"token": "120/m/ip", "token_miss": "10/m/ip,30/h/ip"}
)
LIMITER = "gradadmit.recommendations"


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _plain(request, template, status):
    return _private(render(request, template, status=status))


def token_view(view):
    """Resolve the token (or answer the plain page), after the rate limits; no-store on every answer."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        allowed = consume(request, app=LIMITER, action="token", config=RATE_LIMITS, limit_get=True) and consume(
            request, app=LIMITER, action="token_miss", config=RATE_LIMITS, limit_get=True, dry_run=True
        )
        if not allowed:
            return _plain(request, "recommendations/token_limited.html", 429)
        recommendation = selectors.request_for_token(token)
        if recommendation is None:
            consume(request, app=LIMITER, action="token_miss", config=RATE_LIMITS, limit_get=True)
            return _plain(request, "recommendations/token_invalid.html", 404)
        return _private(view(request, token, recommendation, *args, **kwargs))

    return wrapper


def _formats(program):
    fmt = program.recommendation_format
    return {"upload": fmt in ("upload", "either"), "form": fmt in ("form", "either")}


def _state(recommendation) -> dict:
    """What every token page shows: the request, its application, the letters window and what may be done now."""
    application = recommendation.application
    profile = getattr(application.applicant, "profile", None)
    window = services.window_for(application, profile)
    can_act = not recommendation.is_finished and window is not None and window.is_open()
    return {
        "recommendation": recommendation,
        "application": application,
        "program": application.program,
        "cycle": application.program.cycle,
        "profile": profile,
        "window": window,
        "can_act": can_act,
        "writing": can_act and recommendation.accepted_at is not None,
        "formats": _formats(application.program),
    }


def _page(request, token, recommendation, *, upload_form=None, details_form=None, status=200):
    """The link's page: the request and its status; the details, then accept / decline, or the upload.

    The 附件五 form has its own page (letter_form), linked from here: this page stays short.
    """
    state = _state(recommendation)
    if upload_form is None:  # a refused upload comes back with its own form (and its sibling choices)
        siblings = selectors.sibling_choices(recommendation) if state["writing"] and state["formats"]["upload"] else []
        upload_form = LetterUploadForm(siblings=siblings, auto_id="upload_%s")
    context = {
        **state,
        "token": token,
        "details_form": details_form or OwnDetailsForm(instance=recommendation),
        "decline_form": DeclineForm(),
        "upload_form": upload_form,
    }
    return render(request, "recommendations/recommender.html", context, status=status)


def _form_page(request, token, recommendation, *, letter_form=None, status=200):
    state = _state(recommendation)
    if not (state["writing"] and state["formats"]["form"]):
        return _back(token)  # not accepted yet, finished, closed, or this programme takes uploads only
    if letter_form is None:  # a refused submission comes back with its own form
        siblings = selectors.sibling_choices(recommendation)
        letter_form = LetterForm(initial=recommendation.form_draft, siblings=siblings, auto_id="letter_%s")
    context = {**state, "token": token, "letter_form": letter_form}
    return render(request, "recommendations/letter_form.html", context, status=status)


page = require_safe(token_view(_page))


def _back(token):
    return redirect("recommendations:token", token=token)


def _act(request, token, action, success):
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back(token)


@require_POST
@token_view
def details(request, token, recommendation):
    form = OwnDetailsForm(request.POST, instance=recommendation)
    if not form.is_valid():
        return _page(request, token, recommendation, details_form=form, status=400)
    data = form.cleaned_data
    return _act(request, token, lambda: services.update_own_details(request=recommendation, data=data),
                _("Your details were saved."))  # fmt: skip


@require_POST
@token_view
def accept(request, token, recommendation):
    return _act(request, token, lambda: services.accept(request=recommendation),
                _("Thank you. You can now upload your letter or fill in the form."))  # fmt: skip


@require_POST
@token_view
def decline(request, token, recommendation):
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, token, lambda: services.decline(request=recommendation, reason=reason),
                _("You declined. The applicant has been told."))  # fmt: skip


@require_POST
@token_view
def draft(request, token, recommendation):
    try:
        saved = services.save_draft(request=recommendation, data=request.POST)
    except DomainError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=409)
    return JsonResponse({"ok": True, "saved_at": saved.draft_saved_at.isoformat()})


@require_http_methods(["GET", "HEAD", "POST"])
@token_view
def letter_form(request, token, recommendation):
    """附件五 online: GET shows the form with the saved draft; POST submits it as the letter."""
    if request.method != "POST":
        return _form_page(request, token, recommendation)
    siblings = selectors.sibling_choices(recommendation)
    form = LetterForm(request.POST, siblings=siblings, auto_id="letter_%s")
    if not form.is_valid():
        return _form_page(request, token, recommendation, letter_form=form, status=400)
    also = form.cleaned_data.get("also", [])
    return _act(request, token, lambda: services.submit_form(request=recommendation, answers=form.answers(), also=also),
                _("Your letter was submitted. Thank you."))  # fmt: skip


@csrf_exempt  # CSRF is checked in _upload, after the size-limiting handler is installed
@require_POST
def upload(request, token):
    handler = SizeLimitUploadHandler(request, services.LETTER_MAX_BYTES + 1)
    request.upload_handlers.insert(0, handler)
    return _upload(request, token, handler=handler)


@csrf_protect
@token_view
def _upload(request, token, recommendation, *, handler):
    siblings = selectors.sibling_choices(recommendation)
    form = LetterUploadForm(request.POST, request.FILES, siblings=siblings, auto_id="upload_%s")
    if handler.exceeded:
        messages.error(request, _("The file is larger than 10 MB. Make it smaller and upload it again."))
        return _back(token)
    if not form.is_valid():
        return _page(request, token, recommendation, upload_form=form, status=400)
    also = form.cleaned_data.get("also", [])
    return _act(
        request, token,
        lambda: services.submit_upload(request=recommendation, upload=form.cleaned_data["file"], also=also),
        _("Your letter was submitted. Thank you."),
    )  # fmt: skip
