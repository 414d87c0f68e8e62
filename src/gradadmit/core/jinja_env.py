"""The Jinja2 engine of long lists and repeated cards (TEMPLATES "jinja2"): Django's default environment plus the
portal's helpers its templates need.

- `_("text")`: Django's gettext. Write it alone in a `{{ }}` (`{{ _("Upload") }}`), or followed by filters
  (`{{ _("uploaded %(date)s")|fill(date=...) }}`): that is the form `makemessages` finds in a template.
- `fill`: a translated text's %(name)s placeholders filled (the values are escaped with the rest of the output).
- `url(name, *args)`: reverse() with the paths kept per process, as the template language's {% url %}.
- `tr(obj, field)`, `localdate(value)`: the template language's filters of the same names.
"""

from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from gradadmit.core.templatetags.cached_urls import cached_reverse
from gradadmit.core.templatetags.portal import localdate, tr


def url(view_name, *args, **kwargs) -> str:
    return cached_reverse(view_name, args, kwargs)


def fill(text, **values) -> str:
    return text % values


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)  # Django passes True: every value escaped
    env.globals.update({"_": gettext, "ngettext": ngettext, "tr": tr, "url": url, "localdate": localdate})
    env.filters["fill"] = fill
    return env
