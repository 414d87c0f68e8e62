"""Settings and reviewers, scores, stage locks, invitations, ranking runs, publication, regrade requests and appeals."""

import statistics
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import MB, check_pdf, store_file
from gradadmit.cycles.models import Program, SelectionStage
from gradadmit.notifications.services import notify
from gradadmit.scoring import ranking
from gradadmit.scoring.models import (
    Appeal,
    InterviewInvitation,
    RankingRun,
    RegradeItem,
    RegradeRequest,
    ReviewerAssignment,
    ReviewerScore,
    ScoringSettings,
    StageScore,
    StageSubmission,
)

CENT = Decimal("0.01")
SCORE_FIELDS = ["score", "absent", "source", "disagreement"]
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
APPEAL_ATTACHMENT_MAX_BYTES = 10 * MB


def settings_for(program) -> ScoringSettings:
    found = ScoringSettings.objects.filter(program=program).first()
    return found if found is not None else ScoringSettings(program=program)


# --- scoring settings and reviewers (the department's pages) ------------------------------------------


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


def _stages(program) -> list[SelectionStage]:
    return list(SelectionStage.objects.filter(program=program).order_by("order"))


def decide_interview_invitations(*, actor, program: Program, dry_run: bool = False) -> frozenset[int]:
    """Apply the programme's stage-1 pass rule and record who is invited to the interview.

    With dry_run nothing is stored; the ids that would be invited are returned. Side effect: audit entry.
    """
    stages = _stages(program)
    if not stages:
        raise DomainError(_("The programme has no stages."))
    settings = settings_for(program)
    if settings.pass_minimum is None and settings.pass_top_n is None:
        raise DomainError(_("Set the stage-1 pass rule (a minimum score or the top N) first."))
    applications = list(Application.objects.active().filter(program=program).values_list("id", flat=True))
    stage1 = dict.fromkeys(applications)
    for application_id, score in StageScore.objects.filter(
        stage=stages[0], application_id__in=applications
    ).values_list("application_id", "score"):
        stage1[application_id] = score
    invited = ranking.invited_to_interview(stage1, minimum=settings.pass_minimum, top_n=settings.pass_top_n)
    if dry_run:
        return invited
    with transaction.atomic():
        InterviewInvitation.objects.filter(application__program=program).exclude(application_id__in=invited).delete()
        existing = set(
            InterviewInvitation.objects.filter(application_id__in=invited).values_list("application_id", flat=True)
        )
        now = clock.now()
        InterviewInvitation.objects.bulk_create(
            [InterviewInvitation(application_id=i, invited_at=now, invited_by=actor) for i in invited - existing]
        )
        record_audit(actor=actor, action="scoring.invitations", target=program, after={"invited": sorted(invited)})
    return invited


def ranking_inputs(program: Program) -> tuple[list[ranking.Candidate], ranking.Rules]:
    """Snapshot of the stored scores and settings, in four queries."""
    stages = _stages(program)
    ensure_weights_add_up(stages)
    settings = settings_for(program)
    rules = ranking.Rules(
        stages=tuple(ranking.Stage(stage.kind, Decimal(stage.weight)) for stage in stages),
        quotas={"general": program.quota_general, "in_service": program.quota_in_service},
        waitlists={"general": program.waitlist_general, "in_service": program.waitlist_in_service},
        quota_flows=program.quota_flows,
        minimum_standard=program.minimum_standard,
        admit_all_tied=settings.admit_all_tied,
        committee_order=tuple(settings.committee_order),
    )
    applications = list(Application.objects.active().filter(program=program).values_list("id", "identity"))
    scores = {}
    for application_id, stage_id, score in StageScore.objects.filter(application__program=program).values_list(
        "application_id", "stage_id", "score"
    ):
        scores[(application_id, stage_id)] = score
    needs_invitation = len(stages) > 1 and any(stage.kind == "interview" for stage in stages)
    invited = set(
        InterviewInvitation.objects.filter(application__program=program).values_list("application_id", flat=True)
    )
    candidates = [
        ranking.Candidate(
            key=application_id,
            identity=identity,
            scores=tuple(
                None if scores.get((application_id, s.id)) is None else scores[(application_id, s.id)].quantize(CENT)
                for s in stages
            ),
            invited=(application_id in invited) if needs_invitation else True,
        )
        for application_id, identity in applications
    ]
    return candidates, rules


