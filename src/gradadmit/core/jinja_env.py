"""The Jinja2 engine of long office lists (TEMPLATES "jinja2"): Django's default environment plus the portal's
helpers the row templates need (`tr`, the bilingual field picker of core.templatetags.portal)."""

from jinja2 import Environment

from gradadmit.core.templatetags.portal import tr


def environment(**options) -> Environment:
    env = Environment(autoescape=options.pop("autoescape", True), **options)  # Django passes True: every value escaped
    env.globals["tr"] = tr
    return env
