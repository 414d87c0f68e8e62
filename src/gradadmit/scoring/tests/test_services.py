"""Scoring services: reviewer scores, staff entry, stage locks, invitations, runs, publication, regrade, appeals."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import Milestone, SelectionStage
from gradadmit.notifications.models import Message
from gradadmit.scoring import services
from gradadmit.scoring.models import InterviewInvitation, RankingRun, ReviewerScore, ScoringSettings, StageScore
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def stages(program):
    return list(program.stages.order_by("order"))


def results_now(program):
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))


def scored(program, rows, actor=None):
    """rows: [(identity, stage1, stage2)] → applications with stage scores, all invited."""
    actor = actor or OfficeFactory()
    s1, s2 = stages(program)
    apps = []
    for identity, a, b in rows:
        application = ApplicationFactory(program=program, identity=identity)
        services.enter_stage_score(actor=actor, application=application, stage=s1, score=a)
        if b is None:
            services.enter_stage_score(actor=actor, application=application, stage=s2, absent=True)
        else:
            services.enter_stage_score(actor=actor, application=application, stage=s2, score=b)
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
        apps.append(application)
    return apps


# --- scores ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["-1", "100.01", "85.555", "abc", "NaN", ""])
def test_score_outside_range_or_precision_refused(bad):
    with pytest.raises(DomainError):
        services.parse_score(bad)


def test_score_parsed_as_decimal_with_two_places():
    assert services.parse_score("85.5") == D("85.50")


def test_stage_score_is_mean_of_reviewers():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    for value in ("80", "85", "91"):
        services.submit_reviewer_score(
            reviewer=DepartmentStaffFactory(), application=application, stage=stage, score=value
        )
    assert StageScore.objects.get().score == D("85.33")
    assert StageScore.objects.get().source == "reviewers"


def test_stage_score_median_when_programme_says_so():
    application = ApplicationFactory()
    ScoringSettings.objects.create(program=application.program, aggregation="median")
    stage = stages(application.program)[0]
    for value in ("60", "85", "90"):
        services.submit_reviewer_score(
            reviewer=DepartmentStaffFactory(), application=application, stage=stage, score=value
        )
    assert StageScore.objects.get().score == D("85.00")


def test_large_disagreement_is_flagged():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    services.submit_reviewer_score(reviewer=DepartmentStaffFactory(), application=application, stage=stage, score=50)
    services.submit_reviewer_score(reviewer=DepartmentStaffFactory(), application=application, stage=stage, score=90)
    assert StageScore.objects.get().disagreement


def test_reviewer_changing_own_score_keeps_one_row():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    reviewer = DepartmentStaffFactory()
    services.submit_reviewer_score(reviewer=reviewer, application=application, stage=stage, score=70)
    services.submit_reviewer_score(reviewer=reviewer, application=application, stage=stage, score=75)
    assert ReviewerScore.objects.get().score == D("75.00")


def test_staff_entry_is_audited_with_before_and_after():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    office = OfficeFactory()
    services.enter_stage_score(actor=office, application=application, stage=stage, score="70")
    services.enter_stage_score(actor=office, application=application, stage=stage, score="72")
    entry = AuditEntry.objects.filter(action="scoring.stage_score").latest("id")
    assert entry.before["score"] == "70.00"
    assert entry.after["score"] == "72.00"


def test_change_after_stage_submitted_refused():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    office = OfficeFactory()
    services.enter_stage_score(actor=office, application=application, stage=stage, score="70")
    services.submit_stage(actor=office, stage=stage)
    with pytest.raises(DomainError):
        services.enter_stage_score(actor=office, application=application, stage=stage, score="90")
    with pytest.raises(DomainError):
        services.submit_reviewer_score(reviewer=office, application=application, stage=stage, score="90")
    assert StageScore.objects.get().score == D("70.00")


def test_reopen_is_audited_with_reason_and_allows_change():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    office = OfficeFactory()
    services.submit_stage(actor=office, stage=stage)
    services.reopen_stage(actor=office, stage=stage, reason="typo in 12")
    assert AuditEntry.objects.get(action="scoring.stage_reopen").reason == "typo in 12"
    services.enter_stage_score(actor=office, application=application, stage=stage, score="90")


def test_department_cannot_reopen():
    stage = stages(ProgramFactory())[0]
    services.submit_stage(actor=OfficeFactory(), stage=stage)
    with pytest.raises(DomainError):
        services.reopen_stage(actor=DepartmentStaffFactory(), stage=stage, reason="x")


def test_weights_not_summing_to_100_percent_refused_when_ranking():
    program = ProgramFactory()
    SelectionStage.objects.filter(program=program, order=2).update(weight=D("0.4"))
    with pytest.raises(DomainError, match="100"):
        services.run_ranking(actor=OfficeFactory(), program=program)


# --- invitations -----------------------------------------------------------------------------------


def test_pass_rule_top_n_invites_and_dry_run_stores_nothing():
    program = ProgramFactory()
    ScoringSettings.objects.create(program=program, pass_top_n=1)
    s1 = stages(program)[0]
    office = OfficeFactory()
    first, second = ApplicationFactory(program=program), ApplicationFactory(program=program)
    services.enter_stage_score(actor=office, application=first, stage=s1, score=90)
    services.enter_stage_score(actor=office, application=second, stage=s1, score=80)
    assert services.decide_interview_invitations(actor=office, program=program, dry_run=True) == {first.pk}
    assert not InterviewInvitation.objects.exists()
    services.decide_interview_invitations(actor=office, program=program)
    assert list(InterviewInvitation.objects.values_list("application_id", flat=True)) == [first.pk]


def test_not_invited_applicant_is_not_admitted():
    program = ProgramFactory()
    (application,) = scored(program, [("general", 90, 90)])
    InterviewInvitation.objects.all().delete()
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    assert run.outcome_of(application.pk)["reason"] == "not_invited"


# --- runs and publication --------------------------------------------------------------------------


def test_run_stores_snapshot_hash_and_reproduces():
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    a, b, c = scored(program, [("general", 90, 90), ("general", 80, 80), ("general", 70, None)])
    office = OfficeFactory()
    run = services.run_ranking(actor=office, program=program)
    assert run.number == 1 and run.run_by == office and len(run.input_hash) == 64
    assert services.reproduce(run) == run.result
    assert run.outcome_of(a.pk)["status"] == "admitted"
    assert run.outcome_of(b.pk)["status"] == "waitlisted"
    assert run.outcome_of(c.pk)["reason"] == "absent"
    again = services.run_ranking(actor=office, program=program)
    assert again.number == 2 and again.input_hash == run.input_hash


def test_publishing_before_the_results_time_refused():
    program = ProgramFactory()
    scored(program, [("general", 90, 90)])
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    with pytest.raises(DomainError):
        services.publish_run(actor=OfficeFactory(), run=run)
    assert RankingRun.objects.get().state == "proposed"


def test_department_cannot_publish():
    program = ProgramFactory()
    results_now(program)
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    with pytest.raises(DomainError):
        services.publish_run(actor=DepartmentStaffFactory(), run=run)


def test_publish_dry_run_changes_nothing_and_sends_nothing():
    program = ProgramFactory()
    results_now(program)
    scored(program, [("general", 90, 90), ("general", 80, 80)])
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    assert len(services.publish_run(actor=OfficeFactory(), run=run, dry_run=True)) == 2
    run.refresh_from_db()
    assert run.state == "proposed"
    assert not Message.objects.filter(kind="scoring/result").exists()


def test_publish_notifies_everyone_once():
    program = ProgramFactory()
    results_now(program)
    scored(program, [("general", 90, 90), ("in_service", 80, 80)])
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    services.publish_run(actor=OfficeFactory(), run=run)
    run.refresh_from_db()
    assert run.state == "published"
    assert Message.objects.filter(kind="scoring/result").count() == 2


def test_tie_for_committee_blocks_publication():
    program = ProgramFactory(quota_general=1, quota_in_service=0)
    results_now(program)
    scored(program, [("general", 80, 80), ("general", 80, 80)])
    run = services.run_ranking(actor=OfficeFactory(), program=program)
    assert run.result["ties"]
    with pytest.raises(DomainError, match="committee"):
        services.publish_run(actor=OfficeFactory(), run=run)


# --- regrade ---------------------------------------------------------------------------------------


def open_regrade(program, *, past=False):
    now = clock.now()
    start, end = (
        (now - timedelta(days=3), now - timedelta(days=2))
        if past
        else (now - timedelta(hours=1), now + timedelta(days=1))
    )
    Milestone.objects.create(cycle=program.cycle, kind="regrade", starts_at=start, ends_at=end)


def test_regrade_outside_window_refused():
    program = ProgramFactory()
    open_regrade(program, past=True)
    (application,) = scored(program, [("general", 90, 90)])
    with pytest.raises(DomainError):
        services.request_regrade(
            applicant=application.applicant, application=application, stage_ids=[stages(program)[0].pk]
        )


def test_regrade_for_item_not_listed_refused():
    program = ProgramFactory()
    open_regrade(program)
    (application,) = scored(program, [("general", 90, 90)])
    other_stage = stages(ProgramFactory())[0]
    with pytest.raises(DomainError):
        services.request_regrade(applicant=application.applicant, application=application, stage_ids=[other_stage.pk])


def test_regrade_changes_rank_records_a_new_run_and_notifies_those_changed():
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    results_now(program)
    open_regrade(program)
    office = OfficeFactory()
    first, second = scored(program, [("general", 90, 90), ("general", 85, 85)])
    s1, s2 = stages(program)
    for stage in (s1, s2):
        services.submit_stage(actor=office, stage=stage)
    services.publish_run(actor=office, run=services.run_ranking(actor=office, program=program))
    Message.objects.all().delete()

    request = services.request_regrade(applicant=second.applicant, application=second, stage_ids=[s2.pk])
    new_run = services.answer_regrade(actor=office, request=request, answers={s2.pk: ("99", "Addition error")})

    assert new_run.state == "published"
    assert new_run.outcome_of(second.pk)["status"] == "admitted"
    assert new_run.outcome_of(first.pk)["status"] == "waitlisted"
    assert RankingRun.objects.filter(state="superseded").count() == 1
    assert StageScore.objects.get(application=second, stage=s2).source == "regrade"
    assert set(Message.objects.filter(kind="scoring/result").values_list("recipient_id", flat=True)) == {
        first.applicant_id,
        second.applicant_id,
    }
    assert AuditEntry.objects.filter(action="scoring.regrade_change").exists()


def test_regrade_with_unchanged_score_runs_nothing():
    program = ProgramFactory()
    open_regrade(program)
    (application,) = scored(program, [("general", 90, 90)])
    s1 = stages(program)[0]
    request = services.request_regrade(applicant=application.applicant, application=application, stage_ids=[s1.pk])
    assert services.answer_regrade(actor=OfficeFactory(), request=request, answers={s1.pk: (None, "")}) is None
    assert not RankingRun.objects.exists()


# --- appeals ---------------------------------------------------------------------------------------


def published(program):
    results_now(program)
    office = OfficeFactory()
    services.publish_run(actor=office, run=services.run_ranking(actor=office, program=program))


def test_appeal_within_days_then_answered_in_writing():
    program = ProgramFactory()
    (application,) = scored(program, [("general", 90, 90)])
    published(program)
    appeal = services.submit_appeal(applicant=application.applicant, application=application, facts="Scores wrong")
    assert appeal.answer_due_at > appeal.submitted_at
    services.answer_appeal(actor=OfficeFactory(), appeal=appeal, answer="Checked; correct.")
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    assert Message.objects.filter(kind="scoring/appeal_answered").exists()


def test_appeal_after_the_days_refused():
    program = ProgramFactory()
    (application,) = scored(program, [("general", 90, 90)])
    published(program)
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(days=11))
    with pytest.raises(DomainError):
        services.submit_appeal(applicant=application.applicant, application=application, facts="late")


def test_appeal_before_results_refused():
    application = ApplicationFactory()
    with pytest.raises(DomainError):
        services.submit_appeal(applicant=application.applicant, application=application, facts="early")


def test_committee_decision_recorded_and_new_run_publishable():
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    results_now(program)
    first, second = scored(program, [("general", 80, 80), ("general", 80, 80)])
    office = OfficeFactory()
    run = services.run_ranking(actor=office, program=program)
    with pytest.raises(DomainError):
        services.record_committee_order(actor=office, run=run, order=[second.pk])
    decided = services.record_committee_order(actor=office, run=run, order=[second.pk, first.pk])
    assert decided.outcome_of(second.pk)["status"] == "admitted"
    assert decided.outcome_of(second.pk)["reason"] == "tie_committee_decided"
    assert services.reproduce(decided) == decided.result
    services.publish_run(actor=office, run=decided)
    assert AuditEntry.objects.filter(action="scoring.committee_order").exists()


def test_rubric_of_weighted_criteria_gives_the_score():
    application = ApplicationFactory()
    stage = stages(application.program)[0]
    criteria = [
        {"name": "research", "weight": "0.6", "score": "90"},
        {"name": "writing", "weight": "0.4", "score": "75"},
    ]
    mine = services.submit_reviewer_score(
        reviewer=DepartmentStaffFactory(), application=application, stage=stage, criteria=criteria
    )
    assert mine.score == D("84.00")


def test_rubric_weights_must_add_up():
    application = ApplicationFactory()
    with pytest.raises(DomainError):
        services.submit_reviewer_score(
            reviewer=DepartmentStaffFactory(),
            application=application,
            stage=stages(application.program)[0],
            criteria=[{"name": "a", "weight": "0.5", "score": "90"}],
        )


# --- scoring settings (the department's page) --------------------------------------------------------

SETTINGS = {
    "aggregation": "mean",
    "disagreement_threshold": D("20"),
    "pass_minimum": None,
    "pass_top_n": None,
    "admit_all_tied": False,
    "show_rank": True,
    "appeal_days": 10,
}


def update_settings(program, actor=None, **changes):
    return services.update_scoring_settings(
        actor=actor or DepartmentStaffFactory(), program=program, **{**SETTINGS, **changes}
    )


def test_settings_saved_with_an_audit_entry_of_before_and_after():
    program = ProgramFactory()
    staff = DepartmentStaffFactory()
    update_settings(program, staff, pass_top_n=12, aggregation="median")
    settings = ScoringSettings.objects.get(program=program)
    assert (settings.pass_top_n, settings.aggregation) == (12, "median")
    entry = AuditEntry.objects.get(action="scoring.settings")
    assert entry.actor == staff
    assert (entry.before["pass_top_n"], entry.after["pass_top_n"]) == (None, 12)
    assert (entry.before["aggregation"], entry.after["aggregation"]) == ("mean", "median")


def test_both_pass_rules_at_once_refused_and_nothing_stored():
    program = ProgramFactory()
    with pytest.raises(DomainError, match="not both"):
        update_settings(program, pass_minimum=D("60"), pass_top_n=10)
    assert not ScoringSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="scoring.settings").exists()


@pytest.mark.parametrize(
    "changes",
    [{"disagreement_threshold": D("150")}, {"disagreement_threshold": D("-1")}, {"pass_minimum": D("100.5")},
     {"pass_top_n": 0}, {"appeal_days": 0}, {"appeal_days": 31}, {"aggregation": "mode"}],
    ids=["threshold-over-100", "threshold-negative", "minimum-over-100", "top-0", "appeal-0-days", "appeal-31-days",
         "unknown-aggregation"],
)  # fmt: skip
def test_settings_out_of_range_refused(changes):
    program = ProgramFactory()
    with pytest.raises(DomainError):
        update_settings(program, **changes)
    assert not ScoringSettings.objects.exists()


def test_threshold_out_of_range_says_which_setting():
    with pytest.raises(DomainError, match="Flag when reviewers differ by more than"):
        update_settings(ProgramFactory(), disagreement_threshold=D("150"))


def test_applicant_cannot_change_settings():
    with pytest.raises(DomainError):
        update_settings(ProgramFactory(), ApplicationFactory().applicant, show_rank=False)


def test_aggregation_change_after_a_stage_is_submitted_refused():
    program = ProgramFactory()
    office = OfficeFactory()
    update_settings(program, office)
    services.submit_stage(actor=office, stage=stages(program)[0])
    with pytest.raises(DomainError, match="stage is submitted"):
        update_settings(program, aggregation="median")
    with pytest.raises(DomainError, match="stage is submitted"):
        update_settings(program, disagreement_threshold=D("10"))
    assert ScoringSettings.objects.get(program=program).aggregation == "mean"
    update_settings(program, pass_minimum=D("60"), show_rank=False)  # the rest may still change
    assert ScoringSettings.objects.get(program=program).pass_minimum == D("60")


def test_after_publication_only_show_rank_may_change():
    program = ProgramFactory()
    scored(program, [("general", 90, 90)])
    published(program)
    for changes in ({"pass_top_n": 5}, {"admit_all_tied": True}, {"appeal_days": 20}, {"aggregation": "median"}):
        with pytest.raises(DomainError, match="results are published"):
            update_settings(program, **changes)
    update_settings(program, show_rank=False)
    assert ScoringSettings.objects.get(program=program).show_rank is False


def test_unchanged_locked_settings_do_not_refuse_the_save():
    program = ProgramFactory()
    update_settings(program, disagreement_threshold=D("20.00"))
    services.submit_stage(actor=OfficeFactory(), stage=stages(program)[0])
    update_settings(program, disagreement_threshold=D("20"), show_rank=False)
    assert ScoringSettings.objects.get(program=program).show_rank is False


def test_new_aggregation_recomputes_reviewer_stage_scores_and_keeps_staff_scores():
    program = ProgramFactory()
    s1, s2 = stages(program)
    reviewed, entered = ApplicationFactory(program=program), ApplicationFactory(program=program)
    for value in ("60", "85", "90"):
        services.submit_reviewer_score(reviewer=DepartmentStaffFactory(), application=reviewed, stage=s1, score=value)
    services.enter_stage_score(actor=OfficeFactory(), application=entered, stage=s1, score="70")
    assert StageScore.objects.get(application=reviewed, stage=s1).score == D("78.33")

    update_settings(program, aggregation="median", disagreement_threshold=D("40"))

    recomputed = StageScore.objects.get(application=reviewed, stage=s1)
    assert (recomputed.score, recomputed.disagreement) == (D("85.00"), False)
    assert StageScore.objects.get(application=entered, stage=s1).score == D("70.00")
    entry = AuditEntry.objects.get(action="scoring.stage_score_recomputed")
    assert (entry.before["score"], entry.after["score"]) == ("78.33", "85.00")


# --- reviewer assignments ----------------------------------------------------------------------------


def test_assigning_a_reviewer_is_audited_and_opens_the_programme_to_them():
    from gradadmit.scoring import selectors

    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer, staff = DepartmentStaffFactory(), DepartmentStaffFactory()
    assignment = services.assign_reviewer(actor=staff, program=program, reviewer=reviewer)
    assert list(selectors.applications_for_reviewer(reviewer, program)) == [application]
    entry = AuditEntry.objects.get(action="scoring.reviewer_assign")
    assert (entry.actor, entry.target_id, entry.after["reviewer"]) == (staff, str(assignment.pk), reviewer.pk)


def test_office_staff_may_review_too():
    program = ProgramFactory()
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=OfficeFactory())
    assert program.reviewer_assignments.count() == 1


def test_duplicate_assignment_refused():
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer, other = DepartmentStaffFactory(), DepartmentStaffFactory()
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    with pytest.raises(DomainError, match="already assigned to this programme"):
        services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=other, application=application)
    with pytest.raises(DomainError, match="already has an assignment"):
        services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=other, application=application)
    assert program.reviewer_assignments.count() == 2


def test_one_application_for_a_reviewer_of_the_whole_programme_refused():
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    with pytest.raises(DomainError, match="already reviews every application"):
        services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer, application=application)


@pytest.mark.parametrize("who", ["applicant", "inactive staff"])
def test_user_who_may_not_review_refused(who):
    program = ProgramFactory()
    user = (
        ApplicationFactory(program=program).applicant if who == "applicant" else DepartmentStaffFactory(is_active=False)
    )
    with pytest.raises(DomainError, match="only active staff accounts"):
        services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=user)
    assert not program.reviewer_assignments.exists()


def test_application_of_another_programme_refused():
    program = ProgramFactory()
    with pytest.raises(DomainError, match="another programme"):
        services.assign_reviewer(
            actor=OfficeFactory(), program=program, reviewer=DepartmentStaffFactory(), application=ApplicationFactory()
        )


def test_conflict_needs_the_application_and_a_note():
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    with pytest.raises(DomainError, match="choose the application"):
        services.assign_reviewer(
            actor=OfficeFactory(), program=program, reviewer=reviewer, conflict_declared=True, conflict_note="x"
        )
    with pytest.raises(DomainError, match="Describe the conflict"):
        services.assign_reviewer(
            actor=OfficeFactory(), program=program, reviewer=reviewer, application=application, conflict_declared=True
        )


def test_declared_conflict_hides_the_application_from_a_whole_programme_reviewer():
    from gradadmit.scoring import selectors

    program = ProgramFactory()
    mine, theirs = ApplicationFactory(program=program), ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer, application=theirs,
                             conflict_declared=True, conflict_note="Former supervisor")  # fmt: skip
    assert list(selectors.applications_for_reviewer(reviewer, program)) == [mine]


def test_conflict_after_scoring_refused():
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    services.submit_reviewer_score(reviewer=reviewer, application=application, stage=stages(program)[0], score=70)
    with pytest.raises(DomainError, match="already scored"):
        services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer, application=application,
                                 conflict_declared=True, conflict_note="Relative")  # fmt: skip


def test_removing_an_assignment_keeps_the_submitted_scores_and_ends_access():
    from gradadmit.scoring import selectors

    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    s1 = stages(program)[0]
    reviewer, other = DepartmentStaffFactory(), DepartmentStaffFactory()
    assignment = services.assign_reviewer(actor=OfficeFactory(), program=program, reviewer=reviewer)
    services.submit_reviewer_score(reviewer=reviewer, application=application, stage=s1, score=60)
    services.submit_reviewer_score(reviewer=other, application=application, stage=s1, score=80)

    assert services.remove_reviewer_assignment(actor=OfficeFactory(), assignment=assignment) == 1

    assert not program.reviewer_assignments.exists()
    assert ReviewerScore.objects.filter(reviewer=reviewer).count() == 1
    assert StageScore.objects.get(application=application, stage=s1).score == D("70.00")
    assert not selectors.applications_for_reviewer(reviewer, program).exists()
    entry = AuditEntry.objects.get(action="scoring.reviewer_unassign")
    assert (entry.before["reviewer"], entry.after["kept_scores"]) == (reviewer.pk, 1)


def test_removing_an_assignment_twice_refused():
    assignment = services.assign_reviewer(actor=OfficeFactory(), program=ProgramFactory(),
                                          reviewer=DepartmentStaffFactory())  # fmt: skip
    services.remove_reviewer_assignment(actor=OfficeFactory(), assignment=assignment)
    with pytest.raises(DomainError, match="already removed"):
        services.remove_reviewer_assignment(actor=OfficeFactory(), assignment=assignment)


# --- appeal attachments ------------------------------------------------------------------------------


def appealable():
    program = ProgramFactory()
    (application,) = scored(program, [("general", 90, 90)])
    published(program)
    return application


def test_appeal_attachment_checked_and_stored_under_a_generated_name():
    from gradadmit.testing.files import pdf_bytes, upload

    application = appealable()
    appeal = services.submit_appeal(applicant=application.applicant, application=application, facts="Scores wrong",
                                    attachment=upload("../../my evidence.pdf", pdf_bytes(javascript=True)))  # fmt: skip
    assert appeal.attachment.name.startswith(f"appeals/{application.pk}/")
    assert appeal.attachment.name.endswith(".pdf") and "evidence" not in appeal.attachment.name
    stored = appeal.attachment.read()
    assert stored.startswith(b"%PDF-") and b"JavaScript" not in stored  # active content removed


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"MZ\x90\x00 not a pdf", "not a PDF"), ("encrypted", "password"), ("oversize", "limit")],
    ids=["renamed-exe", "encrypted", "over-10MB"],
)
def test_bad_appeal_attachment_refuses_the_appeal_and_stores_nothing(content, message, settings):
    from pathlib import Path

    from gradadmit.core.uploads import UploadRejected
    from gradadmit.testing.files import pdf_bytes, pdf_of_size, upload

    content = {"encrypted": pdf_bytes(encrypt=True), "oversize": pdf_of_size(10 * 1024 * 1024 + 10)}.get(
        content, content
    )
    application = appealable()
    with pytest.raises(UploadRejected, match=message):
        services.submit_appeal(applicant=application.applicant, application=application, facts="Scores wrong",
                               attachment=upload("evidence.pdf", content))  # fmt: skip
    assert not application.appeals.exists()
    assert not (Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "appeals").exists()
