"""Dates in the ROC calendar (民國) for Chinese, Gregorian for English."""

from datetime import date, datetime

from django.utils import timezone

ROC_OFFSET = 1911
WEEKDAYS_ZH = "一二三四五六日"


def roc_year(year: int) -> int:
    return year - ROC_OFFSET


def _to_local(value):
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def format_roc_date(value, *, weekday=False) -> str:
    """113年12月18日 (optionally 113年12月18日(星期三))."""
    return _roc_date(_to_local(value), weekday)


def format_roc_time(value: datetime) -> str:
    """下午5:00 / 上午9:30 / 中午12:00."""
    return _roc_time(_to_local(value))


def format_roc_datetime(value: datetime, *, weekday=False) -> str:
    """113年12月18日 下午5:00 (converted to Taiwan time once: pages show dozens of these)."""
    value = _to_local(value)
    return f"{_roc_date(value, weekday)} {_roc_time(value)}"


def _roc_date(value, weekday: bool) -> str:
    text = f"{roc_year(value.year)}年{value.month}月{value.day}日"
    if weekday:
        text += f"(星期{WEEKDAYS_ZH[value.weekday()]})"
    return text


def _roc_time(value) -> str:
    hour, minute = value.hour, value.minute
    if hour == 12:
        return f"中午12:{minute:02d}"
    period = "上午" if hour < 12 else "下午"
    shown = hour % 12 or 12
    return f"{period}{shown}:{minute:02d}"


def format_roc_short(value) -> str:
    """113/12/18 17:00 (or 113/12/18 for a date)."""
    value = _to_local(value)
    text = f"{roc_year(value.year)}/{value.month:02d}/{value.day:02d}"
    if isinstance(value, datetime):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def format_gregorian(value, *, weekday=False) -> str:
    """Wed 18 Dec 2024, 5:00 PM (English)."""
    value = _to_local(value)
    text = value.strftime("%a %-d %b %Y" if weekday else "%-d %b %Y")
    if isinstance(value, datetime):
        text += value.strftime(", %-I:%M %p")
    return text


def format_for_language(value, language: str, *, weekday=False) -> str:
    if value is None:
        return ""
    if language.startswith("zh"):
        if isinstance(value, datetime):
            return format_roc_datetime(value, weekday=weekday)
        if isinstance(value, date):
            return format_roc_date(value, weekday=weekday)
    return format_gregorian(value, weekday=weekday)
