"""core.masking.mask: the one masking rule of office lists and exports."""

import datetime

import pytest

from gradadmit.core.masking import mask


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("A123456789", "A12****789"),
        ("X1234567", "X1****67"),
        ("0912-345-678", "091*-***-678"),
        ("(04)722-1234", "(04)7**-*234"),
        ("AB", "**"),
        ("", ""),
        (None, ""),
        (datetime.date(1999, 5, 4), "1999-**-**"),
    ],
)
def test_mask(value, masked):
    assert mask(value) == masked


def test_at_least_a_third_is_always_hidden():
    for length in range(1, 30):
        value = "9" * length
        assert mask(value).count("*") >= length / 3
