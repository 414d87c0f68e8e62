"""Staff marked 'require two-factor' must add an authenticator before using staff pages."""

from django.shortcuts import redirect

STAFF_PREFIXES = ("/office/", "/admin/")


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.require_mfa
            and request.path.startswith(STAFF_PREFIXES)
            and not _has_authenticator(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
