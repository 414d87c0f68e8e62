"""Rendering emails in both languages (Chinese first, then English); sending is the outbox app's job."""

from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES_IN_EMAIL = ("zh-hant", "en")
SEPARATOR = "\n\n" + "-" * 20 + " English " + "-" * 20 + "\n\n"


def render_bilingual(render) -> tuple[str, str]:
    """Call render() -> (subject, body) under each language; join Chinese first, then English."""
    parts = []
    for language in LANGUAGES_IN_EMAIL:
        with translation.override(language):
            subject, body = render()
            parts.append((" ".join(str(subject).split()), str(body).strip()))
    (subject_zh, body_zh), (subject_en, body_en) = parts
    subject = subject_zh if subject_zh == subject_en else f"{subject_zh} / {subject_en}"
    return subject, body_zh + SEPARATOR + body_en + "\n"


def render_template_pair(template_prefix: str, context: dict) -> tuple[str, str]:
    return (
        render_to_string(f"{template_prefix}_subject.txt", context),
        render_to_string(f"{template_prefix}_body.txt", context),
    )
