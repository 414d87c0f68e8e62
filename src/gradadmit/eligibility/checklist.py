"""Checklist row: the eligibility review result (報名資格審查結果), done only when qualified."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, preloaded, url_for
from gradadmit.eligibility.models import ReviewDecision

Result = ReviewDecision.Result


@checklist_registry.register(keys=("eligibility",), related=("review_decision",))
def eligibility_rows(applications, context):
    """No query when the decisions were joined to the applications, else one; one more if any asks a supplement."""
    decisions = preloaded(applications, "review_decision")
    if decisions is None:
        decisions = {d.application_id: d for d in ReviewDecision.objects.filter(application__in=applications)}
    prefetch_related_objects(
        [d for d in decisions.values() if d is not None and d.result == Result.SUPPLEMENT], "supplement_items"
    )
    label = _("Eligibility review (資格審查)")
    url = url_for("eligibility:result")
    rows = {}
    for application in applications:
        decision = decisions.get(application.id)
        result = decision.result if decision else Result.PENDING
        deadline = None
        if result == Result.QUALIFIED:
            status, detail = RowStatus.DONE, _("Qualified.")
        elif result == Result.NOT_QUALIFIED:
            status, detail = (
                RowStatus.MISSING,
                _("Not qualified: %(reason)s") % {"reason": decision.get_reason_display()},
            )
        elif result == Result.SUPPLEMENT:
            status, deadline = RowStatus.PENDING, decision.supplement_until
            detail = _("Supplement needed: %(items)s") % {
                "items": ", ".join(item.name for item in decision.supplement_items.all())
            }
        elif result == Result.COMMITTEE:
            status, detail = RowStatus.PENDING, _("Waiting for the equivalent-qualification committee.")
        else:
            status, detail = RowStatus.PENDING, _("Not reviewed yet.")
        rows[application.id] = [
            ChecklistRow(
                key="eligibility",
                order=60,
                label=label,
                status=status,
                detail=detail,
                deadline=deadline,
                url=url(application.pk),
            )
        ]
    return rows
