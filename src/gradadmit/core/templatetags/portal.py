"""Template filters shared by every page (dates by language, localized model fields) and the checklist tag."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext

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

    Drawn here rather than by a template included per application: 考生專區 shows every row of every application.
    """
    language = get_language() or "zh-hant"
    due = gettext("Due %(date)s")
    return format_html(
        '<ul class="checklist">\n{}</ul>',
        format_html_join(
            "",
            '<li><span class="status status-{}">{}</span> <span class="label">{}{}</span>{}</li>\n',
            (
                (
                    row.status,
                    row.status_label,
                    format_html('<a href="{}">{}</a>', row.url, row.label) if row.url else row.label,
                    format_html('<br><span class="muted">{}</span>', row.detail) if row.detail else "",
                    format_html(
                        ' <span class="muted">{}</span>', due % {"date": format_for_language(row.deadline, language)}
                    )
                    if row.deadline
                    else "",
                )
                for row in rows
            ),
        ),
    )
