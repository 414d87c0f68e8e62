"""The Jinja2 engine of the busiest pages, long lists and repeated cards (TEMPLATES "jinja2"): Django's default
environment plus the portal's helpers its templates need.

- `_("text")`: Django's gettext. Write it alone in a `{{ }}` (`{{ _("Upload") }}`), or followed by filters
  (`{{ _("uploaded %(date)s")|fill(date=...) }}`): that is the form `makemessages` finds in a template.
- `fill`: a translated text's %(name)s placeholders filled (the values are escaped with the rest of the output;
  a text with a literal % writes it %% and is filled with nothing, as the template language's texts are);
  `linebreaks`: the template language's filter of that name.
- `url(name, *args)`: reverse() with the paths kept per process, as the template language's {% url %}.
- `static(path)`: the template language's {% static %}, kept per process; `localtime(value)`: a time in Taiwan time.
- `tr(obj, field)`, `localdate(value)`, `localday(value)`, `masked(value)`, `ntd(value)`: the template language's
  filters of the same names (an application's checklist: `{% include "core/checklist.html" %}` with `rows`).

Apps add their own helpers with `add_globals()` (announcements: `latest_announcements(cycle)`).

Whole pages drawn by Jinja2 (views render them as any template: the template language finds no template of that
name, Jinja2 does) extend `layout.html` and get the context processors' values, `csrf_input` and `csrf_token`.
"""

from django.template.defaultfilters import linebreaks_filter
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext, trans_real
from jinja2 import Environment

from gradadmit.core.templatetags.cached_urls import cached_reverse, cached_static
from gradadmit.core.templatetags.portal import localdate, localday, masked, ntd, tr

_app_globals: dict = {}


def add_globals(**functions) -> None:
    """An app's helpers for its Jinja2 templates (from its AppConfig.ready(): core never imports an app)."""
    _app_globals.update(functions)


def url(view_name, *args, **kwargs) -> str:
    return cached_reverse(view_name, args, kwargs)


def fill(text, **values) -> str:
    return text % values


def translations(request) -> dict:
    """The Jinja2 pages' context processor: `_` and `ngettext` of the request's language, looked up once a page.

    Django's gettext() finds the active language's catalogue at every call (a context-local lookup, about 2 µs;
    a documents page asks for a hundred texts); the catalogue's own gettext is a dictionary lookup. Texts drawn
    without a request (the {% jinja2 %} tag) use the environment's `_`, Django's gettext.
    """
    catalogue = trans_real.catalog()
    return {"_": catalogue.gettext, "ngettext": catalogue.ngettext}


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)  # Django passes True: every value escaped
    env.globals.update(
        {
            "_": gettext,
            "ngettext": ngettext,
            "tr": tr,
            "url": url,
            "static": cached_static,
            "localdate": localdate,
            "localday": localday,
            "localtime": localtime,
            "masked": masked,
            "ntd": ntd,
        }
    )
    env.globals.update(_app_globals)
    env.filters["fill"] = fill
    env.filters["linebreaks"] = linebreaks_filter  # escapes the text (autoescape=True)
    return env
