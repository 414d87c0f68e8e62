"""{% url %} as Django's, with each process keeping the paths it built (a builtin: it replaces Django's tag).

reverse() walks the URL patterns and quotes every argument: about 50 µs a call, and a page draws 10-30 links
(the header alone has ten), most the same on every page. A path depends only on the URL configuration, the script
prefix, the namespace the request resolved in and the arguments, so the tag keeps the last few thousand by those.
Arguments that cannot be a key (not hashable) go to reverse() every time.

`cached_static(path)` is the {% static %} of Jinja2 pages, kept the same way: Django's asks whether staticfiles is
installed (a walk over the installed apps) and looks the hashed name up in the manifest on every call. A static
file's URL changes only with the settings (DEBUG, STATIC_URL, STORAGES), which clear what was kept.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=4096)
def _path(urlconf, prefix, current_app, view_name, args, kwargs) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(view_name, args=(), kwargs=None, current_app=None) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _path(
            urlconf, get_script_prefix(), current_app, view_name, tuple(args), tuple(sorted((kwargs or {}).items()))
        )
    except TypeError:  # an argument that is not hashable
        return reverse(view_name, urlconf=urlconf, args=args, kwargs=kwargs, current_app=current_app)


cached_static = lru_cache(maxsize=1024)(static)


def _static_settings_changed(*, setting, **_) -> None:
    if setting in ("DEBUG", "STATIC_URL", "STORAGES", "INSTALLED_APPS"):
        cached_static.cache_clear()


setting_changed.connect(_static_settings_changed)


class CachedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's {% url %} (same syntax, same errors), its paths kept per process."""
    node = django_url(parser, token)
    node.__class__ = CachedURLNode
    return node
