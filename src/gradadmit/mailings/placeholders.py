"""The placeholders of a mailing's text ({name}, {program}, …): parsed with string.Formatter against an allow-list.

Staff text is never a template: it is split into literal text and placeholder names by `string.Formatter.parse`
(the syntax of str.format: `{name}`, and `{{` / `}}` for a brace itself), every name is checked against
PLACEHOLDERS, and rendering joins the literal parts with the values given. No attribute or index lookup, no
conversion, no format spec: `{name.__class__}`, `{name[0]}`, `{name!r}` or `{name:>9}` are refused as malformed.
"""

import re
import string
from dataclasses import dataclass

from django.utils.translation import gettext as _

PLACEHOLDERS = ("name", "program", "exam_number", "deadline", "link")
# {{name}} or {{ name }} (template habits) would print "{name}" as is: refused, so nobody mails a raw placeholder.
DOUBLED = re.compile(r"\{\s*(" + "|".join(PLACEHOLDERS) + r")\s*\}")


class PlaceholderError(ValueError):
    """The text cannot be used; `message` says which placeholder and what to do (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parsed:
    parts: tuple[tuple[str, str | None], ...]  # (literal text, placeholder name or None)

    @property
    def used(self) -> frozenset[str]:
        return frozenset(name for _literal, name in self.parts if name)

    def render(self, values: dict[str, str]) -> str:
        return "".join(literal + (values[name] if name else "") for literal, name in self.parts)


def allowed_list() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def _written(field: str, conversion: str | None, spec: str | None) -> str:
    return "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"


def parse(text: str) -> Parsed:
    """Split `text` into literal parts and known placeholders, or raise PlaceholderError naming the culprits."""
    try:
        raw = list(string.Formatter().parse(text))
    except ValueError:
        raise PlaceholderError(
            _("A brace is not closed or not opened. Write a placeholder as {name}; write {{ or }} for a brace itself.")
        ) from None
    parts, unknown, malformed = [], [], []
    for literal, field, spec, conversion in raw:
        if field is None:
            parts.append((literal, None))
            continue
        written = _written(field, conversion, spec)
        if conversion or spec or not field.isidentifier():
            malformed.append(written)
        elif field not in PLACEHOLDERS:
            unknown.append(written)
        parts.append((literal, field))
    # Literal text comes in pieces (split at each brace): look for doubled placeholders in the joined text.
    literal_text = "".join(literal + ("\0" if field else "") for literal, field in parts)
    malformed.extend("{{" + found.group(0)[1:-1] + "}}" for found in DOUBLED.finditer(literal_text))
    if malformed:
        raise PlaceholderError(
            _(
                "Malformed placeholder %(found)s: write a placeholder with single braces and only its name inside, e.g. {name}."
            )
            % {"found": ", ".join(dict.fromkeys(malformed))}
        )
    if unknown:
        raise PlaceholderError(
            _("Unknown placeholder %(found)s. Use only these: %(allowed)s.")
            % {"found": ", ".join(dict.fromkeys(unknown)), "allowed": allowed_list()}
        )
    return Parsed(parts=tuple(parts))
