"""Reads of scores and results, scoped: reviewers see what they are assigned, staff their programmes."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from gradadmit.applications.models import Application
from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.models import Program, SelectionStage
from gradadmit.scoring.models import Appeal, RankingRun, ReviewerAssignment, ReviewerScore, StageScore


def programs_for_reviewer(user):
    return Program.objects.filter(reviewer_assignments__reviewer=user).distinct().select_related("cycle")


def program_for_reviewer(user, pk) -> Program:
    return get_object_or_404(programs_for_reviewer(user), pk=pk)


def eligible_reviewers():
    """Who may review: active staff accounts (the admissions office and department staff), never applicants."""
    User = get_user_model()
    staff = Q(staff_role__in=[User.StaffRole.OFFICE, User.StaffRole.DEPARTMENT]) | Q(is_superuser=True)
    return User.objects.filter(staff, is_active=True).order_by("email")


def assignments_of_program(program) -> list[ReviewerAssignment]:
    """The programme's reviewer assignments, each with `scores`: what the reviewer submitted in its scope.

    Two queries, however many assignments and scores.
    """
    assignments = list(
        ReviewerAssignment.objects.filter(program=program)
        .select_related("reviewer", "application__applicant__profile")
        .order_by("reviewer__email", "application_id")
    )
    submitted = defaultdict(dict)  # reviewer id → {application id: scores}
    for row in (
        ReviewerScore.objects.filter(application__program=program)
        .values("reviewer_id", "application_id")
        .annotate(n=Count("id"))
    ):
        submitted[row["reviewer_id"]][row["application_id"]] = row["n"]
    for assignment in assignments:
        mine = submitted.get(assignment.reviewer_id, {})
        assignment.scores = (
            sum(mine.values()) if assignment.application_id is None else mine.get(assignment.application_id, 0)
        )
    return assignments


def assignment_of_program(program, pk) -> ReviewerAssignment:
    return get_object_or_404(ReviewerAssignment.objects.filter(program=program).select_related("reviewer"), pk=pk)


def applications_for_assignment(program):
    """The active applications staff can assign a reviewer to (or declare a conflict for)."""
    return Application.objects.active().filter(program=program).select_related("applicant__profile").order_by("id")


def applications_for_reviewer(user, program):
    """Active applications the reviewer may score: the whole programme or the ones assigned, minus conflicts."""
    assignments = list(ReviewerAssignment.objects.filter(reviewer=user, program=program))
    if not assignments:
        return Application.objects.none()
    conflicts = [a.application_id for a in assignments if a.conflict_declared and a.application_id]
    whole = any(a.application_id is None and not a.conflict_declared for a in assignments)
    assigned = [a.application_id for a in assignments if a.application_id and not a.conflict_declared]
    scope = Q(program=program) if whole else Q(pk__in=assigned)
    return (
        Application.objects.active()
        .filter(scope)
        .exclude(pk__in=conflicts)
        .select_related("program", "applicant__profile")
        .order_by("id")
    )


def application_for_reviewer(user, program, pk) -> Application:
    return get_object_or_404(applications_for_reviewer(user, program), pk=pk)


def as_id(value) -> int:
    """A posted id, or 404 for anything that is not one (never a 500)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def stage_for_program(program, stage_id) -> SelectionStage:
    return get_object_or_404(SelectionStage.objects.filter(program=program), pk=as_id(stage_id))


def reviewer_scores_visible_to(user, application, stage) -> list[ReviewerScore]:
    """The other reviewers' scores, only after this reviewer has submitted their own."""
    scores = list(ReviewerScore.objects.filter(application=application, stage=stage).select_related("reviewer"))
    if not any(s.reviewer_id == user.id for s in scores):
        return []
    return scores


def reviewer_scores_for_staff(user, program) -> dict[tuple[int, int], list[ReviewerScore]]:
    """{(application id, stage id): reviewers' scores} of the programme, in two queries.

    A staff member who also reviews the programme sees the others' scores of an application and stage only once
    their own is in, as on the reviewer's page (reviewer_scores_visible_to).
    """
    scores = defaultdict(list)
    rows = ReviewerScore.objects.filter(application__program=program).select_related("reviewer").order_by("id")
    for score in rows:
        scores[(score.application_id, score.stage_id)].append(score)
    if ReviewerAssignment.objects.filter(program=program, reviewer=user).exists():
        scores = {pair: found for pair, found in scores.items() if any(s.reviewer_id == user.id for s in found)}
    return dict(scores)


def score_table(program) -> tuple[list, list, dict]:
    """(stages, applications, {(application id, stage id): StageScore}) in three queries."""
    stages = list(SelectionStage.objects.filter(program=program).order_by("order").select_related("submission"))
    applications = list(
        Application.objects.active().filter(program=program).select_related("applicant__profile").order_by("id")
    )
    scores = {(s.application_id, s.stage_id): s for s in StageScore.objects.filter(application__program=program)}
    return stages, applications, scores


def runs_for_staff(user, program):
    return RankingRun.objects.filter(staff_program_q(user, "program"), program=program).select_related("run_by")


def run_for_staff(user, pk) -> RankingRun:
    return get_object_or_404(
        RankingRun.objects.filter(staff_program_q(user, "program")).select_related("program__cycle"), pk=pk
    )


def published_run(program_id) -> RankingRun | None:
    return RankingRun.objects.filter(program_id=program_id, state=RankingRun.State.PUBLISHED).first()


def own_stage_scores(application) -> list[StageScore]:
    return list(StageScore.objects.filter(application=application).select_related("stage").order_by("stage__order"))


def regrades_for_staff(user, program):
    from gradadmit.scoring.models import RegradeRequest

    return (
        RegradeRequest.objects.filter(staff_program_q(user, "application__program"), application__program=program)
        .select_related("application__applicant__profile")
        .prefetch_related("items__stage")
    )


def appeals_for_staff(user, program=None):
    appeals = Appeal.objects.filter(staff_program_q(user, "application__program")).select_related(
        "application__applicant__profile"
    )
    return appeals if program is None else appeals.filter(application__program=program)


def appeal_attachment_of_applicant(user, pk) -> Appeal:
    """An appeal's attachment, for the applicant who filed it; anyone else (or no attachment) is a 404."""
    return get_object_or_404(Appeal.objects.filter(application__applicant=user).exclude(attachment=""), pk=pk)


def appeal_attachment_for_staff(user, pk) -> Appeal:
    """An appeal's attachment, for staff of the appeal's programme; anyone else (or no attachment) is a 404."""
    return get_object_or_404(appeals_for_staff(user).exclude(attachment=""), pk=pk)
