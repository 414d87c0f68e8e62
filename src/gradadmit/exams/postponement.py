"""Postponing a milestone after a major incident (附錄四): preview, then one audited operation.

After a typhoon, earthquake, epidemic or other major incident the office moves a step of the calendar (the
interview day, usually) for the whole cycle or one programme, with the later steps it chooses, by the same
amount. Applying it, in one transaction: the calendar (for one programme, that programme's own dates, kept as
PostponementChange rows the ticket reads), the interview slots of the day, the tickets' reissue queued for the
worker (old versions marked void), a message and an email to every affected applicant (batched: two INSERTs),
a public announcement, an audit entry. A fixed number of queries whatever the number of applicants.

Locks: the cycle row, so two postponements of one cycle run one after the other (each reads the dates the
other wrote). Refused: a new time in the past, a step already over, a time not later than the current one.
附錄四 asks that the decision be published at least three hours before the exam; a postponement decided later
than that is allowed (the incident does not wait) and carries a warning, on the preview and on the record.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Cycle, Milestone, Program
from gradadmit.exams.models import AdmissionTicket, InterviewSlot, Postponement, PostponementChange

SHORT_NOTICE = timedelta(hours=3)  # 附錄四: published at least three hours before the exam
INTERVIEW = Milestone.Kind.INTERVIEW
PREVIEW_ROWS = 100


@dataclass(frozen=True)
class DateMove:
    kind: str
    scope: str
    old_starts_at: datetime
    old_ends_at: datetime | None
    new_starts_at: datetime
    new_ends_at: datetime | None

    @property
    def label(self) -> str:
        return str(Milestone.Kind(self.kind).label)

    @property
    def scope_label(self) -> str:
        return str(Milestone.Scope(self.scope).label)


@dataclass
class PostponementPlan:
    cycle: Cycle
    program: Program | None
    kind: str
    reason: str
    delta: timedelta
    old_starts_at: datetime
    new_starts_at: datetime
    moves: list[DateMove]
    programs: list[Program]
    slot_ids: list[int]
    slots: list[tuple] = field(default_factory=list)  # (slot, new start, new end), the first PREVIEW_ROWS
    applicant_ids: list[int] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # who is affected, the first PREVIEW_ROWS
    ticket_count: int = 0
    short_notice: bool = False

    @property
    def moves_interview(self) -> bool:
        return any(move.kind == INTERVIEW for move in self.moves)

    @property
    def warnings(self) -> list[str]:
        if not self.short_notice:
            return []
        return [
            _(
                "附錄四 asks for the decision at least three hours before the exam, and less than three hours are "
                "left. It is applied, but applicants may not see it in time: announce it through every channel "
                "and expect some at the old time."
            )
        ]


def _later_milestones(milestones, old_starts_at, kind):
    return [m for m in milestones if m.kind != kind and m.starts_at > old_starts_at]


def later_steps(cycle, kind) -> list[tuple[str, str]]:
    """(kind, label) of the steps after `kind` in the cycle's calendar: the ones that may move with it."""
    milestones = list(Milestone.objects.filter(cycle=cycle))
    reference = next((m for m in milestones if m.kind == kind and m.scope == Milestone.Scope.ALL), None)
    if reference is None:
        return []
    kinds = dict.fromkeys(m.kind for m in _later_milestones(milestones, reference.starts_at, kind))
    return [(k, str(Milestone.Kind(k).label)) for k in kinds]


def _overrides(program) -> dict[tuple[str, str], PostponementChange]:
    """The programme's own dates from earlier postponements of that programme: the latest per step."""
    if program is None:
        return {}
    latest = {}
    for change in PostponementChange.objects.filter(program=program).order_by("postponement__applied_at", "id"):
        latest[change.kind, "all"] = change
    return latest


def program_milestone(program, kind, calendar):
    """The step's dates for one programme: its own (moved by a programme postponement) or the cycle's."""
    change = _overrides(program).get((kind, "all"))
    if change is not None:
        return SimpleNamespace(kind=kind, starts_at=change.new_starts_at, ends_at=change.new_ends_at)
    return calendar.milestone(kind)


