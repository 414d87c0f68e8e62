"""Postponement after a major incident (附錄四): refusals, the warning, the one operation and its query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gradadmit.announcements.models import Announcement
from gradadmit.core import clock
from gradadmit.core.audit import AuditEntry
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Milestone
from gradadmit.exams import services
from gradadmit.exams.models import AdmissionTicket, InterviewSlot, Postponement, PostponementChange, TicketIssue
from gradadmit.exams.postponement import apply_postponement, plan_postponement
from gradadmit.exams.tests.conftest import qualify
from gradadmit.exams.tickets import ticket_context
from gradadmit.notifications.models import Message
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory, ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def _day(days, hour):
    local = timezone.localtime(clock.now()) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def office():
    return OfficeFactory()


def _setup(program, office, count, *, interview_in_days=3):
    """`count` qualified applications with tickets in two slots on the interview day; a later results step."""
    cycle = program.cycle
    Milestone.objects.create(
        cycle=cycle, kind="interview", starts_at=_day(interview_in_days, 9), ends_at=_day(interview_in_days, 17)
    )
    Milestone.objects.filter(cycle=cycle, kind="results").update(starts_at=_day(interview_in_days + 10, 10))
    for _i in range(count):
        qualify(ApplicationFactory(program=program))
    services.assign_exam_numbers(actor=office, program=program)
    half = max(1, (count + 1) // 2)
    for hour in (9, 13):
        services.add_interview_slot(actor=office, program=program, starts_at=_day(interview_in_days, hour),
                                    ends_at=_day(interview_in_days, hour + 3), room="E301", capacity=half)  # fmt: skip
    services.assign_interview_slots(actor=office, program=program)
    return cycle


def _postpone(office, program, *, whole_cycle=False, days=7, **kwargs):
    return apply_postponement(actor=office, cycle=program.cycle, program=None if whole_cycle else program,
                              kind="interview", new_starts_at=_day(days, 9),
                              reason=kwargs.pop("reason", "Typhoon warning (颱風警報)"), **kwargs)  # fmt: skip


def test_postponing_to_a_time_in_the_past_is_refused(office):
    program = ProgramFactory()
    _setup(program, office, 2)
    with pytest.raises(DomainError, match="past"):
        plan_postponement(cycle=program.cycle, program=program, kind="interview",
                          new_starts_at=clock.now() - timedelta(hours=1), reason="Earthquake")  # fmt: skip


def test_postponing_a_step_already_over_is_refused(office):
    program = ProgramFactory()
    _setup(program, office, 1)
    Milestone.objects.filter(cycle=program.cycle, kind="interview").update(
        starts_at=clock.now() - timedelta(days=2), ends_at=clock.now() - timedelta(days=1)
    )
    with pytest.raises(DomainError, match="already over"):
        plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), reason="Earthquake")
    assert not Postponement.objects.exists()


def test_postponing_earlier_than_the_step_is_refused(office):
    program = ProgramFactory()
    _setup(program, office, 1)
    with pytest.raises(DomainError, match="later"):
        plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(2, 9), reason="Typhoon")


def test_a_postponement_needs_a_reason(office):
    program = ProgramFactory()
    _setup(program, office, 1)
    with pytest.raises(DomainError, match="reason"):
        plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), reason="  ")


def test_only_later_steps_may_move_with_it(office):
    program = ProgramFactory()
    _setup(program, office, 1)
    with pytest.raises(DomainError, match="after"):
        plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), also=["application"],
                          reason="Typhoon")  # fmt: skip


def test_less_than_three_hours_before_the_exam_is_allowed_with_the_warning(office):
    program = ProgramFactory()
    _setup(program, office, 2)
    Milestone.objects.filter(cycle=program.cycle, kind="interview").update(
        starts_at=clock.now() + timedelta(hours=2), ends_at=clock.now() + timedelta(hours=8)
    )
    plan = plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), reason="Typhoon")
    assert plan.short_notice
    assert "three hours" in plan.warnings[0]
    postponement = _postpone(office, program, whole_cycle=True)
    assert postponement.short_notice


def test_three_hours_or_more_before_gives_no_warning(office):
    program = ProgramFactory()
    _setup(program, office, 1)
    plan = plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), reason="Typhoon")
    assert not plan.short_notice and plan.warnings == []


def test_preview_shows_who_is_affected_and_changes_nothing(office):
    program = ProgramFactory()
    _setup(program, office, 4)
    other = ApplicationFactory(program=program)  # not qualified: no ticket, not invited to the interview
    plan = plan_postponement(cycle=program.cycle, program=program, kind="interview", new_starts_at=_day(7, 9),
                             also=["results"], reason="Typhoon")  # fmt: skip
    assert len(plan.applicant_ids) == 4 and other.applicant_id not in plan.applicant_ids
    assert plan.ticket_count == 4 and len(plan.slot_ids) == 2
    assert [m.kind for m in plan.moves] == ["interview", "results"]
    assert plan.rows[0]["new_slot_starts_at"] == plan.rows[0]["ticket__slot__starts_at"] + timedelta(days=4)
    assert not Postponement.objects.exists()
    assert Milestone.objects.get(cycle=program.cycle, kind="interview").starts_at == _day(3, 9)


def test_whole_cycle_postponement_moves_calendar_slots_and_chosen_later_steps(
    office, django_capture_on_commit_callbacks
):
    program = ProgramFactory()
    cycle = _setup(program, office, 3)
    application_end = Milestone.objects.get(cycle=cycle, kind="application", scope="all").ends_at
    with django_capture_on_commit_callbacks(execute=True):
        postponement = _postpone(office, program, whole_cycle=True, also=["results"])
    interview = Milestone.objects.get(cycle=cycle, kind="interview")
    assert (interview.starts_at, interview.ends_at) == (_day(7, 9), _day(7, 17))
    assert Milestone.objects.get(cycle=cycle, kind="results").starts_at == _day(17, 10)
    assert Milestone.objects.get(cycle=cycle, kind="application", scope="all").ends_at == application_end
    assert sorted(s.starts_at for s in InterviewSlot.objects.filter(program=program)) == [_day(7, 9), _day(7, 13)]
    # Each applicant: one message and one email; a pinned public announcement; an audit entry.
    assert Message.objects.filter(kind="exams/postponed").count() == 3
    assert Email.objects.filter(cause=f"postponement:{postponement.pk}").count() == 3
    announcement = Announcement.objects.get(pk=postponement.announcement_id)
    assert announcement.pinned and announcement.program is None and "Typhoon" in announcement.body_en
    assert AuditEntry.objects.filter(action="exams.postpone", target_id=str(postponement.pk)).exists()
    # The worker reissued every ticket: version 2 stored, version 1 void.
    postponement.refresh_from_db()
    assert postponement.tickets_reissued == postponement.tickets_total == 3
    for ticket in AdmissionTicket.objects.filter(program=program):
        assert ticket.version == 2 and ticket.reissued_at is not None
        issues = {i.version: i for i in TicketIssue.objects.filter(ticket=ticket)}
        assert issues[1].voided_at is not None and not issues[1].file
        assert issues[2].voided_at is None and issues[2].file


def test_reissue_is_idempotent(office, django_capture_on_commit_callbacks):
    from gradadmit.exams.postponement import reissue_tickets

    program = ProgramFactory()
    _setup(program, office, 2)
    with django_capture_on_commit_callbacks(execute=True):
        postponement = _postpone(office, program)
    assert reissue_tickets(postponement.pk) == 0
    assert set(AdmissionTicket.objects.values_list("version", flat=True)) == {2}
    assert TicketIssue.objects.count() == 4


def test_programme_postponement_keeps_the_cycle_calendar_and_gives_the_programme_its_date(office):
    program = ProgramFactory()
    cycle = _setup(program, office, 2)
    other = ProgramFactory(cycle=cycle)
    other_slot = InterviewSlot.objects.create(program=other, starts_at=_day(3, 9), ends_at=_day(3, 12), room="A1")
    _postpone(office, program)
    assert Milestone.objects.get(cycle=cycle, kind="interview").starts_at == _day(3, 9)
    assert PostponementChange.objects.get(program=program, kind="interview").new_starts_at == _day(7, 9)
    assert InterviewSlot.objects.get(pk=other_slot.pk).starts_at == _day(3, 9)
    ticket = AdmissionTicket.objects.filter(program=program).select_related("application__program__cycle").first()
    assert ticket_context(ticket)["interview"].starts_at == _day(7, 9)


def test_practice_applications_are_not_told(office):
    from gradadmit.cycles.models import Cycle

    program = ProgramFactory()
    _setup(program, office, 2)
    Cycle.objects.filter(pk=program.cycle_id).update(is_practice=True)
    plan = plan_postponement(cycle=program.cycle, kind="interview", new_starts_at=_day(7, 9), reason="Typhoon")
    assert plan.applicant_ids == []


def _queries_to_postpone(count):
    office = OfficeFactory()
    program = ProgramFactory()
    _setup(program, office, count)
    with CaptureQueriesContext(connection) as queries:
        postponement = _postpone(office, program, also=["results"])
    assert postponement.affected == count
    return len(queries)


def test_postponing_costs_the_same_queries_for_few_or_many_applicants():
    assert _queries_to_postpone(3) == _queries_to_postpone(40)


def test_department_staff_cannot_postpone(client, program, staff):
    _setup(program, OfficeFactory(), 1)
    client.force_login(staff)
    assert client.get(reverse("exams:postpone", args=[program.cycle_id])).status_code == 403


def test_office_previews_then_applies_through_the_page(client, office, english):
    program = ProgramFactory()
    cycle = _setup(program, office, 2)
    client.force_login(office)
    url = reverse("exams:postpone", args=[cycle.pk])
    data = {"program": program.pk, "kind": "interview", "new_starts_at": _day(7, 9).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Typhoon", "action": "preview"}  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 200 and b"Who is affected" in page.content
    assert not Postponement.objects.exists()
    response = client.post(url, {**data, "action": "apply"})
    postponement = Postponement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exams:postponement", args=[postponement.pk])
    refused = client.post(url, {**data, "new_starts_at": "2001-01-01T09:00", "action": "apply"})
    assert refused.status_code == 200 and b"past" in refused.content


def _bulk_programme(office, count):
    """A programme with `count` applicants holding tickets in one slot, inserted in bulk (no services: speed)."""
    from gradadmit.accounts.models import User
    from gradadmit.applications.models import Application

    program = ProgramFactory()
    cycle = program.cycle
    Milestone.objects.create(cycle=cycle, kind="interview", starts_at=_day(3, 9), ends_at=_day(3, 17))
    slot = InterviewSlot.objects.create(program=program, starts_at=_day(3, 9), ends_at=_day(3, 17), room="E1",
                                        capacity=count)  # fmt: skip
    prefix = f"bulk{program.pk}"
    users = User.objects.bulk_create(User(email=f"{prefix}-{i}@example.tw") for i in range(count))
    now = clock.now()
    applications = Application.objects.bulk_create(
        Application(applicant=user, program=program, identity="general", applied_at=now) for user in users
    )
    AdmissionTicket.objects.bulk_create(
        AdmissionTicket(
            application=a, program=program, exam_number=f"E{i:05d}", sequence=i, slot=slot, assigned_at=now
        )  # fmt: skip
        for i, a in enumerate(applications, start=1)
    )
    return program


def test_postponing_a_1000_applicant_programme_costs_the_queries_of_a_ten_applicant_one(office):
    shapes = {}
    for size in (10, 1000):
        program = _bulk_programme(office, size)
        with CaptureQueriesContext(connection) as queries:
            postponement = _postpone(office, program)
        assert postponement.affected == postponement.tickets_total == size
        inserts = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
        shapes[size] = (len(queries) - len(inserts), sorted({sql.split("(")[0] for sql in inserts}), len(inserts))
    # Reads and updates: the same number. Inserts: the same tables, in bulk. SQLite caps the parameters of one
    # statement (999), so a bulk insert of 1,000 emails is split in batches there; PostgreSQL sends one each.
    assert shapes[10][:2] == shapes[1000][:2]
    if connection.features.max_query_params is None:
        assert shapes[10][2] == shapes[1000][2]
    else:
        assert shapes[1000][2] <= 2 * (1000 * 12 // connection.features.max_query_params + 1) + shapes[10][2]
    assert Message.objects.filter(kind="exams/postponed").count() == 1010
