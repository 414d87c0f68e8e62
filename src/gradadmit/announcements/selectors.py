"""Reads of announcements: published ones for visitors (publish time reached), scoped ones for staff."""

from django.conf import settings
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from gradadmit.announcements.models import Announcement, AnnouncementAttachment
from gradadmit.core import clock
from gradadmit.core.prepared import Param, prepared
from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.models import Cycle, Program
from gradadmit.cycles.selectors import programs_for_staff

LATEST_COUNT = 5


def published_announcements(*, cycle=None, now=None):
    """What visitors see: published real cycles only (never a practice one), publish time reached, pinned first
    then newest."""
    queryset = Announcement.objects.filter(
        cycle__is_published=True, cycle__is_practice=False, publish_at__lte=clock.now() if now is None else now
    )
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    return queryset.select_related("cycle", "program").order_by("-pinned", "-publish_at", "-id")


# The home page and every cycle page show the newest few (on the deadline night: after each sign-out, and whenever
# the cycle page is read again); built and compiled once (core.prepared).
_LATEST = prepared(lambda: published_announcements(now=Param("now", models.DateTimeField()))[:LATEST_COUNT])
_LATEST_OF_CYCLE = prepared(
    lambda: published_announcements(cycle=Param("cycle"), now=Param("now", models.DateTimeField()))[:LATEST_COUNT]
)


def latest_announcements(*, cycle=None) -> list[Announcement]:
    """The LATEST_COUNT newest published announcements (of one cycle, or of every published one), pinned first."""
    if cycle is None:
        return list(_LATEST(now=clock.now()))
    return list(_LATEST_OF_CYCLE(cycle=getattr(cycle, "pk", cycle), now=clock.now()))


def newest_announcements(*, cycle=None, limit: int = 30):
    """For the feed: newest first, pinned or not."""
    queryset = published_announcements(cycle=cycle).order_by("-publish_at", "-id")
    return queryset[:limit]


def published_announcement(pk) -> Announcement:
    return get_object_or_404(
        published_announcements().prefetch_related("attachments"),
        pk=pk,
    )


def published_attachment(announcement_pk, pk) -> AnnouncementAttachment:
    announcement = published_announcement(announcement_pk)
    return get_object_or_404(announcement.attachments.all(), pk=pk)


def cycles_with_announcements():
    """Published cycles, for the list's filter."""
    return Cycle.objects.real().filter(is_published=True)


def announcements_for_staff(user):
    """Office: every announcement. Department staff: those of their programmes (not cycle-wide ones)."""
    return (
        Announcement.objects.filter(staff_program_q(user, "program"))
        .select_related("cycle", "program", "created_by")
        .order_by("-publish_at", "-id")
    )


def announcement_for_staff(user, pk) -> Announcement:
    return get_object_or_404(announcements_for_staff(user).prefetch_related("attachments"), pk=pk)


def attachment_for_staff(user, pk) -> AnnouncementAttachment:
    return get_object_or_404(
        AnnouncementAttachment.objects.filter(
            announcement__in=announcements_for_staff(user).values("pk")
        ).select_related("announcement"),
        pk=pk,
    )


def programs_for_posting(user):
    return programs_for_staff(user).order_by("-cycle__academic_year", "code")


def cycles_for_posting(user):
    if user.is_office:
        return Cycle.objects.real()
    return Cycle.objects.filter(pk__in=programs_for_staff(user).values("cycle_id"))


ABOUT_RESULTS = "results"
ABOUT_INTERVIEW_LIST = "interview_list"
DRAFTS = {
    # about: (public list URL name, title, body); translated into each language when the draft is made.
    ABOUT_RESULTS: (
        "scoring:public_results",
        gettext_noop("Admission results of %(program)s"),
        gettext_noop(
            "The admission results of %(program)s are published. The list of admitted and waitlisted "
            "applicants is here:\n%(url)s\n\nAdmitted and waitlisted applicants: follow the check-in steps "
            "in My applications before the deadline."
        ),
    ),
    ABOUT_INTERVIEW_LIST: (
        "exams:interview_list",
        gettext_noop("Interview list of %(program)s"),
        gettext_noop(
            "The list of applicants invited to the interview of %(program)s is published, with the times "
            "and rooms:\n%(url)s\n\nPrint your admission ticket from My applications and bring it to the "
            "interview."
        ),
    ),
}


def publication_draft(*, program: Program, about: str = "") -> dict:
    """Initial values of a programme's announcement; for `about` one linking to its public results or interview list.

    Both languages are written whatever language the staff member reads (each through the catalogue).
    """
    draft = {"cycle": program.cycle_id, "program": program.pk}
    if about not in DRAFTS:
        return draft
    url_name, title, body = DRAFTS[about]
    url = settings.SITE_URL.rstrip("/") + reverse(url_name, args=[program.pk])
    for language, suffix, name in (
        ("zh-hant", "zh", program.name_zh),
        ("en", "en", program.name_en or program.name_zh),
    ):
        with translation.override(language):
            draft[f"title_{suffix}"] = gettext(title) % {"program": name}
            draft[f"body_{suffix}"] = gettext(body) % {"program": name, "url": url}
    return draft
