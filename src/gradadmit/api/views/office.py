"""Office pages for API tokens: the list, creating one (its secret is shown on that answer only), revoking."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.api import selectors, services
from gradadmit.api.forms import OWNER_NEW, TokenForm
from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.office.permissions import staff_required


@staff_required()
def token_list(request):
    form = TokenForm(user=request.user)
    return render(request, "api/tokens.html", {"tokens": selectors.tokens_for(request.user), "form": form,
                                               "now": clock.now()})  # fmt: skip


@staff_required()
def token_create(request):
    if request.method != "POST":
        return redirect("api_tokens:list")
    form = TokenForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            account = form.service_account()
            if data["owner"] == OWNER_NEW:
                account = services.create_service_account(actor=request.user, name=data["service_name"])
            elif data["owner"] != "self" and account is None:
                raise PermissionDenied
            token, secret = services.create_token(
                actor=request.user, name=data["name"], programs=data["programs"], access=data["access"],
                days=data["days"], service_account=account,
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            # Shown on this answer only (never stored, never in a redirect or a message): not cached anywhere.
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/tokens.html", {"tokens": selectors.tokens_for(request.user), "form": form,
                                               "now": clock.now()}, status=400)  # fmt: skip


@staff_required()
@require_POST
def token_revoke(request, pk):
    token = selectors.token_for(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked: calls with it are refused from now on.")
                     % {"name": token.name})  # fmt: skip
    return redirect("api_tokens:list")
