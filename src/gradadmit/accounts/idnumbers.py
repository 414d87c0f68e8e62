"""Taiwan national ID (身分證字號) checksum: a pure function."""

import re

# Letter → two-digit code, as issued by the Ministry of the Interior.
LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
PATTERN = re.compile(r"^[A-Z][12]\d{8}$")


def is_valid_taiwan_id(value: str) -> bool:
    """A letter, 1 (male) or 2 (female), seven digits and a check digit; weighted sum divisible by 10."""
    value = (value or "").strip().upper()
    if not PATTERN.match(value):
        return False
    code = LETTER_CODES[value[0]]
    digits = [code // 10, code % 10] + [int(c) for c in value[1:]]
    return sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 10 == 0


def taiwan_id_check_digit(prefix: str) -> int:
    """The check digit completing a 9-character prefix (letter + 8 digits)."""
    code = LETTER_CODES[prefix[0].upper()]
    digits = [code // 10, code % 10] + [int(c) for c in prefix[1:]]
    total = sum(d * w for d, w in zip(digits, WEIGHTS[:10], strict=True))
    return (10 - total % 10) % 10
