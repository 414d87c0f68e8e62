"""Template filters shared by every page (dates by language, localized model fields) and the checklist tag."""

from django import template
from django.utils.translation import get_language

from gradadmit.core.rocdate import format_for_language

register = template.Library()


@register.simple_tag
def jinja2(template_name, **context):
    """Draw a long list's rows with the Jinja2 engine: `{% jinja2 "app/rows.html" rows=rows %}`.

    Jinja2 compiles templates to Python and draws hundreds of cells several times faster than the template
    language. Its autoescape is on, so every value in the output is escaped: the one place that says so.
    """
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    return mark_safe(render_to_string(template_name, context, using="jinja2"))  # noqa: S308 (escaped by Jinja2)


# What the site's header, messages and footer (core/jinja2/core/site_*.html) read from a page's context.
_SITE_NAMES = (
    "LANGUAGE_CODE",
    "request",
    "user",
    "unread_messages",
    "practice_mode",
    "practice_signup",
    "cycle",
    "messages",
)


@register.simple_tag(takes_context=True)
def site_part(context, template_name):
    """A part of every page drawn by Jinja2 for the template language's base.html: `{% site_part "core/x.html" %}`.

    Pages drawn by Jinja2 include the same parts in core/jinja2/layout.html: one header for both.
    """
    from gradadmit.core import csrf

    values = {name: context.get(name) for name in _SITE_NAMES}
    # The page's own token (core.csrf), not a second mask of the secret for the header's sign-out form.
    values["csrf_input"] = csrf.context(values["request"])["csrf_input"] if values["request"] is not None else ""
    return jinja2(template_name, **values)


@register.filter
def localdate(value):
    """ROC date and time in Chinese, Gregorian in English."""
    return format_for_language(value, get_language() or "zh-hant")


@register.filter
def localday(value):
    """The date only, with the weekday."""
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_for_language(value, get_language() or "zh-hant", weekday=True)


@register.filter
def tr(obj, field):
    """obj.<field>_zh or obj.<field>_en by the active language, falling back to Chinese."""
    language = get_language() or "zh-hant"
    suffix = "zh" if language.startswith("zh") else "en"
    value = getattr(obj, f"{field}_{suffix}", "") or getattr(obj, f"{field}_zh", "")
    return value


@register.filter
def masked(value):
    """ID, passport and phone numbers and birth dates with their middle starred (core.masking.mask)."""
    from gradadmit.core.masking import mask

    return mask(value)


@register.filter
def ntd(value):
    """Whole New Taiwan dollars with thousands separators."""
    try:
        return f"NT$ {int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def checklist(rows):
    """An application's checklist (core.checklist rows) as a list: status, label (linked), detail, due date.

    Drawn by Jinja2 (core/jinja2/core/checklist.html): 考生專區 shows every row of every application.
    """
    return jinja2("core/checklist.html", rows=rows)
