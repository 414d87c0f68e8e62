"""Virtual account numbers and fee arithmetic: pure functions, exhaustively and with hypothesis."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gradadmit.fees import amounts
from gradadmit.fees.virtual_accounts import (
    AccountScheme,
    InvalidAccount,
    check_digit,
    due_date_code,
    format_for_reading,
    is_valid,
    make_account,
    normalize,
    serial_of,
    validate,
)

PLAIN = AccountScheme(prefix="9793")
AMOUNT = AccountScheme(prefix="9793", amount_check=True)
SMALL = AccountScheme(prefix="97", length=6)  # 3-digit serial: small enough to try every number

schemes = st.builds(
    AccountScheme,
    prefix=st.text("0123456789", min_size=1, max_size=5),
    length=st.integers(12, 16),
    weights=st.lists(st.integers(1, 9), min_size=1, max_size=4).map(tuple),
    modulus=st.sampled_from([10, 11]),
    amount_check=st.booleans(),
)
due_dates = st.dates(date(2020, 1, 1), date(2040, 12, 31))


def test_check_digit_by_hand_with_3_7_1_mod_10():
    # 9*3 + 7*7 + 9*1 + 3*3 = 27 + 49 + 9 + 9 = 94 -> 10 - 4 = 6
    assert check_digit("9793") == 6
    assert check_digit("0000") == 0
    assert check_digit("1") == 7  # 1*3 = 3 -> 7


def test_check_digit_mod_11_writes_10_as_0():
    # 1*1 = 1 -> 11 - 1 = 10 -> 0
    assert check_digit("1", weights=(1,), modulus=11) == 0


def test_plain_number_has_prefix_serial_and_check_digit():
    number = make_account(PLAIN, 42)
    assert number == "9793000000042" + str(check_digit("9793000000042"))
    assert len(number) == 14 and is_valid(PLAIN, number) and serial_of(PLAIN, number) == 42


def test_every_small_serial_is_valid_distinct_and_catches_every_single_digit_error():
    numbers = [make_account(SMALL, serial) for serial in range(1, SMALL.capacity + 1)]
    assert len(set(numbers)) == SMALL.capacity
    for number in numbers:
        assert is_valid(SMALL, number)
        for position in range(len(SMALL.prefix), len(number)):
            for digit in "0123456789":
                if digit != number[position]:
                    typo = number[:position] + digit + number[position + 1 :]
                    assert not is_valid(SMALL, typo), (number, typo)


def test_serial_out_of_range_is_refused():
    for serial in (0, -1, SMALL.capacity + 1):
        with pytest.raises(ValueError):
            make_account(SMALL, serial)


@pytest.mark.parametrize(
    "number, reason",
    [("", "empty"), ("9793-abc", "not_digits"), ("979300000004", "length"), ("1234000000042" + "0", "prefix")],
)
def test_malformed_numbers_say_why(number, reason):
    with pytest.raises(InvalidAccount) as error:
        validate(PLAIN, normalize(number))
    assert error.value.reason == reason


def test_wrong_check_digit_is_named():
    number = make_account(PLAIN, 7)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidAccount) as error:
        validate(PLAIN, wrong)
    assert error.value.reason == "check_digit"


def test_normalize_accepts_spaces_dashes_and_full_width_digits():
    assert normalize(" ９７９３-0000 00042 ") == "9793000000042"


def test_format_for_reading_groups_by_four():
    assert format_for_reading("97931145135618") == "9793 1145 1356 18"


def test_amount_checking_number_carries_the_due_date():
    number = make_account(AMOUNT, 5, amount=900, due=date(2024, 12, 18))
    assert number[4:8] == due_date_code(date(2024, 12, 18)) == "3353"  # ROC 113 -> 3, day 353
    assert is_valid(AMOUNT, number, amount=900)
    assert not is_valid(AMOUNT, number, amount=901)
    assert not is_valid(AMOUNT, number, amount=90)


def test_amount_checking_needs_amount_and_due_date():
    with pytest.raises(ValueError):
        make_account(AMOUNT, 5, amount=900)
    with pytest.raises(ValueError):
        make_account(AMOUNT, 5, due=date(2024, 1, 1))


def test_scheme_without_room_for_a_serial_is_refused():
    with pytest.raises(ValueError):
        AccountScheme(prefix="123456789012", length=13)


@given(scheme=schemes, data=st.data())
def test_any_scheme_round_trips(scheme, data):
    assume(scheme.serial_digits >= 1)
    serial = data.draw(st.integers(1, scheme.capacity))
    amount = data.draw(st.integers(0, 10**7)) if scheme.amount_check else None
    due = data.draw(due_dates) if scheme.amount_check else None
    number = make_account(scheme, serial, amount=amount, due=due)
    assert len(number) == scheme.length and number.startswith(scheme.prefix)
    assert is_valid(scheme, number, amount=amount)
    assert serial_of(scheme, number) == serial


@given(serials=st.lists(st.integers(1, PLAIN.capacity), min_size=2, max_size=50, unique=True))
def test_distinct_serials_give_distinct_numbers(serials):
    numbers = {make_account(PLAIN, serial) for serial in serials}
    assert len(numbers) == len(serials)


@given(serial=st.integers(1, PLAIN.capacity), position=st.integers(4, 13), delta=st.integers(1, 9))
def test_mod_10_with_3_7_1_catches_any_single_digit_change(serial, position, delta):
    number = make_account(PLAIN, serial)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not is_valid(PLAIN, changed)


@given(serial=st.integers(1, 10**4), amount=st.integers(1, 10**6), other=st.integers(1, 10**6), due=due_dates)
def test_amount_checking_refuses_most_other_amounts(serial, amount, other, due):
    number = make_account(AMOUNT, serial, amount=amount, due=due)
    assume(other != amount)
    # One check digit cannot catch every other amount (1 in 10 collide); a one-digit slip in the amount it does.
    if len(str(other)) == len(str(amount)) and sum(a != b for a, b in zip(str(other), str(amount), strict=True)) == 1:
        assert not is_valid(AMOUNT, number, amount=other)


# --- Fee arithmetic -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "price, percent, expected", [(900, 60, 360), (900, 100, 0), (1300, 60, 520), (1555, 60, 622), (1, 60, 0),
                                 (5, 50, 3), (900, 0, 900)],
)  # fmt: skip
def test_percent_off_rounds_half_up_to_whole_dollars(price, percent, expected):
    assert amounts.percent_off(price, percent) == expected


@given(price=st.integers(0, 10**7), percent=st.integers(0, 100))
def test_percent_off_is_an_integer_between_zero_and_price(price, percent):
    value = amounts.percent_off(price, percent)
    assert isinstance(value, int) and 0 <= value <= price
    # Exact: within half a dollar of the true value, computed in integers.
    assert abs(value * 100 - price * (100 - percent)) <= 50


def test_amount_due_takes_the_discount_then_the_waiver():
    assert amounts.amount_due(900) == 900
    assert amounts.amount_due(900, discounted_price=600) == 600
    assert amounts.amount_due(900, discounted_price=600, waiver_percent=60) == 240
    assert amounts.amount_due(900, discounted_price=1200) == 900  # a "discount" never raises the fee
    assert amounts.amount_due(900, waiver_percent=100) == 0


@pytest.mark.parametrize(
    "due, received, refunded, status",
    [(900, 0, 0, "unpaid"), (900, 900, 0, "paid"), (900, 500, 0, "partial"), (900, 1800, 0, "over"),
     (0, 0, 0, "waived"), (0, 900, 0, "over"), (900, 0, 900, "refunded")],
)  # fmt: skip
def test_charge_status(due, received, refunded, status):
    assert amounts.charge_status(due=due, received=received, refunded=refunded) == status


@pytest.mark.parametrize("text, value", [("900", 900), ("1,300", 1300), ("1300.00", 1300), ("NT$1,300", 1300),
                                         (" 900 ", 900), ("１３００", 1300), ("12,345,678", 12345678)])  # fmt: skip
def test_parse_amount_accepts_what_banks_write(text, value):
    assert amounts.parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "0", "-900", "900.50", "abc", "1,30", "9e2", "1.3e3", "0.00"])
def test_parse_amount_refuses_the_rest(text):
    with pytest.raises(ValueError):
        amounts.parse_amount(text)


@given(value=st.integers(1, 10**9))
def test_parse_amount_reads_thousands_separators_back(value):
    assert amounts.parse_amount(f"{value:,}") == value == amounts.parse_amount(str(value))
