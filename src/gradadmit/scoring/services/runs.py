"""Interview invitations, ranking runs from stored inputs, the committee's order, preview and publication."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Program, SelectionStage
from gradadmit.notifications.services import notify
from gradadmit.scoring import ranking
from gradadmit.scoring.models import (
    InterviewInvitation,
    RankingRun,
    ScoringSettings,
    StageScore,
)
from gradadmit.scoring.services.scores import CENT, ensure_weights_add_up, settings_for


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
