"""Prepared querysets (core/prepared.py): the same rows as the ORM's own query, compiled once per shape."""

from datetime import timedelta

import pytest
from django.db import connection, models
from django.db.models import Count
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.prepared import Param, PreparedQueryChanged, attach, one_or_404, prepared
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications():
    first, second = UserFactory(), UserFactory()
    programs = [ProgramFactory(), ProgramFactory()]
    return {
        first: [ApplicationFactory(applicant=first, program=program) for program in programs],
        second: [ApplicationFactory(applicant=second, program=programs[0])],
    }


def _of_user():
    return Application.objects.filter(applicant_id=Param("user")).select_related("program__cycle").order_by("pk")


def test_each_evaluation_gives_the_rows_of_its_own_values(applications):
    of_user = prepared(_of_user)
    for user, expected in applications.items():
        rows = list(of_user(user=user.pk))
        assert rows == expected
        assert [row.program.cycle for row in rows] == [a.program.cycle for a in expected]  # joined, no query each


def test_the_sql_is_compiled_once_and_run_with_each_evaluations_values(applications):
    of_user = prepared(_of_user)
    users = list(applications)
    with CaptureQueriesContext(connection) as queries:
        list(of_user(user=users[0].pk))
        list(of_user(user=users[1].pk))
    assert len(of_user._kept) == 1
    for user, query in zip(users, queries, strict=True):
        plain = Application.objects.filter(applicant_id=user.pk).select_related("program__cycle").order_by("pk")
        assert query["sql"].replace(f"= ({user.pk})", f"= {user.pk}") == str(plain.query)  # a Param is bracketed


def test_a_list_param_takes_rows_or_keys_and_compiles_once_per_length(applications):
    by_application = prepared(
        lambda: Application.objects.filter(pk__in=Param("applications", many=True)).order_by("pk")
    )
    first, second = applications.values()
    assert list(by_application(applications=first)) == first
    assert list(by_application(applications=[a.pk for a in first])) == first
    assert list(by_application(applications=second)) == second
    assert len(by_application._kept) == 2  # lengths 2 and 1


def test_an_empty_list_gives_no_rows_without_a_query(applications):
    by_application = prepared(lambda: Application.objects.filter(pk__in=Param("applications", many=True)))
    with CaptureQueriesContext(connection) as queries:
        assert list(by_application(applications=[])) == []
    assert len(queries) == 0


def test_values_and_aggregates_work(applications):
    counts = prepared(
        lambda: (
            Application.objects.filter(applicant_id__in=Param("users", many=True))
            .values("applicant_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    result = {row["applicant_id"]: row["n"] for row in counts(users=list(applications))}
    assert result == {user.pk: len(rows) for user, rows in applications.items()}


def test_a_param_is_converted_by_its_field(applications):
    applied_before = prepared(
        lambda: Application.objects.filter(applied_at__lt=Param("at", models.DateTimeField())).order_by("pk")
    )
    every = [a for rows in applications.values() for a in rows]
    assert list(applied_before(at=clock.now() + timedelta(days=1))) == sorted(every, key=lambda a: a.pk)
    assert list(applied_before(at=clock.now() - timedelta(days=1))) == []


def test_the_row_converters_are_looked_up_once_and_still_convert(applications, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    looked_up = []
    get_converters = SQLCompiler.get_converters
    monkeypatch.setattr(
        SQLCompiler,
        "get_converters",
        lambda self, expressions: looked_up.append(1) or get_converters(self, expressions),
    )
    of_user = prepared(_of_user)
    for user, expected in list(applications.items()) * 2:
        rows = list(of_user(user=user.pk))
        assert rows == expected
        assert [row.applied_at for row in rows] == [a.applied_at for a in expected]  # aware datetimes, converted
    assert len(looked_up) == 1


def test_none_is_refused_rather_than_matching_nothing(applications):
    with pytest.raises(ValueError, match="None"):
        list(prepared(_of_user)(user=None))


def test_chaining_an_evaluation_is_refused(applications):
    of_user = prepared(_of_user)(user=next(iter(applications)).pk)
    with pytest.raises(PreparedQueryChanged):
        of_user.filter(status="active")
    with pytest.raises(PreparedQueryChanged):
        of_user.first()


def test_one_or_404(applications):
    user, rows = next(iter(applications.items()))
    one = prepared(lambda: Application.objects.filter(applicant_id=Param("user"), pk=Param("pk")))
    assert one_or_404(one(user=user.pk, pk=rows[0].pk)) == rows[0]
    other = next(a for a in Application.objects.exclude(applicant=user))
    with pytest.raises(Http404):
        one_or_404(one(user=user.pk, pk=other.pk))  # another applicant's id looks like a missing one


def test_the_check_catches_a_builder_that_keeps_a_value(applications, settings):
    settings.GRADADMIT_PREPARED_CHECK = True
    status = ["active"]
    by_status = prepared(lambda: Application.objects.filter(applicant_id=Param("user"), status=status[0]))
    user = next(iter(applications))
    list(by_status(user=user.pk))
    status[0] = "withdrawn"  # as a builder reading the clock or the request would see a new value
    with pytest.raises(AssertionError, match="differs from a fresh build"):
        list(by_status(user=user.pk))


def test_a_param_outside_a_prepared_queryset_is_refused(applications):
    with pytest.raises(TypeError, match="outside a prepared queryset"):
        list(Application.objects.filter(applicant_id=Param("user")))


def test_attach_gives_each_row_its_children_as_a_prefetch_to_attr_would(applications):
    users = list(applications)
    of_users = prepared(lambda: Application.objects.filter(applicant_id__in=Param("users", many=True)).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        children = list(of_users(users=users))
        attach(users, "apps", children, key="applicant_id", back="applicant")
        assert {user: user.apps for user in users} == applications
        assert all(a.applicant is user for user in users for a in user.apps)  # the back reference, no query
    assert len(queries) == 1
    lonely = UserFactory()
    attach([lonely], "apps", children, key="applicant_id")
    assert lonely.apps == []
