"""Prepared querysets: a query the ORM builds and compiles once per process, then runs with new values.

Django builds a queryset's filters and compiles its SQL again on every evaluation. For the wide queries of the
applicant's pages (an application with the checklist's one-to-one rows joined selects about a hundred columns)
building and compiling cost several times what SQLite or PostgreSQL take to run them: a third of a deadline-night
request was spent there (docs/capacity.md). SQLAlchemy caches compiled statements for this reason; Django does not.

    APPLICATIONS = prepared(
        lambda: Application.objects.filter(applicant_id=Param("user")).select_related("program__cycle")
    )
    rows = list(APPLICATIONS(user=user.pk))

The builder is called once; it must take every value that changes between evaluations from a `Param`, never from
the request, the clock or a setting (a value read inside the builder is kept for the life of the process). The
queryset an evaluation returns is run as it is (iterated, list(), len()): chaining another method on it raises
`PreparedQueryChanged`, since the kept SQL would not include the change. Prefetching, select_related and values()
work as usual: only the step from query to SQL (and the list of the columns' value converters) is kept, the rows
are read and converted by Django as always.

With `GRADADMIT_PREPARED_CHECK` on (the test suite's settings), every evaluation also builds and compiles the query
afresh and compares the result with the kept SQL and values: a builder that kept a value it should not have is
caught by the first test that runs it twice.
"""

import copy
import threading
from collections import defaultdict

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import Expression
from django.db.models.sql import Query
from django.http import Http404

__all__ = ["Param", "PreparedQueryChanged", "attach", "one_or_404", "one_or_none", "prepared"]


class PreparedQueryChanged(TypeError):
    """A prepared queryset was chained (filtered, sliced, ordered...) after its SQL was kept."""


class _Slot:
    """Where a Param's value (or, for a list, one of its items) goes among the kept SQL's values."""

    __slots__ = ("field", "index", "name")

    def __init__(self, name: str, field, index=None):
        self.name, self.field, self.index = name, field, index

    def __repr__(self):
        return f"<Param {self.name}>" if self.index is None else f"<Param {self.name}[{self.index}]>"


_compiling = threading.local()  # the values of the evaluation being compiled (a list's length shapes its SQL)


class Param(Expression):
    """A value given at each evaluation of a prepared queryset: `filter(applicant_id=Param("user"))`.

    The value is converted for the database by `output_field` (an integer by default), as Django converts a
    literal value of that field. None is refused: `= NULL` matches nothing, where Django would write IS NULL.
    `many=True` takes a list for `__in` (`filter(application__in=Param("applications", many=True))`): each length
    is compiled once (keep such lists short: a page's rows, not a table), and an empty list gives an empty queryset
    without a query, as Django's own `__in=[]` does.
    """

    def __init__(self, name: str, output_field=None, *, many: bool = False):
        super().__init__(output_field=output_field or models.BigIntegerField())
        self.name, self.many = name, many

    def __repr__(self):
        return f"Param({self.name!r}{', many=True' if self.many else ''})"

    def as_sql(self, compiler, connection):
        values = getattr(_compiling, "values", None)
        if values is None:
            raise TypeError(f"{self!r} outside a prepared queryset: build the queryset with prepared()")
        if not self.many:
            return "%s", [_Slot(self.name, self.output_field)]
        count = len(values[self.name])
        return ", ".join(["%s"] * count), [_Slot(self.name, self.output_field, index) for index in range(count)]

    def get_group_by_cols(self):
        return []


def _bind(params, values: dict, connection) -> tuple:
    bound = []
    for param in params:
        if isinstance(param, _Slot):
            value = values[param.name]
            if param.index is not None:
                value = value[param.index]
                value = getattr(value, "pk", value)  # a list of rows, as Django's __in takes
            if value is None:
                raise ValueError(f"prepared query: Param {param.name!r} is None (= NULL matches no row)")
            param = param.field.get_db_prep_value(value, connection, prepared=False)
        bound.append(param)
    return tuple(bound)


def _shape(values: dict) -> tuple:
    """What of the values changes the SQL: the length of each list."""
    return tuple(len(value) for _, value in sorted(values.items()) if isinstance(value, (list, tuple)))


class _PreparedSQLQuery(Query):
    """The query of one evaluation: its compiler is a copy of the kept one, with this evaluation's values."""

    prepared = None  # the _Prepared it belongs to (set on the subclass made for each prepared queryset)
    values: dict = {}
    sealed = False

    def clone(self):
        if self.sealed:
            raise PreparedQueryChanged(
                "a prepared queryset is evaluated as it is: list() it, or add the change to its builder"
            )
        return super().clone()

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if connection is None:
            connection = connections[using]
        kept = self.prepared.compiled(self, connection, elide_empty)
        compiler = copy.copy(kept.compiler)
        compiler.connection, compiler.using = connection, connection.alias
        sql, params = kept.sql, _bind(kept.params, self.values, connection)
        if getattr(settings, "GRADADMIT_PREPARED_CHECK", False):
            self.prepared.check_against_fresh(self.values, connection, elide_empty, (sql, params))
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: kept.converters(compiler, expressions)
        return compiler


