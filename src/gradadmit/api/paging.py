"""Cursor pages (signed, so a changed cursor is refused), `updated_since`, and the token's scope on a queryset."""

from datetime import datetime

from django.core import signing
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gradadmit.api.problems import ApiProblem, not_found
from gradadmit.core import clock
from gradadmit.core.scoping import staff_program_q

SALT = "gradadmit.api.cursor"
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def scoped(token, queryset, prefix: str):
    """What the token's owner may see (core.scoping, as on the pages), within the token's programmes."""
    field = f"{prefix}_id__in" if prefix else "pk__in"
    return queryset.filter(staff_program_q(token.user, prefix)).filter(**{field: token.program_ids})


def one(queryset, pk):
    """The object, or a 404 problem (another programme's object looks like a missing one)."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def since(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)  # naive: Taiwan time, as the portal shows
    return value


def encode_cursor(listing: str, after) -> str:
    return signing.dumps({"l": listing, "a": after}, salt=SALT, compress=True)


def decode_cursor(listing: str, cursor: str | None):
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise ApiProblem(400, _("This page cursor is not valid; start again from the first page."),
                         code="bad_cursor") from None  # fmt: skip
    if not isinstance(data, dict) or data.get("l") != listing:
        raise ApiProblem(400, _("This page cursor belongs to another listing or other filters."), code="bad_cursor")
    return data.get("a")


def listing_key(name: str, **filters) -> str:
    """The listing and its filters: a cursor is good only for the same listing with the same filters."""
    parts = [name] + [f"{key}={'' if value is None else value}" for key, value in sorted(filters.items())]
    return "|".join(parts)


def page(queryset, *, listing: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page in id order, keyset on the id: one query whatever the page; (rows, next cursor or None)."""
    after = decode_cursor(listing, cursor)
    if after is not None:
        if not isinstance(after, int):
            raise ApiProblem(400, _("This page cursor is not valid; start again from the first page."),
                             code="bad_cursor")  # fmt: skip
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not (more and rows):
        return rows, None
    last = rows[-1]["id"] if isinstance(rows[-1], dict) else rows[-1].pk  # values() rows or instances
    return rows, encode_cursor(listing, last)


def page_body(items, next_cursor) -> dict:
    return {"items": items, "next_cursor": next_cursor, "as_of": clock.now()}


def filtered_page(queryset, *, listing: str, cursor: str | None, limit: int, changed_since: datetime | None = None,
                  changed_fields: tuple[str, ...] = (), **lookups) -> tuple[list, str | None]:  # fmt: skip
    """One page of a listing: each lookup the client gave (None: not asked), and, with `changed_since`, the rows one
    of whose `changed_fields` is at or after it. The cursor is bound to the listing and these filters."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None}
    queryset = queryset.filter(**given)
    if changed_since is not None:
        moment = since(changed_since)
        changed = Q()
        for name in changed_fields:
            changed |= Q(**{f"{name}__gte": moment})
        queryset = queryset.filter(changed)
    return page(queryset, listing=listing_key(listing, **lookups, since=changed_since), cursor=cursor, limit=limit)
