"""Reads of mailings, scoped to who asks: the mailings themselves, who they go to, previews, progress.

Recipients are chosen with the office lists' own rules: the eligibility queue's result filter
(`eligibility.selectors.STATUS_FILTERS`), the checklist rows read by `eligibility.completeness` for fee,
documents and letters, interview invitations (scoring), admissions and waitlist entries (enrolment).
"""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applications_for_staff
from gradadmit.core.scoping import staff_program_q
from gradadmit.eligibility.completeness import DOCUMENTS_KEY, FEE_KEY, completeness_for_staff
from gradadmit.eligibility.selectors import STATUS_FILTERS
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.mailings.models import Mailing, MailingRecipient
from gradadmit.outbox.models import Email

LETTERS_KEY = "recommendations"
PREVIEW_COUNT = 3
LIST_PAGE_SIZE = 25
RECIPIENTS_PAGE_SIZE = 50
RECIPIENT_RELATED = ("applicant__profile", "application__program", "application__ticket")


# --- Mailings ------------------------------------------------------------------------------------------


def mailings_for_staff(user):
    """Office: every mailing. Department staff: those of their programmes (a cycle-wide one is the office's)."""
    return Mailing.objects.filter(staff_program_q(user, "program"))


def mailing_for_staff(user, pk) -> Mailing:
    """A mailing the staff member may see, or 404 (another programme's mailing looks like a missing one)."""
    return get_object_or_404(
        mailings_for_staff(user).select_related("cycle", "program", "created_by", "submitted_by", "decided_by"), pk=pk
    )


def mailing_list(user, page_number=1):
    """One page of the mailings in scope, newest first, with their recipient counts (two queries)."""
    queryset = (
        mailings_for_staff(user)
        .select_related("cycle", "program", "created_by")
        .annotate(recipient_count=Count("recipients"))
        .order_by("-created_at", "-id")
    )
    return Paginator(queryset, LIST_PAGE_SIZE).get_page(page_number)


# --- Choosing recipients --------------------------------------------------------------------------------

NUMBER_SEPARATORS = re.compile(r"[\s,;，；、]+")


def split_numbers(text: str) -> tuple[list[int], list[str]]:
    """Pasted application numbers: (numbers, tokens that are not numbers). Commas, spaces, lines all separate."""
    numbers, bad = [], []
    for token in NUMBER_SEPARATORS.split(text or ""):
        token = token.strip().lstrip("#")
        if not token:
            continue
        if token.isascii() and token.isdigit():
            numbers.append(int(token))
        else:
            bad.append(token)
    return list(dict.fromkeys(numbers)), bad


def _audience(user, *, cycle, program):
    queryset = applications_for_staff(user).filter(status=Application.Status.ACTIVE, program__cycle=cycle)
    if program is not None:
        queryset = queryset.filter(program=program)
    return queryset


def numbers_out_of_reach(user, *, cycle, program, numbers) -> list[int]:
    """The pasted numbers that are no active application of the chosen cycle or programme in the user's scope."""
    if not numbers:
        return []
    found = set(_audience(user, cycle=cycle, program=program).filter(pk__in=numbers).values_list("pk", flat=True))
    return [n for n in numbers if n not in found]


