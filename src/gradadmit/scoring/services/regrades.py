"""Regrade requests (複查): the applicant asks, the department answers, a changed score runs the ranking again."""

from django.db import transaction
from django.utils.translation import gettext as _

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import calendar_for
from gradadmit.core.errors import DomainError
from gradadmit.notifications.services import notify
from gradadmit.scoring.models import (
    RankingRun,
    RegradeItem,
    RegradeRequest,
    StageScore,
)
from gradadmit.scoring.services.runs import publish_run, run_ranking
from gradadmit.scoring.services.scores import SCORE_FIELDS, parse_score


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
