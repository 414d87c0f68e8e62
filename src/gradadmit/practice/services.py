"""Practice cycles (模擬報名): open a practice copy, mark practice accounts, sample payment, close and wipe.

A practice cycle is a clone of a real cycle (cycles.services.clone_cycle) with `Cycle.is_practice` set and its
calendar moved so that applying is open now. Everything of it stays out of real lists because every staff read
goes through core.scoping (which leaves practice programmes out), the public lists read `Cycle.objects.real()`
and `Application.objects.real()`, and the search leaves practice accounts out.

Wiping deletes rows child-first (fees, documents, letters, tickets, applications, then the accounts) and the
stored files through the storage once the transaction commits; it is idempotent (a second run finds nothing).
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Cycle
from gradadmit.cycles.services import clone_cycle
from gradadmit.practice.models import PracticeAccount

SESSION_KEY = "practice_cycle"
PRACTICE_MARK = "練習 Practice"


def open_practice_cycle(*, actor, source: Cycle, code: str, name_zh: str, name_en: str = "") -> Cycle:
    """A practice copy of `source`, open at once: the calendar moved so the application window starts today.

    Side effects: the cycle copied (programmes, items, stages, forms) as clone_cycle does; audit entries.
    """
    if source.is_practice:
        raise DomainError(_("Copy a real cycle, not a practice one."))
    application = source.milestones.filter(kind="application", scope="all").first()
    if application is None:
        raise DomainError(_("The cycle has no application window to practise on."))
    shift_days = math.floor((clock.now() - application.starts_at).total_seconds() / 86400)
    with transaction.atomic():
        cycle = clone_cycle(actor=actor, source=source, code=code, name_zh=name_zh, name_en=name_en,
                            shift_days=shift_days)  # fmt: skip
        cycle.is_practice, cycle.is_published = True, True
        cycle.academic_year = source.academic_year
        cycle.save(update_fields=["is_practice", "is_published", "academic_year"])
        record_audit(actor=actor, action="practice.open", target=cycle, after={"source": source.code})
    return cycle


def close_practice_cycle(*, actor, cycle: Cycle) -> Cycle:
    """Close the practice cycle (nobody can register or apply any more) and have the worker wipe its data.

    Side effects: the cycle unpublished, audit entry, a wipe job (practice.tasks.wipe_practice_cycle).
    """
    from gradadmit.practice.tasks import wipe_practice_cycle

    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if not locked.is_practice:
            raise DomainError(_("Only a practice cycle can be closed and wiped."))
        locked.is_published = False
        locked.save(update_fields=["is_published"])
        record_audit(actor=actor, action="practice.close", target=locked)
        jobs.enqueue(wipe_practice_cycle, cycle_id=locked.pk)
    return locked


def mark_practice_signup(sender, request, user, **kwargs):
    """allauth's user_signed_up: a sign-up started from a practice cycle's page makes a practice account."""
    cycle_id = request.session.pop(SESSION_KEY, None) if request is not None else None
    if cycle_id is None:
        return
    cycle = Cycle.objects.practice().filter(pk=cycle_id, is_published=True).first()
    if cycle is not None:
        PracticeAccount.objects.get_or_create(user=user, defaults={"cycle": cycle})
        user.practice_cycle_id = cycle.pk


def practice_email(application, *, to: str, subject: str, body: str) -> tuple[str, str, str]:
    """An email about a practice application goes to the applicant themself only, marked 練習 (practice).

    A recommender invited on the practice cycle is never written to: the applicant gets the email instead.
    """
    if not application.program.cycle.is_practice:
        return to, subject, body
    note = _("Practice (練習): this email would have gone to %(to)s.") % {"to": to}
    return application.applicant.email, f"[{PRACTICE_MARK}] {subject}", f"{note}\n\n{body}"


def pay_practice_fee(*, applicant, application):
    """Mark the practice application's fee paid (a sample payment: no money, no bank). Returns the charge."""
    from gradadmit.fees.models import Charge, Payment
    from gradadmit.fees.services import add_payment, ensure_application_charge

    if not application.program.cycle.is_practice or application.applicant_id != applicant.id:
        raise DomainError(_("Only a practice application can be paid this way."))
    with transaction.atomic():
        charge = ensure_application_charge(application)
        if charge.status == Charge.Status.PAID:
            return charge
        add_payment(actor=applicant, charge_id=charge.pk, amount=charge.amount_due - charge.amount_received,
                     method=Payment.Method.CASH, received_at=clock.now(), note=PRACTICE_MARK,
                     action="practice.sample_payment")  # fmt: skip
    return Charge.objects.get(pk=charge.pk)


