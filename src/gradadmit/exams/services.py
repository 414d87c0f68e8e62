"""Exam administration: exam numbers, interview slots, publishing and reopening, ticket batches, accommodations."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock, jobs
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import MB, check_pdf, check_photo, store_file
from gradadmit.cycles.models import Program
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.exams import rules
from gradadmit.exams.models import AccommodationRequest, AdmissionTicket, InterviewSlot, Publication, TicketBatch
from gradadmit.exams.selectors import visible_from
from gradadmit.notifications.services import notify

Result = ReviewDecision.Result
PROOF_LIMIT_MB = 5


def _lock_program(program) -> Publication:
    """Serialise exam administration of one programme on its publication row (created on first use)."""
    Program.objects.select_for_update().get(pk=program.pk)
    publication, _created = Publication.objects.get_or_create(program=program)
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _qualified(program):
    return Application.objects.filter(
        program=program, status=Application.Status.ACTIVE, review_decision__result=Result.QUALIFIED
    )


def assign_exam_numbers(*, actor, program) -> int:
    """Give every qualified application of the programme its exam number, in the documented order.

    Order (exams.rules.numbering_order): general before in-service, then by application time, then by id.
    Before the first publication the numbering is redone from scratch, so late decisions fall in order;
    after it, numbers never change: applications qualified later (while reopened) get the next numbers.
    Refused while published. Side effects: tickets created (or renumbered), an audit entry. Returns how
    many applications hold a number.
    """
    with transaction.atomic():
        publication = _lock_program(program)
        if publication.freezes_decisions:
            raise DomainError(_("The results are published: exam numbers cannot change. Reopen them first."))
        qualified = list(_qualified(program).order_by())
        existing = {t.application_id: t for t in AdmissionTicket.objects.filter(program=program)}
        now = clock.now()
        if not publication.was_published:
            AdmissionTicket.objects.filter(program=program).delete()
            ordered = rules.numbering_order(rules.Candidate(a.id, a.identity, a.applied_at) for a in qualified)
            AdmissionTicket.objects.bulk_create(
                AdmissionTicket(
                    application_id=candidate.application_id,
                    program=program,
                    sequence=sequence,
                    exam_number=rules.format_exam_number(program.code, sequence),
                    slot_id=existing[candidate.application_id].slot_id
                    if candidate.application_id in existing
                    else None,
                    assigned_at=now,
                )
                for sequence, candidate in enumerate(ordered, start=1)
            )
            count = len(ordered)
        else:
            new = rules.numbering_order(
                rules.Candidate(a.id, a.identity, a.applied_at) for a in qualified if a.id not in existing
            )
            last = AdmissionTicket.objects.filter(program=program).aggregate(m=Max("sequence"))["m"] or 0
            AdmissionTicket.objects.bulk_create(
                AdmissionTicket(
                    application_id=candidate.application_id,
                    program=program,
                    sequence=last + offset,
                    exam_number=rules.format_exam_number(program.code, last + offset),
                    assigned_at=now,
                )
                for offset, candidate in enumerate(new, start=1)
            )
            count = len(existing) + len(new)
        record_audit(actor=actor, action="exams.assign_numbers", target=publication, after={"tickets": count})
    return count


def add_interview_slot(*, actor, program, starts_at, ends_at, room: str, capacity: int) -> InterviewSlot:
    """A time and room of the interview. Side effect: audit entry."""
    if ends_at <= starts_at:
        raise DomainError(_("The slot must end after it starts."))
    if not room.strip():
        raise DomainError(_("Give the room."))
    if capacity < 1:
        raise DomainError(_("A slot holds at least one applicant."))
    with transaction.atomic():
        publication = _lock_program(program)
        if publication.freezes_decisions:
            raise DomainError(_("The results are published: reopen them to change the interview slots."))
        slot = InterviewSlot.objects.create(
            program=program, starts_at=starts_at, ends_at=ends_at, room=room.strip(), capacity=capacity
        )
        record_audit(
            actor=actor,
            action="exams.add_slot",
            target=slot,
            after=snapshot(slot, ["starts_at", "ends_at", "room", "capacity"]),
        )
    return slot


def assign_interview_slots(*, actor, program) -> int:
    """Place tickets in the slots in exam-number order, each slot filled up to its capacity in time order.

    Before the first publication every ticket is placed again; after it, placed tickets stay and only
    tickets without a slot are placed in the room left. Returns how many tickets have no slot (too few places).
    """
    with transaction.atomic():
        publication = _lock_program(program)
        if publication.freezes_decisions:
            raise DomainError(_("The results are published: reopen them to change the interview slots."))
        slots = list(InterviewSlot.objects.filter(program=program).order_by("starts_at", "room", "id"))
        tickets = list(AdmissionTicket.objects.filter(program=program).order_by("sequence"))
        if publication.was_published:
            used = {}
            for ticket in tickets:
                if ticket.slot_id:
                    used[ticket.slot_id] = used.get(ticket.slot_id, 0) + 1
            tickets = [t for t in tickets if t.slot_id is None]
            capacities = [max(0, s.capacity - used.get(s.id, 0)) for s in slots]
        else:
            capacities = [s.capacity for s in slots]
        placement = rules.fill_slots(len(tickets), capacities)
        for ticket, index in zip(tickets, placement, strict=True):
            ticket.slot = slots[index] if index is not None else None
        AdmissionTicket.objects.bulk_update(tickets, ["slot"])
        unplaced = sum(1 for index in placement if index is None)
        record_audit(
            actor=actor, action="exams.assign_slots", target=publication, after={"placed": len(tickets) - unplaced}
        )
    return unplaced


def publication_problems(program) -> list[str]:
    """What must be done before the programme's lists can be published (empty: ready)."""
    problems = []
    active = Application.objects.filter(program=program, status=Application.Status.ACTIVE)
    undecided = active.exclude(review_decision__result__in=[Result.QUALIFIED, Result.NOT_QUALIFIED]).count()
    if undecided:
        problems.append(
            _("%(count)d application(s) are not decided yet (not reviewed, supplement or committee).")
            % {"count": undecided}
        )
    qualified = _qualified(program)
    without_number = qualified.filter(ticket__isnull=True).count()
    if without_number:
        problems.append(_("%(count)d qualified application(s) have no exam number.") % {"count": without_number})
    if InterviewSlot.objects.filter(program=program).exists():
        without_slot = qualified.filter(ticket__slot__isnull=True).count()
        if without_slot:
            problems.append(_("%(count)d ticket(s) have no interview slot.") % {"count": without_slot})
    if not qualified.exists():
        problems.append(_("No application is qualified."))
    return problems


