"""Pure exam-administration rules (no ORM): the order of exam numbers, their format, slots, masked names."""

from dataclasses import dataclass
from datetime import datetime

IDENTITY_ORDER = {"general": 0, "in_service": 1}


@dataclass(frozen=True)
class Candidate:
    application_id: int
    identity: str
    applied_at: datetime


def numbering_order(candidates) -> list[Candidate]:
    """The documented order of exam numbers: general before in-service, then by application time, then by id."""
    return sorted(candidates, key=lambda c: (IDENTITY_ORDER.get(c.identity, 9), c.applied_at, c.application_id))


def format_exam_number(program_code: str, sequence: int) -> str:
    """Programme code and a three-digit (or longer) sequence: P01 + 7 -> "P01007"."""
    return f"{program_code}{sequence:03d}"


def fill_slots(ticket_count: int, capacities: list[int]) -> list[int | None]:
    """For tickets in exam-number order, the index of the slot each goes to (slots filled in order).

    None for tickets beyond the total capacity.
    """
    placement: list[int | None] = []
    for index, capacity in enumerate(capacities):
        placement.extend([index] * capacity)
    placement = placement[:ticket_count]
    placement.extend([None] * (ticket_count - len(placement)))
    return placement


MASK = "○"


def mask_name(name: str) -> str:
    """Public lists hide the middle of a name: 王小明 -> 王○明, 王明 -> 王○, 歐陽小明 -> 歐○○明.

    Latin names ("WANG, HSIAO-MING") keep the first letter of each word: "W. H."
    """
    name = (name or "").strip()
    if not name:
        return ""
    if name.isascii():
        words = [w for w in name.replace(",", " ").replace("-", " ").split() if w]
        return " ".join(f"{w[0].upper()}." for w in words)
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]
