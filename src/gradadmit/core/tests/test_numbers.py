"""Percentages as people write them."""

from decimal import Decimal

from gradadmit.core.numbers import percent


def test_percent_never_uses_exponent_form():
    assert [percent(Decimal(v)) for v in ["0.5", "1.2", "0.125", "0.500"]] == ["50", "120", "12.5", "50"]