def record_committee_order(*, actor, run: RankingRun, order) -> RankingRun:
    """Record the committee's order for the ties a run reported, then rank again (a new recorded run).

    Every tied application of the run must be in the order, and only those. Side effect: audit entry.
    """
    if not actor.is_office:
        raise DomainError(_("Only the admissions office records the committee's decision."))
    tied = {key for group in run.result["ties"] for key in group}
    order = [int(key) for key in order]
    if not tied:
        raise DomainError(_("This run has no tie for the committee."))
    if set(order) != tied or len(order) != len(tied):
        raise DomainError(_("List every tied application once, in the committee's order, and no other."))
    with transaction.atomic():
        settings, _created = ScoringSettings.objects.select_for_update().get_or_create(program=run.program)
        before = {"committee_order": settings.committee_order}
        kept = [key for key in settings.committee_order if key not in tied]
        settings.committee_order = order + kept
        settings.save(update_fields=["committee_order"])
        record_audit(actor=actor, action="scoring.committee_order", target=settings, before=before,
                     after={"committee_order": settings.committee_order})  # fmt: skip
        return run_ranking(actor=actor, program=run.program, reason=_("Committee decision on ties"))


def run_ranking(*, actor, program: Program, reason: str = "") -> RankingRun:
    """Rank the programme on a snapshot and store the run (inputs, engine version, result, hash, who).

    Side effect: audit entry. Nothing is visible to applicants until the office publishes a run.
    """
    candidates, rules = ranking_inputs(program)
    inputs = ranking.canonical_inputs(candidates, rules)
    result = ranking.rank(candidates, rules)
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        number = (RankingRun.objects.filter(program=program).aggregate(n=Max("number"))["n"] or 0) + 1
        run = RankingRun.objects.create(
            program=program,
            number=number,
            engine_version=ranking.ENGINE_VERSION,
            inputs=inputs,
            result=result.as_dict(),
            input_hash=ranking.input_hash(inputs),
            reason=reason,
            run_by=actor,
        )
        record_audit(actor=actor, action="scoring.ranking_run", target=run, after={"hash": run.input_hash})
    return run


def reproduce(run: RankingRun) -> dict:
    """Run the engine again on the stored inputs (the result must equal run.result)."""
    candidates, rules = ranking.from_canonical(run.inputs)
    return ranking.rank(candidates, rules).as_dict()


def changed_outcomes(old: dict | None, new: dict) -> list[int]:
    """Application ids whose status, waitlist position or rank differs between two results."""
    fields = ("status", "waitlist_position", "rank", "total")
    before = {o["key"]: tuple(o[f] for f in fields) for o in (old or {}).get("outcomes", [])}
    return sorted(o["key"] for o in new["outcomes"] if before.get(o["key"]) != tuple(o[f] for f in fields))


def preview(run: RankingRun) -> dict:
    """What the office sees before publishing: counts per identity, the cut-off, ties, changes."""
    counts = {}
    for identity in ranking.IDENTITIES:
        outcomes = [o for o in run.result["outcomes"] if o["identity"] == identity]
        counts[identity] = {
            status.value: sum(1 for o in outcomes if o["status"] == status) for status in ranking.Status
        }
        cutoffs = [o["cutoff"] for o in outcomes if o["cutoff"] is not None]
        counts[identity]["cutoff"] = cutoffs[0] if cutoffs else None
    published = RankingRun.objects.filter(program=run.program, state=RankingRun.State.PUBLISHED).first()
    return {
        "counts": counts,
        "ties": run.result["ties"],
        "flowed": run.result["flowed"],
        "changes": changed_outcomes(published.result if published else None, run.result),
        "published": published,
    }


