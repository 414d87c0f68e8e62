"""A mailing's text for one recipient, in Chinese and English: the placeholders filled, nothing else interpreted."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gradadmit.core.rocdate import format_for_language
from gradadmit.mailings import placeholders

SUBJECT_MAX = 200  # notifications.Message.subject_zh / _en
TEXT_FIELDS = ("subject_zh", "subject_en", "body_zh", "body_en")


@dataclass(frozen=True)
class Rendered:
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str


@dataclass(frozen=True)
class Texts:
    """The four texts of a mailing parsed once (a batch renders hundreds of recipients from them)."""

    subject_zh: placeholders.Parsed
    subject_en: placeholders.Parsed
    body_zh: placeholders.Parsed
    body_en: placeholders.Parsed

    @classmethod
    def of(cls, mailing) -> "Texts":
        return cls(*(placeholders.parse(getattr(mailing, name)) for name in TEXT_FIELDS))

    @property
    def used(self) -> frozenset[str]:
        return self.subject_zh.used | self.subject_en.used | self.body_zh.used | self.body_en.used


def portal_link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("applications:dashboard")


def _profile(applicant):
    try:
        return applicant.profile
    except ObjectDoesNotExist:
        return None


def exam_number(application) -> str:
    try:
        return application.ticket.exam_number
    except ObjectDoesNotExist:
        return ""


def values(mailing, application, language: str, *, link: str) -> dict[str, str]:
    """What each placeholder stands for, for this recipient, in `language` ("zh-hant" or "en")."""
    chinese = language.startswith("zh")
    profile = _profile(application.applicant)
    if profile is not None:
        name = (profile.name_zh or profile.name_en) if chinese else (profile.name_en or profile.name_zh)
    else:
        name = ""
    program = application.program
    number = exam_number(application)
    if not number:
        with translation.override(language):
            number = gettext("(no exam number yet)")
    return {
        "name": name or application.applicant.email,
        "program": (program.name_zh or program.name_en) if chinese else (program.name_en or program.name_zh),
        "exam_number": number,
        "deadline": format_for_language(mailing.deadline, language),
        "link": link,
    }


def render(mailing, application, texts: Texts, *, link: str | None = None) -> Rendered:
    link = link or portal_link()
    zh = values(mailing, application, "zh-hant", link=link)
    en = values(mailing, application, "en", link=link)
    return Rendered(
        subject_zh=" ".join(texts.subject_zh.render(zh).split())[:SUBJECT_MAX],
        subject_en=" ".join(texts.subject_en.render(en).split())[:SUBJECT_MAX],
        body_zh=texts.body_zh.render(zh).strip(),
        body_en=texts.body_en.render(en).strip(),
    )
