"""One masked CSRF token a response, for both template engines (CONTEXT_PROCESSORS).

Django masks the CSRF secret anew each time a template asks for the token: Jinja2's `csrf_input` is a lazy value
evaluated at every use, and each template-language context has its own. A deadline-night page with a sign-out form
in the header, a language form and a page form masked it three times and more, each mask 32 characters drawn one
by one from the operating system's random source (about 4 % of a page's CPU). A mask protects the secret against
compression attacks across responses (BREACH); several masks in one response add nothing, so a request keeps the
one it drew, for as long as its secret stays the same (signing in rotates the secret: a new token is drawn).
"""

from django.middleware.csrf import get_token
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

_KEPT = "_gradadmit_csrf_token"


def token(request) -> str:
    """The request's masked CSRF token: Django's get_token(), drawn once while the secret stays the same."""
    kept = getattr(request, _KEPT, None)
    if kept is not None and kept[0] == request.META.get("CSRF_COOKIE"):
        return kept[1]
    masked = get_token(request)
    setattr(request, _KEPT, (request.META["CSRF_COOKIE"], masked))
    return masked


def _input(request) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token(request))


_lazy_token = lazy(token, str)
_lazy_input = lazy(_input, SafeString)


def context(request) -> dict:
    """`csrf_token` (the template language's {% csrf_token %} reads it) and `csrf_input` (Jinja2's form field),
    drawn only when a template uses them, as Django's own: a page without a form sets no CSRF cookie."""
    return {"csrf_token": _lazy_token(request), "csrf_input": _lazy_input(request)}
