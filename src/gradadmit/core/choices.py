"""Enumerations shared by several apps (identity, qualification basis)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.TextChoices):
    GENERAL = "general", _("General (一般生)")
    IN_SERVICE = "in_service", _("In-service (在職生)")


class EducationStatus(models.TextChoices):
    GRADUATED = "graduated", _("Graduated")
    EXPECTED = "expected", _("Expected graduate (應屆畢業)")
    EQUIVALENT = "equivalent", _("Equivalent qualification (同等學力)")


class EquivalentArticle(models.IntegerChoices):
    ARTICLE_5 = 5, _("Article 5")
    ARTICLE_6 = 6, _("Article 6")
    ARTICLE_7 = 7, _("Article 7 (outstanding professional achievement)")
