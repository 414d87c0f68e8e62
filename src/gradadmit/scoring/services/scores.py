"""Scores: reviewers' scores, stage scores entered or aggregated, stage locks (submit, reopen)."""

import statistics
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import SelectionStage
from gradadmit.scoring import ranking
from gradadmit.scoring.models import (
    ReviewerScore,
    ScoringSettings,
    StageScore,
    StageSubmission,
)

CENT = Decimal("0.01")
SCORE_FIELDS = ["score", "absent", "source", "disagreement"]


def settings_for(program) -> ScoringSettings:
    found = ScoringSettings.objects.filter(program=program).first()
    return found if found is not None else ScoringSettings(program=program)


def parse_score(value) -> Decimal:
    """A score 0–100 with at most two decimals, or a DomainError saying what is wrong."""
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the score as a number from 0 to 100, e.g. 85 or 85.5.")) from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise DomainError(_("A score must be from 0 to 100."))
    if score.as_tuple().exponent < -2:
        raise DomainError(_("A score may have at most two decimals."))
    return score.quantize(CENT)


def ensure_weights_add_up(stages) -> None:
    total = sum((stage.weight for stage in stages), Decimal(0))
    if not stages or total != Decimal(1):
        raise DomainError(
            _("The stage weights add up to %(total)s %%; they must add up to 100 %%. Correct the programme's stages.")
            % {"total": (total * 100).normalize()}
        )


def _ensure_unlocked(stage) -> None:
    if StageSubmission.objects.filter(stage=stage, submitted_at__isnull=False).exists():
        raise DomainError(_("The department has submitted this stage; the office must reopen it before changes."))


def _aggregate(scores, aggregation) -> Decimal:
    if aggregation == ScoringSettings.Aggregation.MEDIAN:
        value = Decimal(statistics.median(scores))
    else:
        value = sum(scores, Decimal(0)) / len(scores)
    return value.quantize(CENT, rounding=ranking.ROUND_HALF_UP)


def _disagree(scores, threshold) -> bool:
    return len(scores) > 1 and max(scores) - min(scores) > threshold


def rubric_score(criteria) -> Decimal:
    """The score of a rubric: [{"name", "weight" (0–1, adding up to 1), "score" (0–100)}, ...]."""
    try:
        weights = [Decimal(str(c["weight"])) for c in criteria]
        scores = [parse_score(c["score"]) for c in criteria]
    except (KeyError, TypeError, InvalidOperation):
        raise DomainError(_("Give every rubric criterion a weight and a score.")) from None
    if sum(weights, Decimal(0)) != Decimal(1) or any(w < 0 for w in weights):
        raise DomainError(_("The rubric's weights must add up to 100 %."))
    total = sum((w * s for w, s in zip(weights, scores, strict=True)), Decimal(0))
    return total.quantize(CENT, rounding=ranking.ROUND_HALF_UP)


def submit_reviewer_score(
    *, reviewer, application: Application, stage: SelectionStage, score=None, criteria=None, comment: str = ""
) -> ReviewerScore:
    """Store one reviewer's score and recompute the stage score (mean or median, disagreement flag).

    With a rubric (criteria) and no score, the score is the rubric's weighted sum. The caller has
    fetched the application through the reviewer's selector. Side effect: audit entry.
    """
    value = rubric_score(criteria) if score is None and criteria else parse_score(score)
    if stage.program_id != application.program_id:
        raise DomainError(_("This stage belongs to another programme."))
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        _ensure_unlocked(stage)
        existing = ReviewerScore.objects.filter(application=application, stage=stage, reviewer=reviewer).first()
        before = snapshot(existing, ["score", "comment"]) if existing else {}
        mine, _created = ReviewerScore.objects.update_or_create(
            application=application,
            stage=stage,
            reviewer=reviewer,
            defaults={"score": value, "criteria": criteria or [], "comment": comment, "submitted_at": clock.now()},
        )
        _recompute_stage_score(application=application, stage=stage, actor=reviewer)
        record_audit(
            actor=reviewer, action="scoring.reviewer_score", target=mine, before=before,
            after=snapshot(mine, ["score", "comment"]),
        )  # fmt: skip
    return mine


def _recompute_stage_score(*, application, stage, actor) -> StageScore:
    settings = settings_for(stage.program)
    scores = list(ReviewerScore.objects.filter(application=application, stage=stage).values_list("score", flat=True))
    value = _aggregate(scores, settings.aggregation)
    disagreement = _disagree(scores, settings.disagreement_threshold)
    stage_score, _created = StageScore.objects.update_or_create(
        application=application,
        stage=stage,
        defaults={
            "score": value,
            "absent": False,
            "source": StageScore.Source.REVIEWERS,
            "disagreement": disagreement,
            "entered_by": actor,
        },
    )
    return stage_score


def enter_stage_score(
    *, actor, application: Application, stage: SelectionStage, score=None, absent: bool = False, source=None
) -> StageScore:
    """Staff enter (or import) one score per application and stage, or mark the applicant absent.

    Refused once the stage is submitted. Side effect: audit entry with before and after.
    """
    value = None if absent else parse_score(score)
    if stage.program_id != application.program_id:
        raise DomainError(_("This stage belongs to another programme."))
    with transaction.atomic():
        _ensure_unlocked(stage)
        current = StageScore.objects.select_for_update().filter(application=application, stage=stage).first()
        before = snapshot(current, SCORE_FIELDS) if current else {}
        stage_score, _created = StageScore.objects.update_or_create(
            application=application,
            stage=stage,
            defaults={
                "score": value,
                "absent": absent,
                "source": source or StageScore.Source.STAFF,
                "disagreement": False,
                "entered_by": actor,
            },
        )
        record_audit(actor=actor, action="scoring.stage_score", target=stage_score, before=before,
                     after=snapshot(stage_score, SCORE_FIELDS))  # fmt: skip
    return stage_score


def submit_stage(*, actor, stage: SelectionStage) -> StageSubmission:
    """The department submits a stage: its scores are locked. Side effect: audit entry."""
    with transaction.atomic():
        submission, _created = StageSubmission.objects.select_for_update().get_or_create(stage=stage)
        if submission.is_locked:
            raise DomainError(_("This stage was already submitted."))
        submission.submitted_at, submission.submitted_by = clock.now(), actor
        submission.save()
        record_audit(actor=actor, action="scoring.stage_submit", target=submission)
    return submission


def reopen_stage(*, actor, stage: SelectionStage, reason: str) -> StageSubmission:
    """The office reopens a submitted stage so scores can change again. Side effect: audit entry with reason."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office can reopen a submitted stage."))
    if not reason.strip():
        raise DomainError(_("Say why the stage is reopened."))
    with transaction.atomic():
        submission = StageSubmission.objects.select_for_update().filter(stage=stage).first()
        if submission is None or not submission.is_locked:
            raise DomainError(_("This stage is not submitted."))
        before = snapshot(submission, ["submitted_at", "submitted_by"])
        submission.submitted_at, submission.submitted_by = None, None
        submission.save()
        record_audit(actor=actor, action="scoring.stage_reopen", target=submission, before=before,
                     reason=reason.strip())  # fmt: skip
    return submission
