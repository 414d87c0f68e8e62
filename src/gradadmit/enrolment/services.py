"""Check-in, give-up, no-show and waitlist promotion: every change of a place locks the programme's seat pools.

Lock order is always the same (seat pools by id, then the admissions and waitlist rows), so two staff promoting,
a give-up racing a promotion, or a check-in releasing places in other programmes never deadlock, never fill one
place twice (SeatPool.held is checked by the database) and never skip anyone (the next candidate is read after
the lock, in the published waitlist order).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.choices import Identity
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Program
from gradadmit.enrolment.models import Admission, SeatPool, WaitlistEntry
from gradadmit.notifications.services import notify
from gradadmit.scoring.models import RankingRun
from gradadmit.scoring.ranking import Status as Outcome

CHECKIN, PROMOTION = "checkin", "waitlist_promotion"
REPLY_DAYS = 3  # a promoted applicant has this long to check in (capped at the end of the promotion period)
ADMISSION_FIELDS = ["status", "how", "checked_in_at", "given_up_at", "closed_reason"]


def _other(identity: str) -> str:
    return Identity.IN_SERVICE if identity == Identity.GENERAL else Identity.GENERAL


def _lock_pools(program_ids) -> dict[tuple[int, str], SeatPool]:
    pools = SeatPool.objects.select_for_update().filter(program_id__in=set(program_ids)).order_by("pk")
    return {(pool.program_id, pool.identity): pool for pool in pools}


def _locked_admission(admission: Admission) -> Admission:
    return (
        Admission.objects.select_for_update()
        .select_related("program__cycle", "application", "applicant")
        .get(pk=admission.pk)
    )


def _queue_refill(program_id: int) -> None:
    """A freed place during the promotion period is offered by the worker to the next in line."""
    from gradadmit.enrolment.tasks import fill_vacancies_task

    jobs.enqueue(fill_vacancies_task, program_id=program_id)


def _close(*, actor, admission: Admission, pool: SeatPool, status: str, reason: str, action: str) -> None:
    """Free the place an admission held; a promotion offer also closes its waitlist entry."""
    before = snapshot(admission, ADMISSION_FIELDS)
    now = clock.now()
    admission.status, admission.closed_at, admission.closed_reason = status, now, reason
    if status == Admission.Status.GIVEN_UP:
        admission.given_up_at = now
    admission.save(update_fields=["status", "closed_at", "closed_reason", "given_up_at"])
    pool.held -= 1
    pool.save(update_fields=["held"])
    entry = WaitlistEntry.objects.filter(admission=admission, status=WaitlistEntry.Status.OFFERED).first()
    if entry is not None:
        entry.status = (
            WaitlistEntry.Status.DECLINED if status != Admission.Status.NO_SHOW else WaitlistEntry.Status.LAPSED
        )
        entry.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action=action, target=admission, before=before,
                 after=snapshot(admission, ADMISSION_FIELDS), reason=reason)  # fmt: skip
    if calendar_for(admission.program.cycle).is_open(PROMOTION):
        _queue_refill(admission.program_id)


# --- opening check-in from the published result -------------------------------------------------------


def open_enrolment(*, actor, program) -> int:
    """Create the places, admissions and waitlist entries from the published run; returns the admissions made.

    Places per identity are the admitted of that identity in the run (so places that flowed, or ties admitted
    together, are counted where they were filled). Side effects: audit entry; no message (the result was sent).
    """
    if not actor.is_portal_staff:
        raise DomainError(_("Only staff open the check-in."))
    run = RankingRun.objects.filter(program=program, state=RankingRun.State.PUBLISHED).first()
    if run is None:
        raise DomainError(_("Publish the results before opening the check-in."))
    window = calendar_for(program.cycle).window(CHECKIN)
    if window is None or window.ends_at is None:
        raise DomainError(_("Set the check-in dates in the cycle's calendar first."))
    with transaction.atomic():
        if SeatPool.objects.select_for_update().filter(program=program).exists():
            raise DomainError(_("The check-in is already open for this programme."))
        outcomes = run.result["outcomes"]
        applications = {
            a.id: a for a in Application.objects.active().filter(pk__in=[o["key"] for o in outcomes], program=program)
        }
        admitted = [o for o in outcomes if o["status"] == Outcome.ADMITTED and o["key"] in applications]
        for identity in Identity.values:
            SeatPool.objects.create(
                program=program, identity=identity, places=sum(1 for o in admitted if o["identity"] == identity)
            )
        Admission.objects.bulk_create(
            Admission(
                application_id=o["key"],
                program=program,
                applicant_id=applications[o["key"]].applicant_id,
                seat_identity=o["identity"],
                source=Admission.Source.RESULT,
                deadline=window.ends_at,
            )  # fmt: skip
            for o in admitted
        )
        SeatPool.objects.filter(program=program).update(held=F("places"))
        WaitlistEntry.objects.bulk_create(
            WaitlistEntry(
                application_id=o["key"], program=program, identity=o["identity"], position=o["waitlist_position"]
            )  # fmt: skip
            for o in outcomes
            if o["status"] == Outcome.WAITLISTED and o["key"] in applications
        )
        record_audit(
            actor=actor, action="enrolment.open", target=program, after={"run": run.pk, "admitted": len(admitted)}
        )
    return len(admitted)


# --- applicant ----------------------------------------------------------------------------------------


def _ensure_can_check_in(admission: Admission, at) -> None:
    if admission.status == Admission.Status.CHECKED_IN:
        raise DomainError(_("You have already checked in to this programme."))
    if admission.status != Admission.Status.OFFERED:
        raise DomainError(
            _("This admission is %(status)s and can no longer be checked in to.")
            % {"status": admission.get_status_display()}
        )
    if admission.source == Admission.Source.RESULT:
        calendar_for(admission.program.cycle, admission.applicant).ensure_open(CHECKIN, at=at)
    elif at > admission.deadline:
        raise DomainError(_("The reply deadline of this waitlist offer has passed."), code="deadline")


def _check_in(*, actor, admission: Admission, how: str, undertaking: bool, confirm_release: bool) -> Admission:
    at = clock.now()
    with transaction.atomic():
        # The check-in itself does not change a place count (the admission row lock serialises it against a
        # give-up or a no-show); only the places it releases elsewhere are locked, in the usual order.
        others = list(
            Admission.objects.filter(applicant_id=admission.applicant_id, status__in=Admission.HOLDING)
            .exclude(pk=admission.pk)
            .values_list("program_id", flat=True)
        )
        pools = _lock_pools(others) if others else {}
        locked = _locked_admission(admission)
        _ensure_can_check_in(locked, at)
        holding = list(
            Admission.objects.select_for_update()
            .filter(applicant_id=locked.applicant_id, status__in=Admission.HOLDING)
            .exclude(pk=locked.pk)
            .select_related("program__cycle")
        )
        missing = {a.program_id for a in holding} - {program_id for program_id, _identity in pools}
        if missing:  # an offer arrived since the first read: rare; PostgreSQL reports a deadlock rather than hang
            pools.update(_lock_pools(missing))
        checked_in = [a for a in holding if a.status == Admission.Status.CHECKED_IN]
        if checked_in:
            raise DomainError(
                _("You are already checked in to %(program)s. Give that place up first if you prefer this one.")
                % {"program": checked_in[0].program.name_zh}
            )
        if holding and not confirm_release:
            raise DomainError(
                _("Checking in here releases your other admissions. Confirm that you want to release them."),
                code="confirm",
            )
        before = snapshot(locked, ADMISSION_FIELDS)
        locked.status, locked.how, locked.checked_in_at = Admission.Status.CHECKED_IN, how, at
        locked.undertaking = undertaking
        locked.recorded_by = actor if how == Admission.How.PAPER else None
        locked.save(update_fields=["status", "how", "checked_in_at", "undertaking", "recorded_by"])
        WaitlistEntry.objects.filter(admission=locked).update(status=WaitlistEntry.Status.PROMOTED)
        record_audit(actor=actor, action=f"enrolment.check_in_{how}", target=locked, before=before,
                     after=snapshot(locked, ADMISSION_FIELDS))  # fmt: skip
        for other in holding:
            _close(actor=actor, admission=other, pool=pools[other.program_id, other.seat_identity],
                   status=Admission.Status.RELEASED, action="enrolment.release",
                   reason=_("Checked in to %(program)s.") % {"program": locked.program.name_zh})  # fmt: skip
            notify(user=locked.applicant, template="enrolment/closed", context={"admission": other})
        notify(
            user=locked.applicant, template="enrolment/checked_in", context={"admission": locked, "released": holding}
        )
    return locked


def check_in(*, applicant, admission: Admission, documents_confirmed: bool, undertaking: bool = False,
             confirm_release: bool = False) -> Admission:  # fmt: skip
    """Online check-in within the window (or before a promotion offer's reply deadline).

    The applicant confirms the documents they will bring, or (expected graduates) the undertaking to present the
    degree certificate at registration. Other admissions are released (places freed, audit, message each) only
    when `confirm_release` is given. Side effects: audit entries, message and email.
    """
    if admission.applicant_id != applicant.id:
        raise DomainError(_("This is not your admission."))
    if not (documents_confirmed or undertaking):
        raise DomainError(_("Confirm the documents you will bring to registration, or the graduate's undertaking."))
    return _check_in(actor=applicant, admission=admission, how=Admission.How.ONLINE, undertaking=undertaking,
                     confirm_release=confirm_release)  # fmt: skip


def record_paper_check_in(*, actor, admission: Admission) -> Admission:
    """Staff record a check-in made on paper (in person or by post) within the same window and rules."""
    if not actor.is_portal_staff:
        raise DomainError(_("Only staff record paper check-ins."))
    return _check_in(actor=actor, admission=admission, how=Admission.How.PAPER, undertaking=False,
                     confirm_release=True)  # fmt: skip


def give_up(*, applicant, admission: Admission, password: str) -> Admission:
    """附件十: give up an admission, confirmed with the password. Final: it cannot be withdrawn.

    Side effects: the place is freed (and offered on by the worker during the promotion period), audit entry,
    message and email with the receipt link.
    """
    if admission.applicant_id != applicant.id:
        raise DomainError(_("This is not your admission."))
    if not applicant.check_password(password or ""):
        raise DomainError(_("The password is not correct. Enter the password you sign in with."), code="password")
    with transaction.atomic():
        pools = _lock_pools([admission.program_id])
        locked = _locked_admission(admission)
        if locked.status == Admission.Status.GIVEN_UP:
            raise DomainError(_("You already gave up this admission; a give-up declaration is final."))
        if locked.status not in Admission.HOLDING:
            raise DomainError(_("This admission is %(status)s.") % {"status": locked.get_status_display()})
        _close(actor=applicant, admission=locked, pool=pools[locked.program_id, locked.seat_identity],
               status=Admission.Status.GIVEN_UP, action="enrolment.give_up",
               reason=_("Give-up declaration (放棄錄取)."))  # fmt: skip
        notify(user=applicant, template="enrolment/given_up", context={"admission": locked})
    return locked


def decline_offer(*, applicant, admission: Admission) -> Admission:
    """A promoted applicant declines the offer; the place goes to the next in line."""
    if admission.applicant_id != applicant.id:
        raise DomainError(_("This is not your admission."))
    with transaction.atomic():
        pools = _lock_pools([admission.program_id])
        locked = _locked_admission(admission)
        if locked.source != Admission.Source.PROMOTION or locked.status != Admission.Status.OFFERED:
            raise DomainError(_("There is no open waitlist offer to decline."))
        _close(actor=applicant, admission=locked, pool=pools[locked.program_id, locked.seat_identity],
               status=Admission.Status.RELEASED, action="enrolment.decline",
               reason=_("Declined the waitlist offer."))  # fmt: skip
    return locked


def set_wants_promotion(*, applicant, entry: WaitlistEntry, wants: bool) -> WaitlistEntry:
    """遞補意願: a waiting applicant says whether to be offered a place when one frees."""
    if entry.application.applicant_id != applicant.id:
        raise DomainError(_("This is not your waitlist entry."))
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != WaitlistEntry.Status.WAITING:
            raise DomainError(_("Your waitlist entry is %(status)s.") % {"status": locked.get_status_display()})
        before = {"wants_promotion": locked.wants_promotion}
        locked.wants_promotion = wants
        locked.save(update_fields=["wants_promotion", "updated_at"])
        record_audit(actor=applicant, action="enrolment.waitlist_wish", target=locked, before=before,
                     after={"wants_promotion": wants})  # fmt: skip
    return locked


# --- office -------------------------------------------------------------------------------------------


def mark_no_shows(*, actor, program) -> int:
    """After the deadline, offered admissions not checked in are marked no-show and their places freed."""
    if not actor.is_portal_staff:
        raise DomainError(_("Only staff mark no-shows."))
    return _mark_no_shows(actor=actor, program=program)


def lapse_overdue_offers() -> int:
    """The schedule's run (every few minutes): offers not checked in by their deadline lapse, places go on.

    The same rule as staff marking no-shows (an applicant's extension keeps the offer open); run twice it finds
    nothing more to do. Returns the number of offers closed.
    """
    now = clock.now()
    program_ids = (
        Admission.objects.filter(status=Admission.Status.OFFERED, deadline__lt=now)
        .order_by("program_id").values_list("program_id", flat=True).distinct()
    )  # fmt: skip
    closed = 0
    for program in Program.objects.filter(pk__in=list(program_ids)).select_related("cycle"):
        closed += _mark_no_shows(actor=None, program=program)
    return closed


def _mark_no_shows(*, actor, program) -> int:
    now = clock.now()
    closed = 0
    with transaction.atomic():
        pools = _lock_pools([program.pk])
        late = list(
            Admission.objects.select_for_update()
            .filter(program=program, status=Admission.Status.OFFERED, deadline__lt=now)
            .select_related("program__cycle", "applicant")
        )
        for admission in late:
            if admission.source == Admission.Source.RESULT and not calendar_for(
                program.cycle, admission.applicant
            ).window(CHECKIN).has_ended(now):
                continue  # an extension granted to this applicant keeps the offer open
            _close(actor=actor, admission=admission, pool=pools[program.pk, admission.seat_identity],
                   status=Admission.Status.NO_SHOW, action="enrolment.no_show",
                   reason=_("Not checked in by the deadline."))  # fmt: skip
            notify(user=admission.applicant, template="enrolment/closed", context={"admission": admission})
            closed += 1
    return closed


def _next_candidate(program, identity: str) -> WaitlistEntry | None:
    identities = [identity, _other(identity)] if program.quota_flows else [identity]
    for candidate_identity in identities:
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(
                program=program,
                identity=candidate_identity,
                status=WaitlistEntry.Status.WAITING,
                wants_promotion=True,
                application__status=Application.Status.ACTIVE,
            )  # fmt: skip
            .order_by("position")
            .first()
        )
        if entry is not None:
            return entry
    return None


def promote_next(*, actor, program, identity: str) -> Admission:
    """Offer a vacant place of `identity` to the next waitlisted applicant who wants it, with a reply deadline.

    The same identity's waitlist first; when it has no one left and the programme lets places flow, the other
    identity's (玖.二). Refused outside the promotion period, without a vacancy, or when the waitlist is
    exhausted. Side effects: audit entry (with who was passed over and why), message and email.
    """
    if actor is not None and not actor.is_portal_staff:
        raise DomainError(_("Only staff promote from the waitlist."))
    window = calendar_for(program.cycle).ensure_open(PROMOTION)
    now = clock.now()
    with transaction.atomic():
        pools = _lock_pools([program.pk])
        pool = pools.get((program.pk, identity))
        if pool is None:
            raise DomainError(_("Open the check-in for this programme first."))
        if pool.vacancies <= 0:
            raise DomainError(_("There is no vacant place for this identity."), code="no_vacancy")
        entry = _next_candidate(program, identity)
        if entry is None:
            raise DomainError(_("No one on the waitlist is left to promote; report the vacancy."), code="exhausted")
        skipped = list(
            WaitlistEntry.objects.filter(
                program=program,
                identity=entry.identity,
                status=WaitlistEntry.Status.WAITING,
                wants_promotion=False,
                position__lt=entry.position,
            ).values_list("position", flat=True)  # fmt: skip
        )
        deadline = now + timedelta(days=REPLY_DAYS)
        if window.ends_at is not None:
            deadline = min(deadline, window.ends_at)
        application = entry.application
        admission = Admission.objects.create(
            application=application, program=program, applicant_id=application.applicant_id, seat_identity=identity,
            source=Admission.Source.PROMOTION, deadline=deadline,
        )  # fmt: skip
        pool.held += 1
        pool.save(update_fields=["held"])
        entry.status, entry.admission = WaitlistEntry.Status.OFFERED, admission
        entry.save(update_fields=["status", "admission", "updated_at"])
        record_audit(actor=actor, action="enrolment.promote", target=admission,
                     after={"identity": identity, "waitlist": entry.identity, "position": entry.position,
                            "deadline": deadline.isoformat(), "skipped_no_wish": skipped},
                     reason=_("Next on the waitlist who wants to be promoted."))  # fmt: skip
        notify(
            user=application.applicant, template="enrolment/promoted", context={"admission": admission, "entry": entry}
        )
    return admission


def fill_vacancies(*, actor, program) -> list[Admission]:
    """Offer every vacant place in order (what the worker does when a place frees); stops quietly at the end."""
    offered = []
    if not calendar_for(program.cycle).is_open(PROMOTION):
        return offered
    for identity in Identity.values:
        while True:
            try:
                offered.append(promote_next(actor=actor, program=program, identity=identity))
            except DomainError:
                break
    return offered
