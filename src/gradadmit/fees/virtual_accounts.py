"""Virtual account numbers (虛擬帳號): prefix + [due-date code] + serial + check digit. Pure, no ORM.

The collecting bank (e.g. 中國信託商業銀行, bank code 822) gives the school a company
prefix (企業代號). Every payable item gets its own number:

    plain scheme:          PPPP SSSSSSSSS C                 (14 digits with a 4-digit prefix)
    amount-checking:       PPPP YDDD SSSSS C                 Y = last digit of the ROC year of the due
                                                             date, DDD = its day of the year

The check digit is a weighted modulus: the digits (plus, with amount checking, the
amount zero-padded to `amount_digits`) are multiplied left to right by the weights
repeated (3, 7, 1, 3, 7, 1, … by default), the products summed, and the check digit
is (modulus - sum % modulus) % modulus, with 10 written as 0 for modulus 11. With
amount checking the bank recomputes the digit from the number and the amount the
payer enters, and reads the due date from the number: a wrong amount or a late
transfer is refused at the counter. See docs/bank-statement.md.
"""

from dataclasses import dataclass
from datetime import date

DEFAULT_WEIGHTS = (3, 7, 1)
DATE_CODE_DIGITS = 4


class InvalidAccount(ValueError):
    """A number that cannot be ours; `reason` is one of: empty, not_digits, length, prefix, check_digit."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class AccountScheme:
    prefix: str
    length: int = 14
    weights: tuple[int, ...] = DEFAULT_WEIGHTS
    modulus: int = 10
    amount_check: bool = False
    amount_digits: int = 10

    def __post_init__(self):
        if not self.prefix.isdigit():
            raise ValueError("the prefix must be digits")
        if not self.weights or any(w < 0 for w in self.weights):
            raise ValueError("weights must be non-negative integers")
        if self.modulus not in (10, 11):
            raise ValueError("the modulus must be 10 or 11")
        if self.serial_digits < 1:
            raise ValueError("no room for a serial: make the number longer or the prefix shorter")

    @property
    def serial_digits(self) -> int:
        return self.length - len(self.prefix) - 1 - (DATE_CODE_DIGITS if self.amount_check else 0)

    @property
    def capacity(self) -> int:
        """The largest serial this scheme can number (serials start at 1)."""
        return 10**self.serial_digits - 1


def check_digit(digits: str, weights=DEFAULT_WEIGHTS, modulus: int = 10) -> int:
    """The weighted-modulus check digit of a string of digits (weights repeated left to right)."""
    if not digits.isdigit():
        raise ValueError("digits only")
    total = sum(int(d) * weights[i % len(weights)] for i, d in enumerate(digits))
    value = (modulus - total % modulus) % modulus
    return 0 if value == 10 else value


def due_date_code(due: date) -> str:
    """YDDD: last digit of the ROC year, then the day of the year (001–366)."""
    return f"{(due.year - 1911) % 10}{due.timetuple().tm_yday:03d}"


def _checked_digits(scheme: AccountScheme, body: str, amount: int | None) -> str:
    if not scheme.amount_check:
        return body
    if amount is None or amount < 0 or amount >= 10**scheme.amount_digits:
        raise ValueError("amount checking needs a whole, non-negative amount that fits the scheme")
    return body + f"{amount:0{scheme.amount_digits}d}"


def make_account(scheme: AccountScheme, serial: int, *, amount: int | None = None, due: date | None = None) -> str:
    """The account number for a serial (and, with amount checking, the amount and due date)."""
    if not isinstance(serial, int) or serial < 1 or serial > scheme.capacity:
        raise ValueError(f"serial must be 1..{scheme.capacity}")
    body = scheme.prefix
    if scheme.amount_check:
        if due is None:
            raise ValueError("amount checking needs a due date")
        body += due_date_code(due)
    body += f"{serial:0{scheme.serial_digits}d}"
    return body + str(check_digit(_checked_digits(scheme, body, amount), scheme.weights, scheme.modulus))


def normalize(text: str) -> str:
    """Digits as typed or exported: spaces and dashes removed, full-width digits made ASCII."""
    text = (text or "").strip().translate(_FULLWIDTH)
    return text.replace(" ", "").replace("-", "")


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def check_format(scheme: AccountScheme, number: str) -> None:
    """Raise InvalidAccount unless the number has our shape (digits, length, prefix)."""
    if not number:
        raise InvalidAccount("empty", "no account number")
    if not (number.isascii() and number.isdigit()):
        raise InvalidAccount("not_digits", "the account number has characters other than digits")
    if len(number) != scheme.length:
        raise InvalidAccount("length", f"the account number has {len(number)} digits, not {scheme.length}")
    if not number.startswith(scheme.prefix):
        raise InvalidAccount("prefix", f"the account number does not start with our prefix {scheme.prefix}")


def validate(scheme: AccountScheme, number: str, *, amount: int | None = None) -> None:
    """Raise InvalidAccount unless the number is well formed and its check digit is right.

    With amount checking the digit is checked against `amount` (what was paid).
    """
    check_format(scheme, number)
    try:
        expected = check_digit(_checked_digits(scheme, number[:-1], amount), scheme.weights, scheme.modulus)
    except ValueError as error:
        raise InvalidAccount("check_digit", "the check digit cannot be verified for this amount") from error
    if int(number[-1]) != expected:
        raise InvalidAccount("check_digit", "the check digit is wrong (a mistyped number?)")


def is_valid(scheme: AccountScheme, number: str, *, amount: int | None = None) -> bool:
    try:
        validate(scheme, number, amount=amount)
    except InvalidAccount:
        return False
    return True


def serial_of(scheme: AccountScheme, number: str) -> int:
    """The serial inside a well-formed number."""
    check_format(scheme, number)
    return int(number[-1 - scheme.serial_digits : -1])


def format_for_reading(number: str, group: int = 4) -> str:
    """Digits in groups of four for reading aloud or copying by hand: 9793 1145 1356 18."""
    return " ".join(number[i : i + group] for i in range(0, len(number), group))