def _day_bounds(start, end):
    """Local midnight of the first day to local midnight after the last day (Asia/Taipei)."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end or start).date()
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def plan_postponement(*, cycle, program=None, kind: str, new_starts_at, also=(), reason: str, now=None):
    """What the postponement would change and whom it concerns, without changing anything (the preview).

    Raises DomainError for a refusal. Reads a fixed number of queries.
    """
    now = now or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason (the incident) for the postponement."))
    if program is not None and program.cycle_id != cycle.pk:
        raise DomainError(_("This programme belongs to another cycle."))
    if new_starts_at is None:
        raise DomainError(_("Give the new date and time."))
    milestones = list(Milestone.objects.filter(cycle=cycle))
    overrides = _overrides(program)
    dates = {}
    for m in milestones:
        change = overrides.get((m.kind, m.scope))
        dates[m.kind, m.scope] = (
            (change.new_starts_at, change.new_ends_at) if change is not None else (m.starts_at, m.ends_at)
        )
    if (kind, Milestone.Scope.ALL) not in dates:
        raise DomainError(_("The calendar has no such step."))
    old_starts_at, old_ends_at = dates[kind, Milestone.Scope.ALL]
    if (old_ends_at or old_starts_at) <= now:
        raise DomainError(_("This step is already over: it cannot be postponed."))
    if new_starts_at <= now:
        raise DomainError(_("The new date and time are in the past. Choose a time to come."))
    if new_starts_at <= old_starts_at:
        raise DomainError(_("A postponement moves the step later than it is now."))
    also = set(also) - {kind}
    later = {m.kind for m in _later_milestones(milestones, old_starts_at, kind)}
    unknown = also - later
    if unknown:
        raise DomainError(_("Only steps after the postponed one can move with it."))
    delta = new_starts_at - old_starts_at
    moving = {kind, *also}
    moves = [
        DateMove(m.kind, m.scope, start, end, start + delta, end + delta if end else None)
        for m in sorted(milestones, key=lambda m: (m.starts_at, m.id))
        if m.kind in moving
        for start, end in [dates[m.kind, m.scope]]
    ]
    programs = [program] if program is not None else list(Program.objects.filter(cycle=cycle).order_by("code"))
    plan = PostponementPlan(cycle=cycle, program=program, kind=kind, reason=reason, delta=delta,
                            old_starts_at=old_starts_at, new_starts_at=new_starts_at, moves=moves, programs=programs,
                            slot_ids=[], short_notice=old_starts_at - now < SHORT_NOTICE)  # fmt: skip
    interview = next((m for m in moves if m.kind == INTERVIEW and m.scope == Milestone.Scope.ALL), None)
    applications = Application.objects.real().active().filter(program__in=programs)
    if interview is not None:
        low, high = _day_bounds(interview.old_starts_at, interview.old_ends_at)
        slots = list(
            InterviewSlot.objects.filter(program__in=programs, starts_at__gte=low, starts_at__lt=high)
            .select_related("program")
            .order_by("program__code", "starts_at", "room")
        )
        plan.slot_ids = [slot.pk for slot in slots]
        plan.slots = [(s, s.starts_at + delta, s.ends_at + delta) for s in slots[:PREVIEW_ROWS]]
        applications = applications.filter(ticket__isnull=False)
    rows = list(
        applications.order_by("program__code", "ticket__sequence", "pk").values(
            "pk", "applicant_id", "applicant__profile__name_zh", "applicant__email", "program__code",
            "ticket__exam_number", "ticket__slot__starts_at",
        )
    )  # fmt: skip
    plan.applicant_ids = list(dict.fromkeys(row["applicant_id"] for row in rows))
    plan.ticket_count = sum(1 for row in rows if row["ticket__exam_number"]) if interview is not None else 0
    plan.rows = [
        {**row, "new_slot_starts_at": row["ticket__slot__starts_at"] + delta if row["ticket__slot__starts_at"]
         else None}
        for row in rows[:PREVIEW_ROWS]
    ]  # fmt: skip
    return plan


def apply_postponement(*, actor, cycle, program=None, kind: str, new_starts_at, also=(), reason: str) -> Postponement:
    """Postpone the step (and the chosen later ones) in one audited operation; see the module's docstring.

    Side effects: milestones (or the programme's own dates) and interview slots moved; a Postponement with its
    changes; a public announcement; a message and email to each affected applicant; the tickets' reissue
    queued (exams.tasks.reissue_postponed_tickets); an audit entry.
    """
    from gradadmit.exams.tasks import reissue_postponed_tickets

    if not (actor and actor.is_office):
        raise DomainError(_("Only the admissions office postpones a step."))
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        plan = plan_postponement(cycle=cycle, program=program, kind=kind, new_starts_at=new_starts_at, also=also,
                                 reason=reason)  # fmt: skip
        now = clock.now()
        postponement = Postponement.objects.create(
            cycle=cycle, program=program, kind=kind, reason=plan.reason, old_starts_at=plan.old_starts_at,
            new_starts_at=plan.new_starts_at, short_notice=plan.short_notice, affected=len(plan.applicant_ids),
            tickets_total=plan.ticket_count, applied_by=actor, applied_at=now,
        )  # fmt: skip
        PostponementChange.objects.bulk_create(
            PostponementChange(postponement=postponement, program=program, kind=m.kind, old_starts_at=m.old_starts_at,
                               old_ends_at=m.old_ends_at, new_starts_at=m.new_starts_at, new_ends_at=m.new_ends_at)
            for m in plan.moves
            if program is not None or m.scope == Milestone.Scope.ALL
        )  # fmt: skip
        if program is None:
            _move_milestones(cycle, plan)
        if plan.slot_ids:
            InterviewSlot.objects.filter(pk__in=plan.slot_ids).update(
                starts_at=F("starts_at") + plan.delta, ends_at=F("ends_at") + plan.delta
            )
        postponement.announcement = _announce(actor, plan).announcement
        postponement.save(update_fields=["announcement"])
        _tell_applicants(plan, postponement)
        if plan.moves_interview and plan.ticket_count:
            jobs.enqueue(reissue_postponed_tickets, postponement_id=postponement.pk)
        record_audit(actor=actor, action="exams.postpone", target=postponement, reason=plan.reason, after={
            "kind": kind, "program": program.pk if program else None, "moves": [
                [m.kind, m.scope, m.old_starts_at.isoformat(), m.new_starts_at.isoformat()] for m in plan.moves],
            "slots": len(plan.slot_ids), "applicants": len(plan.applicant_ids), "tickets": plan.ticket_count,
            "short_notice": plan.short_notice,
        })  # fmt: skip
    return postponement


def _move_milestones(cycle, plan):
    moving = {(m.kind, m.scope): m for m in plan.moves}
    milestones = [m for m in Milestone.objects.filter(cycle=cycle) if (m.kind, m.scope) in moving]
    for milestone in milestones:
        move = moving[milestone.kind, milestone.scope]
        milestone.starts_at, milestone.ends_at = move.new_starts_at, move.new_ends_at
    # Later steps first would break no constraint either way (each row moves by the same amount, end ≥ start).
    Milestone.objects.bulk_update(milestones, ["starts_at", "ends_at"])


def _texts(plan, template: str) -> dict[str, str]:
    context = {
        "plan": plan,
        "cycle": plan.cycle,
        "program": plan.program,
        "moves": plan.moves,
        "site_url": settings.SITE_URL,
    }
    texts = {}
    for language, suffix in (("zh-hant", "zh"), ("en", "en")):
        with translation.override(language):
            texts[f"subject_{suffix}"] = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            texts[f"body_{suffix}"] = render_to_string(f"{template}_body.txt", context).strip()
    return texts


def _announce(actor, plan):
    from gradadmit.announcements.services import create_announcement

    texts = _texts(plan, "exams/postponement/announcement")
    return create_announcement(actor=actor, cycle=plan.cycle, program=plan.program, title_zh=texts["subject_zh"],
                               title_en=texts["subject_en"], body_zh=texts["body_zh"], body_en=texts["body_en"],
                               pinned=True)  # fmt: skip


def _tell_applicants(plan, postponement):
    """One message and one email per affected applicant, rendered once (the text names no person): two INSERTs."""
    from django.contrib.auth import get_user_model

    from gradadmit.notifications.services import MessageDraft, deliver_messages

    if not plan.applicant_ids:
        return
    texts = _texts(plan, "notifications/email/exams/postponed")
    users = get_user_model().objects.filter(pk__in=plan.applicant_ids).only("pk", "email")
    deliver_messages([
        MessageDraft(user=user, kind="exams/postponed", cause=f"postponement:{postponement.pk}", **texts)
        for user in users
    ])  # fmt: skip


def reissue_tickets(postponement_id: int) -> int:
    """The worker's part: every affected ticket gets its next version, rendered and stored; earlier ones void.

    Idempotent: a ticket already reissued for this postponement is skipped, so a killed worker's rerun carries
    on where it stopped. Returns how many tickets this run reissued.
    """
    from django.core.files.base import ContentFile

    from gradadmit.core.uploads import store_file
    from gradadmit.exams.models import TicketIssue
    from gradadmit.exams.tickets import render_ticket

    postponement = Postponement.objects.select_related("cycle", "program").get(pk=postponement_id)
    programs = [postponement.program] if postponement.program else list(postponement.cycle.programs.all())
    pending = (
        AdmissionTicket.objects.filter(program__in=programs, application__status=Application.Status.ACTIVE)
        .filter(program__cycle__is_practice=False)
        .exclude(issues__postponement=postponement)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for ticket_id in list(pending):
        with transaction.atomic():
            ticket = (
                AdmissionTicket.objects.select_for_update(of=("self",))
                .select_related("application__program__cycle", "application__applicant__profile", "slot")
                .get(pk=ticket_id)
            )
            if TicketIssue.objects.filter(ticket=ticket, postponement=postponement).exists():
                continue
            now = clock.now()
            TicketIssue.objects.filter(ticket=ticket, voided_at__isnull=True).update(voided_at=now)
            TicketIssue.objects.get_or_create(ticket=ticket, version=ticket.version,
                                              defaults={"issued_at": ticket.assigned_at, "voided_at": now})  # fmt: skip
            ticket.version += 1
            ticket.reissued_at = now
            ticket.save(update_fields=["version", "reissued_at"])
            issue = TicketIssue(ticket=ticket, version=ticket.version, postponement=postponement, issued_at=now)
            store_file(issue.file, f"ticket-{ticket.exam_number}-v{ticket.version}.pdf",
                       ContentFile(render_ticket(ticket)))  # fmt: skip
            issue.save()
            Postponement.objects.filter(pk=postponement.pk).update(tickets_reissued=F("tickets_reissued") + 1)
            done += 1
    return done
