"""Number formatting shared by pages and messages."""

from decimal import Decimal


def percent(fraction: Decimal) -> str:
    """0.5 → "50", 0.125 → "12.5" (never the exponent form normalize() gives for 50)."""
    value = Decimal(fraction) * 100
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")
