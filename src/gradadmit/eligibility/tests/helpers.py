"""Helpers of the review tests: an application made complete through the other apps' own services."""


def pay_application_fee(application):
    """The application fee charged and paid in cash at the office (the fees app's own services)."""
    from gradadmit.core import clock
    from gradadmit.fees.services import ensure_application_charge, record_payment
    from gradadmit.testing.factories import OfficeFactory

    charge = ensure_application_charge(application)
    record_payment(
        actor=OfficeFactory(), charge=charge, amount=charge.amount_due, method="cash", received_at=clock.now(),
        note="paid at the counter",
    )  # fmt: skip
    return charge


def complete_application(application):
    """Documents uploaded and the fee paid: every checklist row done (letters are optional by default)."""
    from gradadmit.testing.factories import upload_required_documents

    upload_required_documents(application)
    pay_application_fee(application)
    return application
