"""Office lists: filters, sort and page read from the URL (bookmarkable), the same for the page and its export.

    listing = Listing(request, filters=[Filter("identity", _("Identity"), "identity", Identity.choices)],
                      sorts=[Sort("name", _("Name"), "applicant__profile__name_zh")], default_sort="name")
    rows = listing.apply(queryset)            # filtered and sorted (a queryset, or a list of objects)
    page = listing.page(rows)                 # the page the URL asks for
    export = listing.querystring()            # the same filters and sort, for the "Export to Excel" link

A value the list does not know (a hand-edited or stale URL) is ignored with a message, never an error page.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

PER_PAGE = 50


@dataclass(frozen=True)
class Filter:
    """A choice filter: the URL parameter, its label, the ORM lookup it sets, the values it accepts.

    `conditions` maps a value to the condition it stands for when it is not one field's value ("exceptions": three
    outcomes; "all": none), for querysets; `default` is the value when the URL sets none.
    """

    name: str
    label: Any
    lookup: str
    choices: Sequence[tuple[Any, Any]] | Callable[[], Sequence[tuple[Any, Any]]]
    conditions: Mapping[str, Q] | None = None
    default: str = ""

    def condition(self, value: str) -> Q:
        if self.conditions is not None and value in self.conditions:
            return self.conditions[value]
        return Q(**{self.lookup: value})

    def options(self) -> list[tuple[str, Any]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(value), label) for value, label in choices]


@dataclass(frozen=True)
class Sort:
    """A sortable column: its key in the URL (?sort=key or ?sort=-key), header label, the fields it orders by."""

    key: str
    label: Any
    fields: tuple[str, ...] | str

    def order(self, descending: bool) -> list:
        fields = (self.fields,) if isinstance(self.fields, str) else self.fields
        if descending:
            return [F(field).desc(nulls_last=True) for field in fields]
        return [F(field).asc(nulls_last=True) for field in fields]


def _read(obj, lookup: str):
    try:
        return attrgetter(lookup.replace("__", "."))(obj)
    except AttributeError:
        return None


class Listing:
    def __init__(
        self,
        request,
        *,
        filters: Iterable[Filter] = (),
        sorts: Iterable[Sort] = (),
        default_sort: str = "",
        per_page: int = PER_PAGE,
    ):
        self.request = request
        self.filters = list(filters)
        self.sorts = {sort.key: sort for sort in sorts}
        self.per_page = per_page
        self.values: dict[str, str] = {}
        query = request.GET
        for filter_ in self.filters:
            value = query.get(filter_.name, "") or filter_.default
            if not value:
                continue
            options = dict(filter_.options())
            if value in options:
                self.values[filter_.name] = value
            else:
                messages.warning(
                    request,
                    _("%(filter)s has no value “%(value)s”: that filter was left out. Choose a value from the list.")
                    % {"filter": filter_.label, "value": value[:40]},
                )
                if filter_.default:
                    self.values[filter_.name] = filter_.default  # the list as it opens
        self.sort = default_sort
        asked = query.get("sort", "")
        if asked:
            if asked.lstrip("-") in self.sorts:
                self.sort = asked
            else:
                messages.warning(request, _("This list cannot be sorted by “%(sort)s”: it is shown in its usual order.")
                                 % {"sort": asked[:40]})  # fmt: skip

    # --- Applying ------------------------------------------------------------------------------------------

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def apply(self, rows):
        """The rows the URL asks for: a filtered, ordered queryset, or a filtered, sorted list."""
        if isinstance(rows, QuerySet):
            for filter_ in self.filters:
                if filter_.name in self.values:
                    rows = rows.filter(filter_.condition(self.values[filter_.name]))
            sort = self.sorts.get(self.sort_key)
            if sort is not None:
                rows = rows.order_by(*sort.order(self.descending), "pk")
            return rows
        rows = list(rows)
        for filter_ in self.filters:
            if filter_.name in self.values:
                wanted = self.values[filter_.name]
                rows = [row for row in rows if str(_read(row, filter_.lookup)) == wanted]
        sort = self.sorts.get(self.sort_key)
        if sort is not None:
            fields = (sort.fields,) if isinstance(sort.fields, str) else sort.fields

            def key(row):
                values = [_read(row, field) for field in fields]
                return [(value is None, value if value is not None else "") for value in values]

            rows.sort(key=key, reverse=self.descending)
        return rows

    def page(self, rows):
        return Paginator(rows, self.per_page).get_page(self.request.GET.get("page"))

    # --- Links ---------------------------------------------------------------------------------------------

    def params(self, **changes) -> dict[str, str]:
        params = dict(self.values)
        if self.sort:
            params["sort"] = self.sort
        params.update(changes)
        return {key: value for key, value in params.items() if value not in (None, "")}

    def querystring(self, **changes) -> str:
        """The current filters and sort (never the page) as `?a=b`, or "" when there are none."""
        params = self.params(**changes)
        return "?" + urlencode(params) if params else ""

    def header(self, key: str) -> dict:
        """A sortable column header: its label, the link that sorts by it, its aria-sort value."""
        sort = self.sorts[key]
        current = self.sort_key == key
        aria = ("descending" if self.descending else "ascending") if current else None
        target = f"-{key}" if current and not self.descending else key
        return {"label": sort.label, "url": self.querystring(sort=target), "aria_sort": aria, "current": current}

    def filter_fields(self) -> list[dict]:
        return [
            {
                "name": f.name,
                "label": f.label,
                "options": f.options(),
                "value": self.values.get(f.name, ""),
                "has_all": not f.default,  # a filter with a default offers its own "all" value, if any
            }
            for f in self.filters
        ]

    def page_url(self, number: int) -> str:
        return self.querystring(page=str(number))
