"""Applying to programmes, changing identity, withdrawing: every change checks the window on the server."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.choices import Identity
from gradadmit.core.deadlines import calendar_for, scope_for
from gradadmit.core.errors import DomainError
from gradadmit.notifications.services import notify


def _check_can_apply(*, applicant, program, identity, profile):
    if profile is None:
        raise DomainError(_("Fill in your basic details before applying."), code="no_profile")
    if not program.cycle.is_published:
        raise DomainError(_("This admission cycle is not open for applications."))
    _check_practice(applicant, program)
    if identity not in Identity.values:
        raise DomainError(_("Choose general or in-service identity."))
    if not program.offers_identity(identity):
        raise DomainError(
            _("This programme admits no %(identity)s applicants in this cycle.")
            % {"identity": Identity(identity).label}
        )
    if identity == Identity.IN_SERVICE and not profile.is_in_service_eligible:
        raise DomainError(
            _(
                "In-service applicants need an employer and at least one year of continuous service in their "
                "basic details."
            ),
            code="in_service",
        )
    calendar_for(program.cycle, applicant).ensure_open("application", scope_for(profile))


def _check_practice(applicant, program):
    """A practice account applies to its practice cycle only, and a real account never to a practice cycle."""
    from gradadmit.practice.selectors import practice_cycle_id_of

    practice_cycle_id = practice_cycle_id_of(applicant)
    if program.cycle.is_practice and practice_cycle_id != program.cycle_id:
        raise DomainError(_("The practice cycle is for practice accounts: register one on the practice page."))
    if not program.cycle.is_practice and practice_cycle_id is not None:
        raise DomainError(_("A practice account cannot apply to a real cycle. Register a real account."))


def apply_to_program(*, applicant, program, identity: str) -> Application:
    """Create the application (or reactivate a withdrawn one) while the window is open.

    Side effects: an in-portal message and a bilingual email (queued on commit).
    Refuses a second active application to the same programme, even when two
    requests race: the database's unique constraint decides.
    """
    profile = ApplicantProfile.objects.filter(user=applicant).first()
    _check_can_apply(applicant=applicant, program=program, identity=identity, profile=profile)
    now = clock.now()
    try:
        with transaction.atomic():
            existing = Application.objects.select_for_update().filter(applicant=applicant, program=program).first()
            if existing is not None and existing.is_active:
                raise DomainError(_("You have already applied to this programme."), code="duplicate")
            if existing is not None:
                existing.status, existing.identity = Application.Status.ACTIVE, identity
                existing.applied_at, existing.withdrawn_at = now, None
                existing.save(update_fields=["status", "identity", "applied_at", "withdrawn_at", "updated_at"])
                application = existing
            else:
                application = Application.objects.create(
                    applicant=applicant, program=program, identity=identity, applied_at=now
                )
            notify(
                user=applicant,
                template="applications/applied",
                context={"application": application, "program": program},
            )
    except IntegrityError as error:
        raise DomainError(_("You have already applied to this programme."), code="duplicate") from error
    return application


def change_identity(*, applicant, application: Application, identity: str) -> Application:
    """Switch general / in-service before the deadline. Side effect: a message and email."""
    profile = ApplicantProfile.objects.filter(user=applicant).first()
    if not application.is_active:
        raise DomainError(_("This application was withdrawn."))
    if identity == application.identity:
        return application
    _check_can_apply(applicant=applicant, program=application.program, identity=identity, profile=profile)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.identity = identity
        locked.save(update_fields=["identity", "updated_at"])
        notify(user=applicant, template="applications/identity_changed", context={"application": locked})
    return locked


def withdraw_application(*, applicant, application: Application) -> Application:
    """Withdraw before the application deadline. Side effect: a message and email."""
    profile = ApplicantProfile.objects.filter(user=applicant).first()
    calendar_for(application.program.cycle, applicant).ensure_open("application", scope_for(profile))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk, applicant=applicant)
        if not locked.is_active:
            raise DomainError(_("This application was already withdrawn."), code="duplicate")
        locked.status, locked.withdrawn_at = Application.Status.WITHDRAWN, clock.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        notify(user=applicant, template="applications/withdrawn", context={"application": locked})
    return locked