class _Kept:
    """A compiled query: its compiler, SQL and values, and the converters of its rows (per database connection)."""

    __slots__ = ("_converters", "compiler", "params", "sql")

    def __init__(self, compiler, sql, params):
        self.compiler, self.sql, self.params = compiler, sql, params
        self._converters: dict = {}

    def converters(self, compiler, expressions) -> dict:
        """What Django's get_converters() finds for the selected columns (a database's and each field's value
        converters), looked up once: asking every column's field and the backend costs more than reading the rows.
        """
        expressions = tuple(expressions)
        key = (compiler.connection, tuple(map(id, expressions)))
        found = self._converters.get(key)
        if found is None:  # the expressions are kept with their converters: an id cannot come back as another's
            found = self._converters[key] = (expressions, type(compiler).get_converters(compiler, expressions))
        return found[1]


def _compile(query, connection, elide_empty, values) -> tuple:
    _compiling.values = values
    try:
        compiler = Query.get_compiler(query, connection=connection, elide_empty=elide_empty)
        sql, params = compiler.as_sql()
    finally:
        _compiling.values = None
    return compiler, sql, tuple(params)


class _Prepared:
    def __init__(self, builder):
        self.builder = builder
        self._base = None
        self._kept: dict = {}  # (database alias, elide_empty, list lengths) -> _Kept
        self._lock = threading.Lock()

    def __call__(self, **values) -> models.QuerySet:
        base = self._base
        if base is None:
            base = self._base = self._build()
        if any(isinstance(value, (list, tuple)) and not value for value in values.values()):
            return base.model._default_manager.none()  # __in an empty list: no row, no query
        queryset = base._chain()
        queryset.query.values = values
        queryset.query.sealed = True
        return queryset

    def _build(self) -> models.QuerySet:
        queryset = self.builder()
        query_class = type(queryset.query)
        queryset.query.__class__ = type("PreparedSQLQuery", (_PreparedSQLQuery, query_class), {"prepared": self})
        return queryset

    def compiled(self, query, connection, elide_empty) -> _Kept:
        key = (connection.alias, elide_empty, _shape(query.values))
        kept = self._kept.get(key)
        if kept is None:
            with self._lock:
                kept = self._kept.get(key)
                if kept is None:
                    kept = self._kept[key] = _Kept(*_compile(query, connection, elide_empty, query.values))
        return kept

    def check_against_fresh(self, values, connection, elide_empty, kept_sql) -> None:
        _, sql, params = _compile(self.builder().query, connection, elide_empty, values)
        if (sql, _bind(params, values, connection)) != kept_sql:
            raise AssertionError(
                f"prepared query {self.builder.__qualname__}: the kept SQL differs from a fresh build "
                f"(a value read inside the builder?)\nkept:  {kept_sql}\nfresh: {(sql, params)}"
            )


def prepared(builder):
    """A prepared queryset from `builder` (a function of no arguments returning a QuerySet with Params): call it
    with the Params' values to get a queryset to evaluate."""
    return _Prepared(builder)


def one_or_none(queryset):
    """The one row of a prepared queryset selecting by a unique key, or None (get() and first() chain a filter)."""
    rows = list(queryset)
    return rows[0] if rows else None


def one_or_404(queryset):
    """one_or_none(), with 404 for no row (get_object_or_404 chains a filter)."""
    row = one_or_none(queryset)
    if row is None:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
    return row


def attach(rows, attr: str, children, *, key: str, back: str | None = None) -> None:
    """Give each row the list of `children` whose `key` (a foreign key's column attribute, `charge_id`) is its pk,
    as `row.<attr>`; with `back`, each child's `<back>` is its row. That is what
    `prefetch_related(Prefetch(..., to_attr=attr))` gives, from a prepared query's rows: Django builds and compiles
    a prefetch's query at every evaluation (half the fee page's time), and a prepared queryset cannot be prefetched
    through.

        charges = list(CHARGES(application=application.pk))
        attach(charges, "waivers", WAIVERS_OF_CHARGES(charges=charges), key="charge_id", back="charge")
    """
    grouped = defaultdict(list)
    for child in children:
        grouped[getattr(child, key)].append(child)
    for row in rows:
        found = grouped.get(row.pk, [])
        if back is not None:
            for child in found:
                setattr(child, back, row)
        setattr(row, attr, found)
