"""Taiwan national ID checksum."""

from hypothesis import given
from hypothesis import strategies as st

from gradadmit.accounts.idnumbers import LETTER_CODES, is_valid_taiwan_id, taiwan_id_check_digit


def test_known_valid_ids():
    assert is_valid_taiwan_id("A123456789")
    assert is_valid_taiwan_id("F131104093")
    assert is_valid_taiwan_id("a123456789")  # lower case is accepted and normalised


def test_known_invalid_ids():
    for value in ["A123456788", "A323456789", "1123456789", "A12345678", "", "AA23456789", "A1234567890"]:
        assert not is_valid_taiwan_id(value), value


prefixes = st.builds(
    lambda letter, sex, digits: f"{letter}{sex}{digits}",
    st.sampled_from(sorted(LETTER_CODES)),
    st.sampled_from("12"),
    st.text("0123456789", min_size=7, max_size=7),
)


@given(prefixes)
def test_the_computed_check_digit_is_the_only_valid_one(prefix):
    right = taiwan_id_check_digit(prefix)
    for digit in range(10):
        assert is_valid_taiwan_id(f"{prefix}{digit}") == (digit == right)
