"""Waivers (報名費優待, 附件八): the applicant's request with its proof, the office's decision, a waiver by hand."""

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import (
    MB,
    UploadRejected,
    check_pdf,
    check_photo,
    clean_filename,
    store_file,
)
from gradadmit.fees.models import (
    Charge,
    FeeItem,
    WaiverRequest,
)
from gradadmit.fees.services.charges import CHARGE_FIELDS, _apply_amount
from gradadmit.notifications.services import notify

PROOF_MAX_BYTES = 5 * MB


def check_proof(upload):
    """The proof as documents are checked: a real PDF (active content removed) or a JPEG/PNG photo."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head.startswith(b"%PDF"):
        return check_pdf(upload, max_bytes=PROOF_MAX_BYTES, max_pages=20)
    return check_photo(upload, max_bytes=PROOF_MAX_BYTES)


def request_waiver(*, applicant, charge: Charge, category: str, household_address: str, phone_mobile: str,
                   phone_day: str = "", phone_night: str = "", upload=None) -> WaiverRequest:  # fmt: skip
    """The applicant asks for the low-income (100 %) or middle-low-income (60 %) waiver with proof.

    Refused when the charge is not the applicant's application fee, is already paid, or a request
    is pending or granted. No message (the page shows the request); staff decide it.
    """
    if charge.application.applicant_id != applicant.id or not charge.application.is_active:
        raise DomainError(_("This fee is not yours."))
    if charge.item.kind != FeeItem.Kind.APPLICATION:
        raise DomainError(_("Waivers apply to the application fee only."))
    if category not in WaiverRequest.Category.values:
        raise DomainError(_("Choose low-income or middle-low-income household."))
    if not household_address.strip() or not phone_mobile.strip():
        raise DomainError(_("Fill in the household registration address and a mobile phone number."))
    if upload is None:
        raise UploadRejected(_("Upload the certificate of your low-income or middle-low-income household."))
    if charge.amount_received > 0:
        raise DomainError(
            _("You have already paid this fee. Contact the admissions office about a refund after a waiver.")
        )
    checked = check_proof(upload)
    waiver = WaiverRequest(
        charge=charge,
        category=category,
        household_address=household_address.strip()[:200],
        phone_day=phone_day.strip()[:30],
        phone_night=phone_night.strip()[:30],
        phone_mobile=phone_mobile.strip()[:30],
        proof_extension=checked.extension,
        proof_name=clean_filename(upload.name),
        proof_content_type=checked.content_type,
        proof_size=checked.size,
        proof_sha256=checked.sha256,
        requested_by=applicant,
        requested_at=clock.now(),
    )
    upload.seek(0)
    content = ContentFile(checked.content) if checked.content is not None else File(upload)
    store_file(waiver.proof, "proof", content, sha256=checked.sha256)
    try:
        with transaction.atomic():
            Charge.objects.select_for_update().get(pk=charge.pk)
            if WaiverRequest.objects.filter(charge=charge, status__in=["pending", "approved"]).exists():
                raise DomainError(_("A waiver request for this fee is already being considered or was granted."))
            waiver.save()
            record_audit(actor=applicant, action="fees.waiver_request", target=waiver,
                         after=snapshot(waiver, ["category", "status", "charge"]))  # fmt: skip
    except (DomainError, IntegrityError) as error:
        waiver.proof.delete(save=False)
        if isinstance(error, IntegrityError):
            raise DomainError(_("A waiver request for this fee is already being considered.")) from error
        raise
    return waiver


def withdraw_waiver(*, applicant, waiver: WaiverRequest) -> WaiverRequest:
    with transaction.atomic():
        locked = WaiverRequest.objects.select_for_update().get(pk=waiver.pk)
        if locked.requested_by_id != applicant.id or locked.status != WaiverRequest.Status.PENDING:
            raise DomainError(_("Only a request still waiting for the decision can be withdrawn."))
        locked.status = WaiverRequest.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        record_audit(actor=applicant, action="fees.waiver_withdraw", target=locked,
                     before={"status": "pending"}, after={"status": locked.status})  # fmt: skip
    return locked


def _set_waiver_on_charge(charge_id: int, percent: int) -> tuple[Charge, dict]:
    charge = (
        Charge.objects.select_for_update(of=("self",))
        .select_related("discount", "application__program__cycle")
        .get(pk=charge_id)
    )
    before = snapshot(charge, CHARGE_FIELDS)
    charge.waiver_percent = percent
    _apply_amount(charge)
    return charge, before


def decide_waiver(*, actor, waiver: WaiverRequest, approve: bool, reason: str) -> WaiverRequest:
    """Approve (the due amount drops by the category's percentage) or refuse, with a reason.

    Side effects: audit entries (the request and the charge), a message and email to the applicant.
    """
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision; the applicant reads it."))
    with transaction.atomic():
        locked = WaiverRequest.objects.select_for_update().get(pk=waiver.pk)
        if locked.status != WaiverRequest.Status.PENDING:
            raise DomainError(_("This request was already decided or withdrawn."))
        before = snapshot(locked, ["status", "reason"])
        locked.status = WaiverRequest.Status.APPROVED if approve else WaiverRequest.Status.REJECTED
        locked.reason, locked.decided_by, locked.decided_at = reason.strip(), actor, clock.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        record_audit(actor=actor, action="fees.waiver_decide", target=locked, before=before,
                     after=snapshot(locked, ["status", "reason"]), reason=reason.strip())  # fmt: skip
        charge = locked.charge
        if approve:
            charge, charge_before = _set_waiver_on_charge(locked.charge_id, locked.percent)
            record_audit(actor=actor, action="fees.waiver_applied", target=charge, before=charge_before,
                         after=snapshot(charge, CHARGE_FIELDS), reason=reason.strip())  # fmt: skip
        notify(user=charge.application.applicant, template="fees/waiver_decided",
               context={"waiver": locked, "charge": charge, "application": charge.application})  # fmt: skip
    return locked


def waive_by_hand(*, actor, charge: Charge, category: str, reason: str) -> WaiverRequest:
    """Staff record a waiver decided on paper (附件八 handed in at the office): approved at once, with the reason."""
    if category not in WaiverRequest.Category.values:
        raise DomainError(_("Choose low-income or middle-low-income household."))
    if not reason.strip():
        raise DomainError(_("Say why (e.g. the certificate seen at the office)."))
    with transaction.atomic():
        Charge.objects.select_for_update().get(pk=charge.pk)
        if WaiverRequest.objects.filter(charge=charge, status__in=["pending", "approved"]).exists():
            raise DomainError(_("This fee already has a waiver request; decide that one."))
        now = clock.now()
        waiver = WaiverRequest.objects.create(
            charge=charge, category=category, status=WaiverRequest.Status.APPROVED, requested_by=actor,
            requested_at=now, decided_by=actor, decided_at=now, reason=reason.strip(),
        )  # fmt: skip
        updated, before = _set_waiver_on_charge(charge.pk, waiver.percent)
        record_audit(actor=actor, action="fees.waiver_by_hand", target=updated, before=before,
                     after=snapshot(updated, CHARGE_FIELDS), reason=reason.strip())  # fmt: skip
        notify(user=updated.application.applicant, template="fees/waiver_decided",
               context={"waiver": waiver, "charge": updated, "application": updated.application})  # fmt: skip
    return waiver