def publish_results(*, actor, program) -> Publication:
    """Publish the eligibility results, the stage-1 and interview lists and the tickets of the programme.

    They become visible to applicants and visitors at the calendar's eligibility-result time (or now if it
    has passed). Refused while something is undecided or unnumbered. Side effects: decisions frozen,
    audit entry, a message and an email to every qualified applicant saying when the ticket can be printed
    (on the first publication only).
    """
    with transaction.atomic():
        publication = _lock_program(program)
        if publication.state == Publication.State.PUBLISHED:
            raise DomainError(_("The results are already published."))
        problems = publication_problems(program)
        if problems:
            raise DomainError(_("Not ready to publish: %(problems)s") % {"problems": " ".join(problems)})
        before = snapshot(publication, ["state", "published_at"])
        first = not publication.was_published
        now = clock.now()
        publication.state = Publication.State.PUBLISHED
        publication.published_at = now
        publication.first_published_at = publication.first_published_at or now
        publication.published_by = actor
        publication.save()
        record_audit(
            actor=actor,
            action="exams.publish",
            target=publication,
            before=before,
            after=snapshot(publication, ["state", "published_at"]),
        )
        if first:
            opens = visible_from(publication, calendar_for(program.cycle))
            for application in _qualified(program).select_related("applicant", "program", "ticket"):
                notify(
                    user=application.applicant,
                    template="exams/published",
                    context={"application": application, "ticket": application.ticket, "opens": opens},
                )
    return publication


def reopen_results(*, actor, program, reason: str) -> Publication:
    """Allow corrections after publication (decisions, new numbers appended, slots for new tickets).

    The published lists stay visible and published numbers never change. Side effect: audit entry with the reason.
    """
    if not reason.strip():
        raise DomainError(_("Say why the results are reopened."))
    with transaction.atomic():
        publication = _lock_program(program)
        if publication.state != Publication.State.PUBLISHED:
            raise DomainError(_("The results are not published."))
        publication.state = Publication.State.REOPENED
        publication.reopen_reason = reason.strip()
        publication.save(update_fields=["state", "reopen_reason"])
        record_audit(
            actor=actor,
            action="exams.reopen",
            target=publication,
            before={"state": Publication.State.PUBLISHED},
            after={"state": publication.state},
            reason=reason.strip(),
        )
    return publication


