"""Scoring settings and reviewers (the department's pages): rules that decide stage scores, assignments."""

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Program
from gradadmit.scoring.models import (
    RankingRun,
    ReviewerAssignment,
    ReviewerScore,
    ScoringSettings,
    StageScore,
    StageSubmission,
)
from gradadmit.scoring.services.scores import CENT, SCORE_FIELDS, _aggregate, _disagree

SETTINGS_FIELDS = [
    "aggregation",
    "disagreement_threshold",
    "pass_minimum",
    "pass_top_n",
    "admit_all_tied",
    "show_rank",
    "appeal_days",
]
SCORE_RULE_FIELDS = ("aggregation", "disagreement_threshold")  # they decide the stage scores from reviewers
ASSIGNMENT_FIELDS = ["reviewer", "application", "conflict_declared", "conflict_note"]


def locked_settings(program) -> dict[str, str]:
    """The settings that may no longer change, each with the reason to show; two queries at most.

    Once results are published only "show applicants their rank" may change (the rest decided the
    published result or the appeal time announced with it). Once a stage is submitted, how reviewers'
    scores combine is fixed: the submitted stage scores were computed with it.
    """
    if RankingRun.objects.filter(program=program, state=RankingRun.State.PUBLISHED).exists():
        reason = _("The results are published: only whether applicants see their rank can still change.")
        return {name: reason for name in SETTINGS_FIELDS if name != "show_rank"}
    if StageSubmission.objects.filter(stage__program=program, submitted_at__isnull=False).exists():
        reason = _(
            "A stage is submitted: the stage score (mean or median) and the disagreement threshold are fixed. "
            "The admissions office can reopen the stage if they must change."
        )
        return dict.fromkeys(SCORE_RULE_FIELDS, reason)
    return {}


def _validation_message(error: ValidationError) -> str:
    parts = []
    for name, messages in error.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else f"{capfirst(ScoringSettings._meta.get_field(name).verbose_name)}: "
        parts.extend(label + message for message in messages)
    return " ".join(parts)


def update_scoring_settings(
    *,
    actor,
    program: Program,
    aggregation,
    disagreement_threshold,
    pass_minimum,
    pass_top_n,
    admit_all_tied: bool,
    show_rank: bool,
    appeal_days,
) -> ScoringSettings:
    """Change the programme's scoring settings; department staff and the office may (the caller scoped the programme).

    Refused: values out of range or both stage-1 pass rules at once (the model's validators and constraint),
    and a change to a setting `locked_settings` names. A new stage score method or disagreement threshold
    computes again the stage scores that come from reviewers. Side effects: audit entry with before and
    after, and one per stage score that changed.
    """
    if not actor.is_portal_staff:
        raise DomainError(_("Only staff change the scoring settings."))
    values = {
        "aggregation": aggregation,
        "disagreement_threshold": disagreement_threshold,
        "pass_minimum": pass_minimum,
        "pass_top_n": pass_top_n,
        "admit_all_tied": admit_all_tied,
        "show_rank": show_rank,
        "appeal_days": appeal_days,
    }
    with transaction.atomic():
        settings, _created = ScoringSettings.objects.select_for_update().get_or_create(program=program)
        before = snapshot(settings, SETTINGS_FIELDS)
        old = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
        for name, value in values.items():
            setattr(settings, name, value)
        try:
            settings.full_clean(exclude=["program", "committee_order"], validate_unique=False)
        except ValidationError as error:
            raise DomainError(_validation_message(error)) from None
        settings.disagreement_threshold = settings.disagreement_threshold.quantize(CENT)
        if settings.pass_minimum is not None:
            settings.pass_minimum = settings.pass_minimum.quantize(CENT)
        changed = [name for name in SETTINGS_FIELDS if getattr(settings, name) != old[name]]
        locked = locked_settings(program)
        for name in changed:
            if name in locked:
                raise DomainError(locked[name])
        settings.save()
        record_audit(actor=actor, action="scoring.settings", target=settings, before=before,
                     after=snapshot(settings, SETTINGS_FIELDS))  # fmt: skip
        if any(name in SCORE_RULE_FIELDS for name in changed):
            _recompute_reviewer_stage_scores(program=program, settings=settings, actor=actor)
    return settings


