"""Fee arithmetic in whole NTD: discounts, waivers, a charge's status. Pure, integers only (no float anywhere)."""

import re

LOW_INCOME, MIDDLE_LOW_INCOME = "low_income", "middle_low_income"
# 報名費優待 (brochure, 附件八): low-income households pay nothing, middle-low-income 60 % off.
WAIVER_PERCENT_OFF = {LOW_INCOME: 100, MIDDLE_LOW_INCOME: 60}

UNPAID, PAID, PARTIAL, OVER, WAIVED, REFUNDED = "unpaid", "paid", "partial", "over", "waived", "refunded"


def percent_off(price: int, percent: int) -> int:
    """price less `percent` %, rounded half up to the dollar: 900 less 60 % is 360, 1,555 less 60 % is 622."""
    if price < 0 or not 0 <= percent <= 100:
        raise ValueError("price must be >= 0 and percent 0..100")
    return (price * (100 - percent) * 2 + 100) // 200


def amount_due(base: int, *, discounted_price: int | None = None, waiver_percent: int = 0) -> int:
    """What the applicant pays: the office's discounted price (if lower) and then the waiver on top of it."""
    if base < 0 or (discounted_price is not None and discounted_price < 0):
        raise ValueError("amounts cannot be negative")
    price = base if discounted_price is None else min(base, discounted_price)
    return percent_off(price, waiver_percent)


def charge_status(*, due: int, received: int, refunded: int = 0) -> str:
    """The status shown to the applicant and counted by the office, from the amounts alone.

    `received` is the net (payments less refunds); `refunded` says whether anything went back.
    """
    if received == 0:
        if refunded:
            return REFUNDED
        return WAIVED if due == 0 else UNPAID
    if received == due:
        return PAID
    return PARTIAL if received < due else OVER


AMOUNT_RE = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """A positive whole NTD amount as banks write it: 1300, 1,300, 1300.00, "NT$1,300". ValueError with the reason."""
    raw = (text or "").strip().replace("NT$", "").replace("$", "").replace("元", "").strip()
    raw = raw.translate(str.maketrans("０１２３４５６７８９，．", "0123456789,."))
    if not raw:
        raise ValueError("no amount")
    match = AMOUNT_RE.match(raw)
    if not match:
        raise ValueError(f"the amount {text.strip()!r} is not a number")
    if match["frac"] and int(match["frac"]) != 0:
        raise ValueError(f"the amount {text.strip()!r} has cents; payments are whole NTD")
    value = int(match["int"].replace(",", ""))
    if match["sign"] == "-":
        value = -value
    if value <= 0:
        raise ValueError(f"the amount {text.strip()!r} is zero or negative")
    return value