def request_ticket_batch(*, actor, program) -> TicketBatch:
    """Queue the zip of every ticket PDF of the programme (built by the worker). Side effect: a task."""
    from gradadmit.exams.tasks import build_ticket_batch

    with transaction.atomic():
        if not AdmissionTicket.objects.filter(program=program).exists():
            raise DomainError(_("Assign exam numbers first."))
        running = TicketBatch.objects.filter(
            program=program, status__in=[TicketBatch.Status.QUEUED, TicketBatch.Status.RUNNING]
        ).first()
        if running is not None:
            return running
        batch = TicketBatch.objects.create(program=program, requested_by=actor)
        jobs.enqueue(build_ticket_batch, batch_id=batch.pk)
    return batch


def retry_ticket_batch(*, actor, batch: TicketBatch) -> TicketBatch:
    """Build a failed ticket zip again (same batch, from the start). Side effects: a task, an audit entry."""
    from gradadmit.exams.tasks import build_ticket_batch

    return jobs.retry_failed_build(actor=actor, build=batch, task=build_ticket_batch,
                                   action="exams.ticket_batch_retried", batch_id=batch.pk)  # fmt: skip


# --- Accommodation requests (附件七) --------------------------------------------------------------


ACCOMMODATION_FIELDS = [
    "category",
    "severity",
    "certificate_number",
    "description",
    "brings_aids",
    "extra_time",
    "enlarged_paper",
    "early_entry",
    "other_needs",
]


def submit_accommodation(*, applicant, application, data: dict, proof) -> AccommodationRequest:
    """File (or replace, while undecided) the accommodation request of an application, with its proof.

    The proof (a copy of the disability certificate) is checked by content: PDF, or a JPEG/PNG photo.
    Refused once staff decided the request. No message or email: staff see it in their list.
    """
    if application.applicant_id != applicant.id or not application.is_active:
        raise DomainError(_("This application was withdrawn."))
    if (
        not any(data.get(name) for name in ("extra_time", "enlarged_paper", "early_entry"))
        and not (data.get("other_needs") or "").strip()
    ):
        raise DomainError(_("Tick at least one kind of help, or describe what you need."))
    if proof is None:
        raise DomainError(_("Attach a copy of your disability certificate (PDF, JPEG or PNG)."))
    head = proof.read(5)
    proof.seek(0)
    if head.startswith(b"%PDF"):
        checked = check_pdf(proof, max_bytes=PROOF_LIMIT_MB * MB)
    else:
        checked = check_photo(proof, max_bytes=PROOF_LIMIT_MB * MB)
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        request = AccommodationRequest.objects.filter(application=application).first()
        if request is not None and request.status != AccommodationRequest.Status.PENDING:
            raise DomainError(_("Your request was already decided; contact the admissions office to change it."))
        request = request or AccommodationRequest(application=application)
        for name in ACCOMMODATION_FIELDS:
            setattr(request, name, data.get(name, getattr(request, name)))
        request.proof_extension = checked.extension
        request.proof_content_type = checked.content_type
        request.submitted_at = clock.now()
        proof.seek(0)
        content = checked.content if checked.content is not None else proof.read()
        store_file(request.proof, "proof", ContentFile(content))
        request.save()
    return request


def decide_accommodation(*, actor, request: AccommodationRequest, approved: bool, note: str) -> AccommodationRequest:
    """Approve (say what is granted) or refuse (say why) an accommodation request.

    Side effects: audit entry with before/after; a message and an email to the applicant.
    """
    note = note.strip()
    if not approved and not note:
        raise DomainError(_("Say why the request is not approved."))
    with transaction.atomic():
        locked = (
            AccommodationRequest.objects.select_for_update().select_related("application__applicant").get(pk=request.pk)
        )
        before = snapshot(locked, ["status", "decision_note"])
        locked.status = AccommodationRequest.Status.APPROVED if approved else AccommodationRequest.Status.REJECTED
        locked.decision_note = note
        locked.decided_by, locked.decided_at = actor, clock.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="exams.decide_accommodation",
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "decision_note"]),
        )
        notify(
            user=locked.application.applicant,
            template="exams/accommodation",
            context={"application": locked.application, "request": locked},
        )
    return locked
