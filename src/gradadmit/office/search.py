"""Finding one applicant: the office search box, scoped like every staff read (core/scoping.py).

One search string is tried against every kind of identifier a person at the counter might read out:
a name (Chinese or English, partial), an email (partial), a national ID or passport number (whole, any
case), an exam number, a virtual account number or an application number (whole). Each kind is a subquery on
its own table, so each can use its own index (README: "Applicant search"); the kinds a string cannot be
(letters are never an application number) are not asked at all.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q

from gradadmit.applications.models import Application
from gradadmit.core.scoping import staff_program_q

MIN_LENGTH = 2
MAX_LENGTH = 200
PAGE_SIZE = 25
_IDENTIFIER = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    error: str = ""  # "short" or "long": the view says which, in the person's language

    @classmethod
    def parse(cls, raw: str | None) -> "SearchQuery":
        text = " ".join((raw or "").split())  # spaces collapsed: a pasted name keeps its single spaces
        if len(text) > MAX_LENGTH:
            return cls(text="", error="long")
        if len(text) < MIN_LENGTH:
            return cls(text=text, error="short" if text else "")
        return cls(text=text)


def applicants_for_staff(user):
    """Applicants the staff member may see: the office everyone who is not staff; departments those with an
    application in one of their programmes."""
    users = get_user_model().objects.filter(staff_role="", is_superuser=False)
    if user.is_office:
        return users
    visible = Application.objects.filter(staff_program_q(user, "program"), applicant=OuterRef("pk"))
    return users.filter(Exists(visible))


def _exact_q(user, text: str) -> Q:
    """Identifiers matched whole: national ID, passport, exam number, virtual account, application number.

    Numbers that belong to one application are looked up among the applications `user` may see only: a
    department's staff cannot learn whose exam number of another programme it is.
    """
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.fees.models import VirtualAccount

    if not _IDENTIFIER.match(text):
        return Q(pk__in=[])
    q = Q(profile__national_id__iexact=text) | Q(profile__passport_number__iexact=text)
    tickets = AdmissionTicket.objects.filter(staff_program_q(user, "program"), exam_number__iexact=text)
    q |= Q(pk__in=tickets.values("application__applicant_id"))
    if text.isdigit():
        accounts = VirtualAccount.objects.filter(staff_program_q(user, "charge__application__program"), number=text)
        q |= Q(pk__in=accounts.values("charge__application__applicant_id"))
        if len(text) <= 18:  # an application number fits a bigint; a longer string of digits cannot be one
            applications = Application.objects.filter(staff_program_q(user, "program"), pk=int(text))
            q |= Q(pk__in=applications.values("applicant_id"))
    return q


def _partial_q(text: str) -> Q:
    """Names and emails containing the text, any case. `%` and `_` are escaped by the ORM: taken literally."""
    return Q(profile__name_zh__icontains=text) | Q(profile__name_en__icontains=text) | Q(email__icontains=text)


def search_applicants(user, text: str):
    """Applicants matching `text` that `user` may see, each with their visible applications and exam numbers."""
    visible_applications = (
        Application.objects.filter(staff_program_q(user, "program"))
        .select_related("program", "ticket")
        .order_by("program__code", "pk")
    )
    return (
        applicants_for_staff(user)
        .filter(_exact_q(user, text) | _partial_q(text))
        .select_related("profile")
        .prefetch_related(Prefetch("applications", queryset=visible_applications, to_attr="visible_applications"))
        .order_by("profile__name_zh", "email", "pk")
    )


def exact_match(user, text: str):
    """The one applicant an identifier names exactly, or None (none or several)."""
    found = list(applicants_for_staff(user).filter(_exact_q(user, text)).values_list("pk", flat=True)[:2])
    return found[0] if len(found) == 1 else None
