"""Review pages: scoping (404), deciding through the form, conflicts, bulk confirmation, the applicant's result,
fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.tests.helpers import complete_application
from gradadmit.exams.models import Publication
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    ProfileFactory,
    ProgramFactory,
    ReviewDecisionFactory,
    assign,
)

pytestmark = pytest.mark.django_db
COMPLETE = "已完成報名且資格符合"


def test_another_departments_application_is_404(client, staff):
    theirs = ApplicationFactory()  # a programme not assigned to staff
    client.force_login(staff)
    assert client.get(reverse("eligibility:review", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("eligibility:review", args=[theirs.pk]), {"result": "qualified", "version": 0})
    assert response.status_code == 404
    assert client.get(reverse("eligibility:queue", args=[theirs.program_id])).status_code == 404
    assert not ReviewDecision.objects.filter(application=theirs).exists()


def test_bulk_on_another_departments_programme_is_404(client, staff):
    theirs = ApplicationFactory()
    client.force_login(staff)
    response = client.post(
        reverse("eligibility:bulk", args=[theirs.program_id]),
        {"selected": [f"{theirs.pk}:0"], "result": "qualified", "confirm": "yes"},
    )
    assert response.status_code == 404
    assert not ReviewDecision.objects.filter(application=theirs).exists()


def test_bulk_ignores_applications_of_other_programmes(client, staff, program):
    mine, theirs = ApplicationFactory(program=program), ApplicationFactory()
    client.force_login(staff)
    client.post(
        reverse("eligibility:bulk", args=[program.pk]),
        {"selected": [f"{mine.pk}:0", f"{theirs.pk}:0"], "result": "qualified", "confirm": "yes"},
    )
    assert ReviewDecision.objects.filter(application=mine, result="qualified").exists()
    assert not ReviewDecision.objects.filter(application=theirs).exists()


def test_applicants_cannot_open_the_review_pages(client, application):
    client.force_login(application.applicant)
    assert client.get(reverse("eligibility:review", args=[application.pk])).status_code == 403


def test_deciding_through_the_form_saves_and_redirects(client, staff, application):
    client.force_login(staff)
    response = client.post(reverse("eligibility:review", args=[application.pk]), {"result": "qualified", "version": 0})
    assert response.status_code == 302
    assert ReviewDecision.objects.get(application=application).result == "qualified"


def test_supplement_through_the_form_names_items_and_deadline(client, staff, application):
    client.force_login(staff)
    cv = application.program.document_requirements.get(code="cv")
    until = (clock.now() + timedelta(days=5)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("eligibility:review", args=[application.pk]),
        {
            "result": "supplement",
            "message": "請重新上傳清楚的學經歷表",
            "supplement_until": until,
            "supplement_items": [cv.pk],
            "version": 0,
        },
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get(application=application)
    assert decision.result == "supplement" and list(decision.supplement_items.all()) == [cv]


def test_second_reviewer_sees_a_conflict_and_nothing_is_overwritten(client, staff, application, program):
    other = DepartmentStaffFactory()
    assign(other, program)
    url = reverse("eligibility:review", args=[application.pk])
    client.force_login(staff)
    client.post(url, {"result": "qualified", "version": 0})
    client.force_login(other)
    response = client.post(url, {"result": "not_qualified", "reason": "degree", "version": 0})
    assert response.status_code == 200
    assert any(m.level_tag == "error" and staff.email in str(m) for m in response.context["messages"])
    decision = ReviewDecision.objects.get(application=application)
    assert decision.result == "qualified" and decision.version == 1
    assert response.context["form"].initial["version"] == 1  # deciding again now acts on what they saw


def test_deciding_after_publication_shows_the_refusal(client, staff, application, program):
    ReviewDecisionFactory(application=application)
    Publication.objects.create(program=program, state="published", first_published_at=clock.now())
    client.force_login(staff)
    response = client.post(
        reverse("eligibility:review", args=[application.pk]), {"result": "not_qualified", "reason": "degree",
                                                                 "version": 1}
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ReviewDecision.objects.get(application=application).result == "qualified"


def test_bulk_asks_for_confirmation_with_the_count(client, staff, program):
    applications = [ApplicationFactory(program=program) for _ in range(3)]
    client.force_login(staff)
    data = {"selected": [f"{a.pk}:0" for a in applications], "result": "qualified"}
    response = client.post(reverse("eligibility:bulk", args=[program.pk]), data)
    assert response.status_code == 200 and len(response.context["chosen"]) == 3
    assert not ReviewDecision.objects.exists()
    response = client.post(reverse("eligibility:bulk", args=[program.pk]), {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert ReviewDecision.objects.filter(result="qualified").count() == 3


def test_applicant_sees_complete_only_when_paid_documents_and_qualified(client, application):
    client.force_login(application.applicant)
    url = reverse("eligibility:result", args=[application.pk])
    assert COMPLETE not in client.get(url).content.decode()
    complete_application(application)
    assert COMPLETE not in client.get(url).content.decode()  # not reviewed yet
    ReviewDecisionFactory(application=application)
    assert COMPLETE in client.get(url).content.decode()


def test_applicant_page_lists_what_is_missing(client, application):
    ReviewDecisionFactory(application=application)
    client.force_login(application.applicant)
    response = client.get(reverse("eligibility:result", args=[application.pk]))
    assert [row.key for row in response.context["completeness"].missing] == ["documents", "fees"]
    assert COMPLETE not in response.content.decode()


def test_applicant_sees_the_supplement_request(client, application):
    cv = application.program.document_requirements.get(code="cv")
    decision = ReviewDecisionFactory(
        application=application, result="supplement", message="請補件", supplement_until=clock.now() + timedelta(days=2)
    )
    decision.supplement_items.set([cv])
    client.force_login(application.applicant)
    page = client.get(reverse("eligibility:result", args=[application.pk])).content.decode()
    assert "請補件" in page and cv.name_zh in page


def test_another_applicants_result_is_404(client, application):
    other = ApplicationFactory()
    client.force_login(other.applicant)
    assert client.get(reverse("eligibility:result", args=[application.pk])).status_code == 404


def queries_of(client, url):
    client.get(
        url
    )  # counted as on every visit but a process's first after a configuration change (cycles.configuration)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_review_queue_query_count_does_not_grow(client, staff, program):
    for _ in range(2):
        ReviewDecisionFactory(application=ApplicationFactory(program=program))
    client.force_login(staff)
    url = reverse("eligibility:queue", args=[program.pk])
    few = queries_of(client, url)
    for _ in range(8):
        ReviewDecisionFactory(application=ApplicationFactory(program=program))
        ApplicationFactory(program=program)
    assert queries_of(client, url) == few
    assert queries_of(client, url + "?documents=complete") <= few + 1
    assert queries_of(client, url + "?letters=complete&invited=no") == few + 1  # every row, and their COUNT
    assert few <= 25


def test_applicant_result_page_query_count_is_fixed(client, application):
    decision = ReviewDecisionFactory(application=application, result="not_qualified", reason="photo")
    client.force_login(application.applicant)
    url = reverse("eligibility:result", args=[application.pk])
    before = queries_of(client, url)
    complete_application(application)
    ReviewDecision.objects.filter(pk=decision.pk).update(result="qualified", reason="")
    for _ in range(3):  # other applications of the same applicant do not count
        ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
    assert queries_of(client, url) == before
    assert before <= 20


def test_review_queue_rows_come_from_the_template_with_names_escaped(client, staff, program):
    from gradadmit.testing.factories import ProfileFactory

    profile = ProfileFactory(name_zh="<script>x</script>", name_en='A "B" & C')
    application = ApplicationFactory(program=program, applicant=profile.user)
    client.force_login(staff)
    page = client.get(reverse("eligibility:queue", args=[program.pk])).content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "A &#34;B&#34; &amp; C" in page or "A &quot;B&quot; &amp; C" in page
    assert f'value="{application.pk}:' in page
    assert reverse("eligibility:review", args=[application.pk]) in page


def test_an_unknown_filter_value_is_left_out_with_a_message(client, staff, program):
    from django.contrib.messages import get_messages

    application = ApplicationFactory(program=program)
    client.force_login(staff)
    url = reverse("eligibility:queue", args=[program.pk])
    page = client.get(url + "?letters=lost&invited=maybe&outcome=hired&status=qualified")
    assert page.status_code == 200
    assert page.context["filters"].as_query() == "status=qualified"
    warnings = [str(m) for m in get_messages(page.wsgi_request)]
    assert len(warnings) == 3 and "hired" in warnings[2]
    page = client.get(url + "?outcome=hired")
    assert [row.application for row in page.context["queue"].rows] == [application]


def test_the_queue_sorts_by_a_column_both_ways_and_keeps_the_sort_in_its_links(client, staff, program):
    names = ["陳大文", "王小明", "林美玲"]
    for name in names:
        ApplicationFactory(program=program, applicant=ProfileFactory(name_zh=name).user)
    client.force_login(staff)
    url = reverse("eligibility:queue", args=[program.pk])

    def shown(query):
        page = client.get(url + query)
        assert page.status_code == 200
        return [row.application.applicant.profile.name_zh for row in page.context["queue"].rows], page

    in_order, _page = shown("")
    assert in_order == names  # the order of application
    ascending, page = shown("?sort=name&status=pending")
    assert ascending == sorted(names)
    html = page.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?status=pending&amp;sort=-name" in html  # the header sorts the other way, filters kept
    assert '<input type="hidden" name="sort" value="name">' in html  # filtering keeps the sort
    descending, _page = shown("?sort=-name")
    assert descending == sorted(names, reverse=True)
    newest_first, _page = shown("?sort=-number")
    assert newest_first == names[::-1]


def test_an_unknown_sort_is_left_out_with_a_message(client, staff, program):
    from django.contrib.messages import get_messages

    ApplicationFactory(program=program)
    client.force_login(staff)
    page = client.get(reverse("eligibility:queue", args=[program.pk]) + "?sort=password")
    assert page.status_code == 200
    assert page.context["filters"].sort == ""
    assert ["password" in str(m) for m in get_messages(page.wsgi_request)] == [True]