def _recompute_reviewer_stage_scores(*, program, settings, actor) -> int:
    """The stage scores that come from reviewers, computed again with new settings; how many changed.

    Scores entered, imported or corrected by staff stay as they are.
    """
    grouped = defaultdict(list)
    for application_id, stage_id, score in ReviewerScore.objects.filter(stage__program=program).values_list(
        "application_id", "stage_id", "score"
    ):
        grouped[(application_id, stage_id)].append(score)
    changed = 0
    for stage_score in StageScore.objects.select_for_update().filter(
        stage__program=program, source=StageScore.Source.REVIEWERS
    ):
        scores = grouped.get((stage_score.application_id, stage_score.stage_id))
        if not scores:
            continue
        value = _aggregate(scores, settings.aggregation)
        disagreement = _disagree(scores, settings.disagreement_threshold)
        if (value, disagreement) == (stage_score.score, stage_score.disagreement):
            continue
        before = snapshot(stage_score, SCORE_FIELDS)
        stage_score.score, stage_score.disagreement = value, disagreement
        stage_score.save(update_fields=["score", "disagreement", "updated_at"])
        record_audit(actor=actor, action="scoring.stage_score_recomputed", target=stage_score, before=before,
                     after=snapshot(stage_score, SCORE_FIELDS), reason="scoring settings changed")  # fmt: skip
        changed += 1
    return changed


def assign_reviewer(
    *, actor, program: Program, reviewer, application: Application | None = None, conflict_declared: bool = False,
    conflict_note: str = "",
) -> ReviewerAssignment:  # fmt: skip
    """Let a staff account review the programme's applications (or one of them), or record a declared conflict.

    A conflict of interest is declared for one application, with a note, before the reviewer scores it;
    the application is then hidden from them. Refused: a user who may not review (see
    selectors.eligible_reviewers), an application of another programme, an assignment the reviewer already
    has or one their whole-programme assignment already covers. Side effect: audit entry.
    """
    from gradadmit.scoring.selectors import eligible_reviewers

    who = {"user": reviewer.email}
    if not eligible_reviewers().filter(pk=reviewer.pk).exists():
        raise DomainError(
            _("%(user)s cannot review: only active staff accounts can. Ask the admissions office to give the account "
              "a staff role.") % who
        )  # fmt: skip
    if application is not None and application.program_id != program.pk:
        raise DomainError(_("This application belongs to another programme."))
    note = conflict_note.strip()
    if conflict_declared and application is None:
        raise DomainError(_("A conflict of interest is declared for one application: choose the application."))
    if conflict_declared and not note:
        raise DomainError(_("Describe the conflict of interest (for example: the applicant's former supervisor)."))
    if note and not conflict_declared:
        raise DomainError(_("A note is only for a conflict of interest: tick the conflict or leave the note empty."))
    application_id = application.pk if application is not None else None
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)  # adds for one programme one at a time
        existing = list(ReviewerAssignment.objects.filter(program=program, reviewer=reviewer))
        if any(a.application_id == application_id for a in existing):
            if application_id is None:
                raise DomainError(_("%(user)s is already assigned to this programme.") % who)
            raise DomainError(
                _("%(user)s already has an assignment for application #%(id)s; remove it first to change it.")
                % {**who, "id": application_id}
            )
        if not conflict_declared and application_id and any(a.application_id is None for a in existing):
            raise DomainError(_("%(user)s already reviews every application of this programme.") % who)
        if (
            conflict_declared
            and ReviewerScore.objects.filter(reviewer=reviewer, application_id=application_id).exists()
        ):
            raise DomainError(
                _("%(user)s has already scored application #%(id)s. A conflict is declared before scoring; ask the "
                  "admissions office how to handle the submitted score.") % {**who, "id": application_id}
            )  # fmt: skip
        try:
            with transaction.atomic():
                assignment = ReviewerAssignment.objects.create(
                    program=program,
                    reviewer=reviewer,
                    application=application,
                    conflict_declared=conflict_declared,
                    conflict_note=note,
                )
        except IntegrityError:
            raise DomainError(_("%(user)s is already assigned to this programme.") % who) from None
        record_audit(actor=actor, action="scoring.reviewer_assign", target=assignment,
                     after=snapshot(assignment, ASSIGNMENT_FIELDS))  # fmt: skip
    return assignment


def remove_reviewer_assignment(*, actor, assignment: ReviewerAssignment) -> int:
    """End an assignment: the reviewer no longer sees or scores what it covered. Returns the scores kept.

    Scores the reviewer already submitted are kept and still count: the stage scores and any ranking were
    computed from them, and a submitted score changes only through the office (reopen the stage, enter the
    score), never as a side effect of staffing. Side effect: audit entry with the assignment and the kept scores.
    """
    with transaction.atomic():
        locked = ReviewerAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if locked is None:
            raise DomainError(_("This assignment was already removed."))
        scores = ReviewerScore.objects.filter(reviewer_id=locked.reviewer_id, application__program_id=locked.program_id)
        if locked.application_id is not None:
            scores = scores.filter(application_id=locked.application_id)
        kept = scores.count()
        record_audit(actor=actor, action="scoring.reviewer_unassign", target=locked,
                     before=snapshot(locked, ASSIGNMENT_FIELDS), after={"kept_scores": kept})  # fmt: skip
        locked.delete()
    return kept
