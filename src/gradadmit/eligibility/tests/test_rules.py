"""The pure rules: the in-service check and who goes to the committee."""

import pytest

from gradadmit.eligibility.rules import in_service_problems, needs_committee


def test_general_applicants_have_no_in_service_problems():
    assert in_service_problems(identity="general", employer="", service_years=None, has_certificate=False) == []


def test_in_service_with_a_year_and_a_certificate_passes():
    assert in_service_problems(identity="in_service", employer="台積電", service_years=1, has_certificate=True) == []


@pytest.mark.parametrize(
    ("employer", "years", "certificate", "count"),
    [("", 3, True, 1), ("台積電", 0, True, 1), ("台積電", None, True, 1), ("台積電", 2, False, 1), ("", 0, False, 3)],
)
def test_each_missing_in_service_condition_is_listed(employer, years, certificate, count):
    problems = in_service_problems(
        identity="in_service", employer=employer, service_years=years, has_certificate=certificate
    )
    assert len(problems) == count


@pytest.mark.parametrize(
    ("status", "article", "expected"),
    [("equivalent", 7, True), ("equivalent", 5, False), ("equivalent", 6, False), ("graduated", None, False)],
)
def test_only_article_7_goes_to_the_committee(status, article, expected):
    assert needs_committee(education_status=status, equivalent_article=article) is expected
