"""The recommender's token link: GET changes nothing, bad tokens reveal nothing, each action, limits, languages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.models import AuditEntry
from gradadmit.recommendations.models import RecommendationLetter, RecommendationRequest
from gradadmit.recommendations.views import recommender as recommender_views
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory, recommendation_token
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import ANSWERS, add, close_letters

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(application):
    recommendation = add(application)
    return recommendation, recommendation_token(recommendation)


def url(name, token):
    return reverse(f"recommendations:{name}", args=[token])


def state(recommendation):
    recommendation.refresh_from_db()
    return recommendation.status, recommendation.opened_at, recommendation.accepted_at


def test_opening_the_link_changes_nothing(client, invited):
    recommendation, token = invited
    before, audits = state(recommendation), AuditEntry.objects.count()
    for _ in range(3):
        response = client.get(url("token", token))
        assert response.status_code == 200
    assert state(recommendation) == before and before[0] == "invited"
    assert AuditEntry.objects.count() == audits
    assert response["Cache-Control"] == "private, no-store"
    assert "陳大文" in response.content.decode()


def test_the_first_action_records_opened(client, invited):
    recommendation, token = invited
    client.post(url("details", token), {"name": "陳大文", "organisation": "彰師大", "title": "教授",
                                          "relationship": "導師", "phone": ""})  # fmt: skip
    status, opened_at, _accepted = state(recommendation)
    assert status == "opened" and opened_at is not None
    assert recommendation.organisation == "彰師大" and recommendation.email == "prof.chen@example.edu.tw"


@pytest.mark.parametrize("kind", ["forged", "altered", "truncated", "expired", "deleted"])
def test_bad_tokens_get_one_plain_page_that_reveals_nothing(client, invited, kind):
    recommendation, token = invited
    if kind == "forged":
        token = "A" * 43
    elif kind == "altered":
        token = token[:-1] + ("a" if token[-1] != "a" else "b")
    elif kind == "truncated":
        token = token[:20]
    elif kind == "expired":
        RecommendationRequest.objects.update(token_expires_at=clock.now() - timedelta(minutes=1))
    else:
        recommendation.delete()
    response = client.get(url("token", token))
    assert response.status_code == 404
    body = response.content.decode()
    assert "陳大文" not in body and recommendation.application.program.name_zh not in body
    assert client.post(url("accept", token)).status_code == 404


def test_misses_are_rate_limited(client, invited, monkeypatch):
    monkeypatch.setitem(recommender_views.RATE_LIMITS, "token_miss", "3/m/ip")
    _recommendation, token = invited
    for _ in range(3):
        assert client.get(url("token", "wrong-" + "x" * 40)).status_code == 404
    # Guessing is stopped, and so is everything from that address for a while.
    assert client.get(url("token", "wrong-" + "y" * 40)).status_code == 429
    assert client.get(url("token", token)).status_code == 429


def test_every_request_is_rate_limited(client, invited, monkeypatch):
    monkeypatch.setitem(recommender_views.RATE_LIMITS, "token", "5/m/ip")
    _recommendation, token = invited
    codes = [client.get(url("token", token)).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_accept_then_upload_completes_and_then_shows_status_only(client, invited):
    recommendation, token = invited
    client.post(url("accept", token))
    response = client.post(url("upload", token), {"file": upload("letter.pdf", pdf_bytes())})
    assert response.status_code == 302
    assert state(recommendation)[0] == "completed"
    page = client.get(url("token", token))
    assert page.status_code == 200 and not page.context["can_act"]
    assert 'type="file"' not in page.content.decode()


def test_reused_token_after_submit_cannot_change_the_letter(client, invited):
    recommendation, token = invited
    client.post(url("accept", token))
    client.post(url("upload", token), {"file": upload("letter.pdf", pdf_bytes())})
    first = RecommendationLetter.objects.get()
    client.post(url("upload", token), {"file": upload("other.pdf", pdf_bytes(3))})
    client.post(url("decline", token), {"reason": "x"})
    client.post(url("form", token), ANSWERS)
    recommendation.refresh_from_db()
    assert recommendation.status == "completed" and recommendation.letter == first
    assert RecommendationLetter.objects.count() == 1


def test_a_non_pdf_upload_is_refused_with_a_message(client, invited):
    recommendation, token = invited
    client.post(url("accept", token))
    response = client.post(url("upload", token), {"file": upload("letter.pdf", b"MZ\x90\x00")}, follow=True)
    assert state(recommendation)[0] == "opened" and not RecommendationLetter.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_decline_with_a_reason(client, invited):
    recommendation, token = invited
    client.post(url("decline", token), {"reason": "近期出國"})
    recommendation.refresh_from_db()
    assert recommendation.status == "declined" and recommendation.decline_reason == "近期出國"


def test_draft_is_saved_by_the_autosave_endpoint(client, invited):
    recommendation, token = invited
    assert client.post(url("draft", token), {"comments": "x"}).status_code == 409  # not agreed yet
    client.post(url("accept", token))
    response = client.post(url("draft", token), {"comments": "草稿", "rating_creativity": "7"})
    assert response.json()["ok"]
    recommendation.refresh_from_db()
    assert recommendation.form_draft == {"comments": "草稿", "rating_creativity": "7"}
    page = client.get(url("form", token)).content.decode()
    assert "草稿</textarea>" in page  # the draft fills the form again


def test_the_autosave_needs_the_csrf_token(invited):
    _recommendation, token = invited
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("draft", token), {"comments": "x"}).status_code == 403
    assert client.post(url("upload", token), {"file": upload("a.pdf", pdf_bytes())}).status_code == 403


def test_submitting_the_form_makes_a_pdf_letter(client, invited):
    recommendation, token = invited
    client.post(url("accept", token))
    assert client.post(url("form", token), {**ANSWERS, "overall": ""}).status_code == 400
    assert client.post(url("form", token), ANSWERS).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "completed" and recommendation.letter.kind == "form"
    assert recommendation.letter.file.read().startswith(b"%PDF-")


def test_one_letter_for_two_programmes_in_one_step(client, invited, application):
    recommendation, token = invited
    other = ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
    sibling = add(other)
    client.post(url("accept", token))
    page = client.get(url("token", token))
    assert other.program.name_zh in page.content.decode()
    client.post(url("upload", token), {"file": upload("letter.pdf", pdf_bytes()), "also": [str(sibling.pk)]})
    sibling.refresh_from_db()
    recommendation.refresh_from_db()
    assert sibling.status == "completed" and sibling.letter == recommendation.letter


def test_after_the_deadline_the_link_shows_status_only(client, invited, application):
    recommendation, token = invited
    close_letters(application.program.cycle)
    page = client.get(url("token", token))
    assert page.status_code == 200 and not page.context["can_act"]
    client.post(url("accept", token))
    assert state(recommendation)[0] == "invited"


def test_the_page_follows_the_chosen_language(client, invited):
    _recommendation, token = invited
    client.cookies["gradadmit_language"] = "en"
    page = client.get(url("token", token)).content.decode()
    assert '<html lang="en">' in page and "Recommendation letter" in page
    client.cookies["gradadmit_language"] = "zh-hant"
    assert '<html lang="zh-Hant-TW">' in client.get(url("token", token)).content.decode()


def test_page_query_count_is_small(client, invited, django_assert_max_num_queries):
    _recommendation, token = invited
    with django_assert_max_num_queries(10):
        client.get(url("token", token))


def test_the_form_has_its_own_page_once_agreed(client, invited):
    recommendation, token = invited
    assert client.get(url("form", token)).status_code == 302  # not agreed yet: back to the request
    client.post(url("accept", token))
    landing = client.get(url("token", token)).content.decode()
    assert url("form", token) in landing and 'name="rating_creativity"' not in landing
    page = client.get(url("form", token))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert page.content.decode().count('name="rating_') == 10 and 'name="overall"' in page.content.decode()


def test_no_form_page_when_the_programme_takes_uploads_only(client, invited, application):
    recommendation, token = invited
    client.post(url("accept", token))
    type(application.program).objects.filter(pk=application.program.pk).update(recommendation_format="upload")
    assert client.get(url("form", token)).status_code == 302
    assert url("form", token) not in client.get(url("token", token)).content.decode()


def test_token_and_form_pages_cost_a_fixed_number_of_queries(client, invited, application, django_assert_num_queries):
    recommendation, token = invited
    client.post(url("accept", token))
    for _ in range(2):  # siblings asked of the same recommender do not add queries
        add(
            ApplicationFactory(applicant=application.applicant, program=ProgramFactory(cycle=application.program.cycle))
        )
    client.get(url("token", token))
    # notice with request, application, programme, cycle and profile; siblings (the calendar is kept: cycles.configuration)
    with django_assert_num_queries(2):
        client.get(url("token", token))
    with django_assert_num_queries(2):
        client.get(url("form", token))
