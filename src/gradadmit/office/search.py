"""Finding one applicant: the office search box, scoped like every staff read (core/scoping.py).

One search string is tried against every kind of identifier a person at the counter might read out:
a name (Chinese or English, partial), an email (partial), a national ID or passport number (whole, any
case; compared by keyed hash, the numbers being encrypted), an exam number, a virtual account number or an
application number (whole). Each kind is a subquery on its own table, so each can use its own index (README:
"Applicant search"); the kinds a string cannot be (letters are never an application number) are not asked at all.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core.crypto import search_hash
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
    # Practice accounts (模擬報名) are nobody the office looks for.
    users = get_user_model().objects.filter(staff_role="", is_superuser=False, practice_account__isnull=True)
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
    # The numbers are encrypted: their keyed hashes are compared (same normalisation: any case, no spaces).
    digest = search_hash(text)
    documents = ApplicantProfile.objects.filter(Q(national_id_hash=digest) | Q(passport_number_hash=digest))
    q = Q(pk__in=documents.values("user_id"))
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
    """Names and emails containing the text, any case. `%` and `_` are escaped by the ORM: taken literally.

    The names are a subquery on the profiles, not a condition on a join: each table is read once, by its own
    index where there is one, and the join for the list's order is made only for the hits.
    """
    names = ApplicantProfile.objects.filter(Q(name_zh__icontains=text) | Q(name_en__icontains=text))
    return Q(pk__in=names.values("user_id")) | Q(email__icontains=text)


def search_applicants(user, text: str):
    """Applicants matching `text` that `user` may see, in the list's order (Chinese name, then email)."""
    return (
        applicants_for_staff(user)
        .filter(_exact_q(user, text) | _partial_q(text))
        .order_by("profile__name_zh", "email", "pk")
    )


def search_page(user, text: str, number):
    """Page `number` of the hits (PAGE_SIZE a page; a page out of range gives the nearest one).

    One query reads the ids of every hit in order: the count and the page come from that list, not from two
    scans of the applicants (the list holds one integer per hit: 5,000 for a search matching everyone). Only
    the page's applicants are then loaded, by primary key, with the columns the list shows, and their visible
    applications with programmes and exam numbers in one more query: at most three queries however many hits.
    """
    ids = list(search_applicants(user, text).values_list("pk", flat=True))
    return _HitPaginator(ids, PAGE_SIZE, user=user).get_page(number)


class _HitPaginator(Paginator):
    """Paginates a list of applicant ids; each page holds the applicants themselves (see `_applicants`)."""

    def __init__(self, ids, per_page, *, user):
        super().__init__(ids, per_page)
        self.user = user

    def _get_page(self, ids, number, paginator):  # Paginator's hook for what a page holds
        return super()._get_page(_applicants(self.user, list(ids)), number, paginator)


def _applicants(user, ids: list[int]) -> list:
    """The applicants `ids` in that order, each with `visible_applications`: those of programmes `user` may
    see, by programme code, with the programme and exam number. Only the columns the list shows are read."""
    visible_applications = (
        Application.objects.filter(staff_program_q(user, "program"))
        .select_related("program", "ticket")
        .only("applicant_id", "program__code", "program__name_zh", "program__name_en", "ticket__exam_number")
        .order_by("program__code", "pk")
    )
    people = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .select_related("profile")
        .only("email", "profile__name_zh", "profile__name_en")
        .prefetch_related(Prefetch("applications", queryset=visible_applications, to_attr="visible_applications"))
    )
    by_pk = {person.pk: person for person in people}
    return [by_pk[pk] for pk in ids if pk in by_pk]  # one deleted since the ids were read is left out


def exact_match(user, text: str):
    """The one applicant an identifier names exactly, or None (none or several)."""
    found = list(applicants_for_staff(user).filter(_exact_q(user, text)).values_list("pk", flat=True)[:2])
    return found[0] if len(found) == 1 else None