# --- Wiping -----------------------------------------------------------------------------------------------


def _delete_with_files(queryset, *fields) -> int:
    """Delete the rows and, once the transaction commits, their stored files (through the field's storage)."""
    model = queryset.model
    files = []
    for name in fields:
        storage = model._meta.get_field(name).storage
        files += [(storage, path) for path in queryset.exclude(**{name: ""}).values_list(name, flat=True) if path]
    count, _by_model = queryset.delete()

    def remove():
        for storage, path in files:
            storage.delete(path)

    transaction.on_commit(remove)
    return count


def wipe_practice_data(*, cycle: Cycle, registered_before=None) -> dict:
    """Delete the practice accounts of `cycle` (those registered before the time given, or all) and everything
    they did: applications, documents, letters, fees, tickets, messages, emails, audit entries; files too.

    Idempotent: what is gone stays gone, a second run counts zeros. Refused for a real cycle.
    """
    from gradadmit.applications.models import Application
    from gradadmit.core.models import AuditEntry
    from gradadmit.documents.models import Document
    from gradadmit.exams.models import AccommodationRequest, AdmissionTicket, TicketIssue
    from gradadmit.fees.models import Charge, Payment, VirtualAccount, WaiverRequest
    from gradadmit.notifications.models import Message
    from gradadmit.outbox.models import Email
    from gradadmit.recommendations.models import RecommendationLetter, RecommendationRequest

    if not cycle.is_practice:
        raise DomainError(_("Only a practice cycle can be wiped."))
    accounts = PracticeAccount.objects.filter(cycle=cycle)
    if registered_before is not None:
        accounts = accounts.filter(created_at__lt=registered_before)
    user_ids = list(accounts.values_list("user_id", flat=True))
    applications = Application.objects.filter(program__cycle=cycle)
    if registered_before is not None:
        applications = applications.filter(applicant_id__in=user_ids)
    with transaction.atomic():
        application_ids = list(applications.values_list("pk", flat=True))
        charges = Charge.objects.filter(application_id__in=application_ids)
        charge_ids = list(charges.values_list("pk", flat=True))
        Payment.objects.filter(charge_id__in=charge_ids).delete()
        VirtualAccount.objects.filter(charge_id__in=charge_ids).delete()
        _delete_with_files(WaiverRequest.objects.filter(charge_id__in=charge_ids), "proof")
        charges.delete()
        documents = _delete_with_files(Document.objects.filter(application_id__in=application_ids), "file")
        requests = RecommendationRequest.objects.filter(application_id__in=application_ids)
        letter_ids = list(requests.exclude(letter=None).values_list("letter_id", flat=True))
        requests.delete()
        _delete_with_files(RecommendationLetter.objects.filter(pk__in=letter_ids, requests=None), "file")
        _delete_with_files(TicketIssue.objects.filter(ticket__application_id__in=application_ids), "file")
        AdmissionTicket.objects.filter(application_id__in=application_ids).delete()
        _delete_with_files(AccommodationRequest.objects.filter(application_id__in=application_ids), "proof")
        AuditEntry.objects.filter(target_type="fees.charge", target_id__in=[str(i) for i in charge_ids]).delete()
        AuditEntry.objects.filter(actor_id__in=user_ids).delete()
        wiped = Application.objects.filter(pk__in=application_ids).delete()[1].get("applications.Application", 0)
        Message.objects.filter(recipient_id__in=user_ids).delete()
        Email.objects.filter(concerns_id__in=user_ids).delete()
        users = accounts.model._meta.get_field("user").related_model.objects.filter(pk__in=user_ids)
        accounts_deleted = users.delete()[1].get("accounts.User", 0)
        record_audit(actor=None, action="practice.wipe", target=cycle,
                     after={"accounts": accounts_deleted, "applications": wiped, "documents": documents})  # fmt: skip
    return {"accounts": accounts_deleted, "applications": wiped, "documents": documents}


def wipe_stale_practice_data(*, now=None) -> dict:
    """The schedule's wipe: closed practice cycles entirely, open ones of accounts older than the keep time
    (GRADADMIT_PRACTICE_KEEP_HOURS)."""
    now = now or clock.now()
    cutoff = now - timedelta(hours=settings.GRADADMIT_PRACTICE_KEEP_HOURS)
    totals = {"accounts": 0, "applications": 0, "documents": 0}
    for cycle in Cycle.objects.practice():
        result = wipe_practice_data(cycle=cycle, registered_before=None if not cycle.is_published else cutoff)
        for key in totals:
            totals[key] += result[key]
    return totals
