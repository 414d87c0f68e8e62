"""Helpers for bilingual model fields (name_zh / name_en)."""

from django.utils.translation import get_language


def is_chinese(language=None) -> bool:
    return (language or get_language() or "zh-hant").startswith("zh")


def pick(zh: str, en: str, language=None) -> str:
    """The text for the active language, falling back to Chinese when English is empty."""
    if is_chinese(language):
        return zh or en
    return en or zh