def publish_run(*, actor, run: RankingRun, dry_run: bool = False) -> list[int]:
    """The office publishes a run at the calendar's results time; the earlier published run is superseded.

    Returns the application ids that are notified (everyone on a first publication, those whose result
    changed on a later one). With dry_run nothing changes. Side effects: audit entry, message and email each.
    """
    if not actor.is_office:
        raise DomainError(_("Only the admissions office publishes results."))
    if run.result["ties"]:
        raise DomainError(_("A tie at the cut-off awaits the committee's decision; record it and rank again."))
    calendar_for(run.program.cycle).ensure_open("results")
    with transaction.atomic():
        locked = RankingRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != RankingRun.State.PROPOSED:
            raise DomainError(_("This run was already published or superseded."))
        previous = RankingRun.objects.filter(program=run.program, state=RankingRun.State.PUBLISHED).first()
        changed = changed_outcomes(previous.result if previous else None, locked.result)
        if dry_run:
            transaction.set_rollback(True)
            return changed
        if previous is not None:
            previous.state = RankingRun.State.SUPERSEDED
            previous.save(update_fields=["state"])
        locked.state, locked.published_at, locked.published_by = RankingRun.State.PUBLISHED, clock.now(), actor
        locked.save(update_fields=["state", "published_at", "published_by"])
        record_audit(actor=actor, action="scoring.publish", target=locked,
                     after={"notified": changed, "previous": previous.pk if previous else None})  # fmt: skip
        applications = Application.objects.filter(pk__in=changed).select_related("applicant", "program")
        for application in applications:
            notify(
                user=application.applicant,
                template="scoring/result",
                context={"application": application, "changed": previous is not None},
            )
    run.refresh_from_db()
    return changed


# --- regrade (複查) ----------------------------------------------------------------------------------


def request_regrade(*, applicant, application: Application, stage_ids) -> RegradeRequest:
    """Ask for a regrade of listed stages in the regrade window; the fee is charged if the cycle has one.

    Side effects: audit entry, a charge for the "regrade" fee item when the cycle defines it.
    """
    from gradadmit.fees.models import FeeItem
    from gradadmit.fees.services import create_charge

    if application.applicant_id != applicant.id or not application.is_active:
        raise DomainError(_("This application cannot ask for a regrade."))
    calendar_for(application.program.cycle, applicant).ensure_open("regrade")
    stage_ids = {int(s) for s in stage_ids}
    if not stage_ids:
        raise DomainError(_("Choose at least one score to regrade."))
    scores = {s.stage_id: s for s in StageScore.objects.filter(application=application)}
    if not stage_ids <= set(scores):
        raise DomainError(_("Only your listed scores can be regraded."))
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        if RegradeRequest.objects.filter(application=application).exists():
            raise DomainError(_("You have already asked for a regrade."))
        request = RegradeRequest.objects.create(application=application, submitted_at=clock.now())
        RegradeItem.objects.bulk_create(
            [RegradeItem(request=request, stage_id=s, original_score=scores[s].score) for s in sorted(stage_ids)]
        )
        item = FeeItem.objects.filter(cycle=application.program.cycle, code="regrade").first()
        if item is not None:
            request.charge = create_charge(application=application, item=item, actor=applicant)
            request.save(update_fields=["charge"])
        record_audit(actor=applicant, action="scoring.regrade_request", target=request,
                     after={"stages": sorted(stage_ids)})  # fmt: skip
    return request


def answer_regrade(*, actor, request: RegradeRequest, answers: dict) -> RankingRun | None:
    """Answer each item ({stage_id: (new score or None, outcome text)}); a changed score re-runs the ranking.

    A changed score is written as source "regrade" (a regrade is the official way to change a submitted
    score), the ranking is run again as a new recorded run and published, and everyone whose result
    changed is notified. Side effects: audit entries, messages and emails.
    """
    changed_any = False
    with transaction.atomic():
        locked = RegradeRequest.objects.select_for_update().select_related("application__program").get(pk=request.pk)
        if locked.status != RegradeRequest.Status.SUBMITTED:
            raise DomainError(_("This regrade request was already answered."))
        for item in locked.items.all():
            if item.stage_id not in answers:
                raise DomainError(_("Answer every item of the request."))
            new_score, outcome = answers[item.stage_id]
            item.outcome = outcome.strip() or _("Checked: the score is correct.")
            if new_score is not None and parse_score(new_score) != item.original_score:
                item.new_score = parse_score(new_score)
                score = StageScore.objects.select_for_update().get(application=locked.application, stage=item.stage)
                before = snapshot(score, SCORE_FIELDS)
                score.score, score.absent, score.source = item.new_score, False, StageScore.Source.REGRADE
                score.save(update_fields=["score", "absent", "source", "updated_at"])
                record_audit(actor=actor, action="scoring.regrade_change", target=score, before=before,
                             after=snapshot(score, SCORE_FIELDS), reason=item.outcome)  # fmt: skip
                changed_any = True
            item.save()
        locked.status, locked.answered_at, locked.answered_by = RegradeRequest.Status.ANSWERED, clock.now(), actor
        locked.save(update_fields=["status", "answered_at", "answered_by"])
        notify(user=locked.application.applicant, template="scoring/regrade_answered",
               context={"request": locked, "application": locked.application})  # fmt: skip
        new_run = None
        if changed_any:
            program = locked.application.program
            new_run = run_ranking(actor=actor, program=program, reason=_("Regrade #%(id)s") % {"id": locked.pk})
            if RankingRun.objects.filter(program=program, state=RankingRun.State.PUBLISHED).exists():
                publish_run(actor=actor, run=new_run)
    return new_run