def matching_applications(user, mailing: Mailing) -> list[Application]:
    """The active applications `mailing` chooses, in the user's scope, one per applicant (the earliest applied).

    `mailing` may be unsaved (the form checks its choice before anything is saved). A fixed number of queries:
    the filters on decisions, invitations, admissions and identity are SQL; fee, documents and letters are read
    from the checklist rows of every candidate at once (only the providers of those rows run).
    """
    queryset = (
        _audience(user, cycle=mailing.cycle, program=mailing.program)
        .select_related(None)
        .select_related("applicant__profile", "program__cycle", "ticket")
    )
    if mailing.identity:
        queryset = queryset.filter(identity=mailing.identity)
    if mailing.qualified:
        queryset = queryset.filter(STATUS_FILTERS["qualified"])
    if mailing.invited:
        queryset = queryset.filter(interview_invitation__isnull=False)
    if mailing.admitted:
        queryset = queryset.filter(admission__status__in=Admission.HOLDING)
    if mailing.waitlisted:
        queryset = queryset.filter(waitlist_entry__status=WaitlistEntry.Status.WAITING)
    if mailing.application_numbers:
        queryset = queryset.filter(pk__in=mailing.application_numbers)
    applications = list(queryset.order_by("applied_at", "id"))

    keys = set()
    if mailing.unpaid:
        keys.add(FEE_KEY)
    if mailing.documents_incomplete:
        keys.add(DOCUMENTS_KEY)
    if mailing.letters_missing:
        keys.add(LETTERS_KEY)
    if keys:
        states = completeness_for_staff(applications, {}, details=False, keys=keys)

        def keep(application):
            # Like the review queue: no row from an app counts as done (nothing to pay, nothing asked).
            state = states[application.id]
            return (
                (not mailing.unpaid or state.paid is False)
                and (not mailing.documents_incomplete or state.documents_complete is False)
                and (not mailing.letters_missing or state.row_done(LETTERS_KEY) is False)
            )

        applications = [a for a in applications if keep(a)]

    seen, chosen = set(), []
    for application in applications:
        if application.applicant_id not in seen:
            seen.add(application.applicant_id)
            chosen.append(application)
    return chosen


# --- A mailing's recipients, preview and progress -------------------------------------------------------


def frozen_recipients(mailing: Mailing, limit: int | None = None) -> list[MailingRecipient]:
    queryset = MailingRecipient.objects.filter(mailing=mailing).select_related(*RECIPIENT_RELATED).order_by("id")
    return list(queryset[:limit] if limit else queryset)


def preview_applications(user, mailing: Mailing) -> tuple[list[Application], int]:
    """(the first three applications it goes to, how many in all): the frozen list once submitted."""
    if mailing.recipients_frozen:
        recipients = frozen_recipients(mailing, PREVIEW_COUNT)
        for recipient in recipients:
            recipient.application.applicant = recipient.applicant
        total = MailingRecipient.objects.filter(mailing=mailing).count()
        return [r.application for r in recipients], total
    applications = matching_applications(user, mailing)
    return applications[:PREVIEW_COUNT], len(applications)


def progress(mailing: Mailing) -> dict:
    """Recipients and the state of their emails, read from the outbox in one aggregate query."""
    status = Email.Status
    counts = MailingRecipient.objects.filter(mailing=mailing).aggregate(
        recipients=Count("id"),
        waiting=Count("id", filter=Q(email__isnull=True)),
        queued=Count("id", filter=Q(email__status__in=[status.QUEUED, status.SENDING])),
        sent=Count("id", filter=Q(email__status=status.SENT)),
        failed=Count("id", filter=Q(email__status=status.FAILED)),
        cancelled=Count("id", filter=Q(email__status=status.CANCELLED)),
    )
    counts["active"] = mailing.status in (Mailing.Status.APPROVED, Mailing.Status.SENDING) or (
        mailing.status == Mailing.Status.SENT and counts["queued"] > 0
    )
    return counts


STATE_CLASSES = {"sent": "done", "failed": "missing", "cancelled": "not_required"}


@dataclass
class RecipientRow:
    recipient: MailingRecipient

    @property
    def email(self) -> Email | None:
        return self.recipient.email

    @property
    def state_label(self) -> str:
        if self.email is None:
            return gettext("Not reached yet")
        return self.email.get_status_display()

    @property
    def state_class(self) -> str:
        return STATE_CLASSES.get(self.email.status, "pending") if self.email is not None else "info"


def recipients_page(mailing: Mailing, page_number, *, total: int):
    """One page of the frozen recipients with their email's status and last error (one query: `total` is known)."""
    queryset = (
        MailingRecipient.objects.filter(mailing=mailing)
        .select_related("applicant__profile", "application__program", "email")
        .order_by("id")
    )
    paginator = Paginator(queryset, RECIPIENTS_PAGE_SIZE)
    paginator.count = total  # from progress(): no second COUNT query
    page = paginator.get_page(page_number)
    return page, [RecipientRow(r) for r in page.object_list]


def emails_of(mailing: Mailing):
    return Email.objects.filter(mailing_recipient__mailing=mailing)
