"""The newest announcements on the home and cycle pages, and the date of an announcement in a list."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from gradadmit.announcements import selectors
from gradadmit.core.rocdate import format_for_language

register = template.Library()


@register.simple_tag
def latest_announcements(cycle=None):
    """The newest published announcements (of one cycle, or of every published cycle), pinned first.

    Drawn by Jinja2 (announcements/jinja2/announcements/partials/latest.html); Jinja2 pages call the same function.
    """
    from gradadmit.core.templatetags.portal import jinja2

    return jinja2(
        "announcements/partials/latest.html", announcements=selectors.latest_announcements(cycle=cycle), cycle=cycle
    )


@register.filter
def newsdate(value):
    """The day only (ROC in Chinese, Gregorian in English), as news lists show it."""
    if value is None:
        return ""
    return format_for_language(timezone.localtime(value).date(), get_language() or "zh-hant")


@register.filter
def text_lang(obj, field):
    """The language of what `tr` shows for obj.<field>: English only when English is read and was written."""
    english = not (get_language() or "zh-hant").startswith("zh") and getattr(obj, f"{field}_en", "")
    return "en" if english else "zh-Hant"
