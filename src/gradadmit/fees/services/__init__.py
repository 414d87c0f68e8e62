"""Every change of money, by family: charges and virtual accounts, discounts (charges), waivers (waivers), payments
by hand and refunds (payments), bank statement imports (imports). Each function is one transaction and writes the
audit log (core.audit): who, when, before, after. Every name is importable from here, as before the split."""

from gradadmit.fees.services.charges import (  # noqa: F401
    CHARGE_FIELDS,
    application_fee_item,
    apply_discount,
    charges_for_fee_page,
    create_charge,
    ensure_application_charge,
)
from gradadmit.fees.services.imports import (  # noqa: F401
    BATCH_SIZE,
    import_statement,
    notify_amount_wrong,
    resolve_line,
    start_statement_import,
    statement_max_bytes,
    statement_sync_bytes,
)
from gradadmit.fees.services.payments import (  # noqa: F401
    add_payment,
    record_payment,
    record_refund,
)
from gradadmit.fees.services.waivers import (  # noqa: F401
    PROOF_MAX_BYTES,
    check_proof,
    decide_waiver,
    request_waiver,
    waive_by_hand,
    withdraw_waiver,
)
