"""Checklist row of 考生專區: each fee of the application, paid or not, by its due date."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry
from gradadmit.fees.models import Charge, FeeItem


def _detail(charge) -> str:
    if charge.status == Charge.Status.PAID:
        return _("Paid correctly (已正確繳費).")
    if charge.status == Charge.Status.WAIVED:
        return _("Waived (免繳).")
    if charge.status == Charge.Status.REFUNDED:
        return _("Refunded.")
    if charge.is_amount_wrong:
        return _("Amount wrong: NT$ %(received)s received, NT$ %(due)s due.") % {
            "received": f"{charge.amount_received:,}",
            "due": f"{charge.amount_due:,}",
        }
    return _("Not paid yet (尚未繳費): NT$ %(due)s.") % {"due": f"{charge.amount_due:,}"}


@checklist_registry.register
def fee_rows(applications, context):
    """One query for every application's charges; an application fee not charged yet shows the cycle's fee."""
    charges = defaultdict(list)
    for charge in (
        Charge.objects.filter(application__in=applications).select_related("item").order_by("item__order", "id")
    ):
        charges[charge.application_id].append(charge)
    now = clock.now()
    rows = defaultdict(list)
    for application in applications:
        url = reverse("fees:page", args=[application.pk])
        mine = charges.get(application.id, [])
        if not any(c.item.kind == FeeItem.Kind.APPLICATION for c in mine):
            window = context.calendars[application.program.cycle_id].window("application", context.scope)
            rows[application.id].append(
                ChecklistRow(
                    key="fees",
                    order=30,
                    label=_("Application fee (報名費)"),
                    status=RowStatus.PENDING,
                    detail=_("Not paid yet (尚未繳費): NT$ %(due)s. Open the page for your account number.")
                    % {"due": f"{application.program.cycle.application_fee:,}"},
                    deadline=window.ends_at if window else None,
                    url=url,
                )
            )
        for charge in mine:
            if charge.status in (Charge.Status.PAID, Charge.Status.WAIVED):
                status = RowStatus.DONE
            elif charge.status == Charge.Status.REFUNDED:
                status = RowStatus.INFO
            else:
                status = RowStatus.MISSING if charge.due_at < now else RowStatus.PENDING
            label = _("Application fee (報名費)") if charge.item.kind == FeeItem.Kind.APPLICATION else charge.item.name
            rows[application.id].append(
                ChecklistRow(
                    key=f"fees-{charge.item_id}",
                    order=30,
                    label=label,
                    status=status,
                    detail=_detail(charge),
                    deadline=charge.due_at,
                    url=url,
                )  # fmt: skip
            )
    return rows
