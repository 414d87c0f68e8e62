"""Basic details (基本資料): view and edit, locked after the deadline except contact fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gradadmit.accounts import selectors, services
from gradadmit.accounts.forms import ProfileForm
from gradadmit.core.errors import DomainError


@login_required
def profile(request):
    current = selectors.get_profile(request.user)
    lock = selectors.profile_lock(request.user, current)
    form = ProfileForm(request.POST or None, instance=current, locked=lock.locked)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if not form.fields[name].disabled}
        try:
            services.save_profile(user=request.user, data=data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your basic details were saved."))
            return redirect(request.GET["next"] if _safe(request) else "applications:dashboard")
    return render(request, "accounts/profile.html", {"form": form, "lock": lock, "profile": current})


def _safe(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
