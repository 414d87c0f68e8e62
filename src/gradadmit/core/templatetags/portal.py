"""Template filters shared by every page: dates by language, localized model fields."""

from django import template
from django.utils.translation import get_language

from gradadmit.core.rocdate import format_for_language

register = template.Library()


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
def ntd(value):
    """Whole New Taiwan dollars with thousands separators."""
    try:
        return f"NT$ {int(value):,}"
    except (TypeError, ValueError):
        return ""
