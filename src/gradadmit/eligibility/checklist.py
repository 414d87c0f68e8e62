"""Checklist row: the eligibility review result (報名資格審查結果), done only when qualified."""

from collections import defaultdict

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, preloaded, url_for
from gradadmit.core.prepared import Param, prepared
from gradadmit.eligibility.models import ReviewDecision

Result = ReviewDecision.Result

# The items a supplement request names, read through the many-to-many table with the requirements joined: a
# prefetch was built and compiled again on every 考生專區 of an applicant asked for a supplement.
_SUPPLEMENT_ITEMS_OF = prepared(
    lambda: (
        ReviewDecision.supplement_items.through.objects.filter(reviewdecision_id__in=Param("decisions", many=True))
        .select_related("documentrequirement")
        .order_by()
    )
)


def _supplement_names(decisions) -> dict[int, str]:
    """{decision id: its items' names}, in the requirements' order (a decision's items are of one programme)."""
    items = defaultdict(list)
    for link in _SUPPLEMENT_ITEMS_OF(decisions=[d.pk for d in decisions]):
        items[link.reviewdecision_id].append(link.documentrequirement)
    return {
        decision_id: ", ".join(r.name for r in sorted(found, key=lambda r: (r.order, r.id)))
        for decision_id, found in items.items()
    }


@checklist_registry.register(keys=("eligibility",), related=("review_decision",))
def eligibility_rows(applications, context):
    """No query when the decisions were joined to the applications, else one; one more if any asks a supplement."""
    decisions = preloaded(applications, "review_decision")
    if decisions is None:
        decisions = {d.application_id: d for d in ReviewDecision.objects.filter(application__in=applications)}
    supplements = [d for d in decisions.values() if d is not None and d.result == Result.SUPPLEMENT]
    names = _supplement_names(supplements) if supplements else {}
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
            detail = _("Supplement needed: %(items)s") % {"items": names.get(decision.pk, "")}
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