# --- appeals (申訴) ----------------------------------------------------------------------------------


def appeal_deadline(application: Application):
    """The appeal milestone's end if the calendar has one, else the results time plus the programme's days."""
    calendar = calendar_for(application.program.cycle, application.applicant)
    window = calendar.window("appeal")
    if window is not None and window.ends_at is not None:
        return window.ends_at
    results = calendar.window("results")
    if results is None:
        return None
    return results.starts_at + timedelta(days=settings_for(application.program).appeal_days)


def submit_appeal(*, applicant, application: Application, facts: str, remedy: str = "", attachment=None) -> Appeal:
    """An appeal in writing within the days after the results; the office answers within 20 days (附錄五 第六條).

    The attachment is checked as documents are (a real, intact, unencrypted PDF of at most 10 MB, active
    content removed) and stored under a generated name; a refused file refuses the appeal (UploadRejected)
    and stores nothing. Side effect: audit entry.
    """
    if application.applicant_id != applicant.id:
        raise DomainError(_("This application cannot appeal."))
    if not facts.strip():
        raise DomainError(_("Describe the facts and your reasons."))
    if not RankingRun.objects.filter(program=application.program, state=RankingRun.State.PUBLISHED).exists():
        raise DomainError(_("Appeals open when the results are published."))
    deadline = appeal_deadline(application)
    now = clock.now()
    if deadline is None or now > deadline:
        raise DomainError(_("The time to appeal has passed. Contact the admissions office if you need help."))
    checked = check_pdf(attachment, max_bytes=APPEAL_ATTACHMENT_MAX_BYTES) if attachment is not None else None
    appeal = Appeal(
        application=application,
        facts=facts.strip(),
        remedy=remedy.strip(),
        submitted_at=now,
        answer_due_at=now + timedelta(days=20),
    )
    if checked is not None:  # stored first (slow, outside the transaction); removed again if the database refuses
        attachment.seek(0)
        store_file(
            appeal.attachment, "attachment.pdf", ContentFile(checked.content) if checked.sanitized else attachment
        )
    try:
        with transaction.atomic():
            appeal.save()
            record_audit(actor=applicant, action="scoring.appeal", target=appeal,
                         after={"attachment": checked.sha256 if checked else None})  # fmt: skip
    except Exception:
        if appeal.attachment:
            appeal.attachment.delete(save=False)
        raise
    return appeal


def answer_appeal(*, actor, appeal: Appeal, answer: str) -> Appeal:
    """The office answers an appeal in writing. Side effects: audit entry, message and email."""
    if not actor.is_office:
        raise DomainError(_("Only the admissions office answers appeals."))
    if not answer.strip():
        raise DomainError(_("Write the answer."))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("application__applicant").get(pk=appeal.pk)
        if locked.status != Appeal.Status.SUBMITTED:
            raise DomainError(_("This appeal was already answered or withdrawn."))
        locked.status, locked.answer = Appeal.Status.ANSWERED, answer.strip()
        locked.answered_at, locked.answered_by = clock.now(), actor
        locked.save()
        record_audit(actor=actor, action="scoring.appeal_answer", target=locked)
        notify(user=locked.application.applicant, template="scoring/appeal_answered",
               context={"appeal": locked, "application": locked.application})  # fmt: skip
    return locked
