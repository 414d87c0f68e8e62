"""Masking personal data in office lists and exports: one function, used by templates, Jinja2 and exports.

A12****789: of an identifier's letters and digits a third is shown at each end and the middle is starred;
punctuation stays (0912-***-678). A date keeps its year only. Staff see the whole value on the applicant record
through the logged "reveal" action (accesslog).
"""

import datetime

MASK = "*"


def mask(value) -> str:
    """The value with its middle hidden: ID and passport numbers, phone numbers, birth dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}-{MASK * 2}-{MASK * 2}"
    text = str(value)
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    keep = len(positions) // 3
    hidden = set(positions[keep : len(positions) - keep]) if keep else set(positions)
    return "".join(MASK if i in hidden else ch for i, ch in enumerate(text))
