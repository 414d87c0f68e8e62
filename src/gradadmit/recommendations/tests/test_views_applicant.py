"""The applicant's recommenders page: own only, statuses without letters, send failures, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.outbox.models import Email
from gradadmit.recommendations import services
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest
from gradadmit.testing.factories import ApplicationFactory, RecommendationRequestFactory
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import RECOMMENDER, accepted, add

pytestmark = pytest.mark.django_db


def list_url(application):
    return reverse("recommendations:list", args=[application.pk])


def test_adding_through_the_page_invites_and_redirects(client, application):
    client.force_login(application.applicant)
    response = client.post(list_url(application), RECOMMENDER)
    assert response.status_code == 302
    assert RecommendationRequest.objects.get().email == "prof.chen@example.edu.tw"


def test_a_duplicate_email_shows_the_error_on_the_form(english, application):
    client = english  # the assertion reads the English message
    add(application)
    client.force_login(application.applicant)
    response = client.post(list_url(application), {**RECOMMENDER, "name": "Again"})
    assert response.status_code == 400
    assert "already added" in response.content.decode()
    assert RecommendationRequest.objects.count() == 1


def test_another_applicants_recommenders_are_404(client, application):
    theirs = add(application)
    me = ApplicationFactory(program=application.program)
    client.force_login(me.applicant)
    assert client.get(list_url(application)).status_code == 404
    assert client.post(list_url(application), {**RECOMMENDER, "email": "x@example.tw"}).status_code == 404
    # Their recommender's id under my own application is 404 too.
    for name in ["recommendations:edit", "recommendations:delete", "recommendations:resend"]:
        assert client.post(reverse(name, args=[me.pk, theirs.pk]), RECOMMENDER).status_code == 404
        assert client.post(reverse(name, args=[application.pk, theirs.pk]), RECOMMENDER).status_code == 404
    assert RecommendationRequest.objects.filter(pk=theirs.pk).exists()


def test_the_edit_page_has_no_email_field_and_ignores_a_posted_email(client, application):
    recommendation = add(application)
    client.force_login(application.applicant)
    url = reverse("recommendations:edit", args=[application.pk, recommendation.pk])
    assert 'name="email"' not in client.get(url).content.decode()
    client.post(url, {**RECOMMENDER, "email": "changed@example.tw", "title": "副教授"})
    recommendation.refresh_from_db()
    assert recommendation.email == "prof.chen@example.edu.tw" and recommendation.title == "副教授"


def test_the_page_shows_statuses_and_reasons_but_never_the_letter(client, application):
    done = accepted(add(application))
    services.submit_upload(request=done, upload=upload("secret-letter.pdf", pdf_bytes()))
    no = add(application, email="no@example.tw", name="林老師")
    services.decline(request=no, reason="不熟識申請人")
    client.force_login(application.applicant)
    page = client.get(list_url(application)).content.decode()
    assert "Completed" in page or "完成" in page
    assert "不熟識申請人" in page
    assert "secret-letter" not in page and "/letters/" not in page and "office/recommendations" not in page


def test_the_applicant_cannot_open_the_letter_by_the_office_url(client, application):
    done = accepted(add(application))
    services.submit_upload(request=done, upload=upload("a.pdf", pdf_bytes()))
    client.force_login(application.applicant)
    assert client.get(reverse("recommendations:office_letter", args=[done.pk])).status_code in (403, 404)


def test_a_failed_email_shows_on_the_applicants_page(client, application):
    recommendation = add(application)
    Email.objects.filter(recommendation_notice__request=recommendation).update(
        status="failed", last_error="SMTPRecipientsRefused"
    )
    client.force_login(application.applicant)
    page = client.get(list_url(application)).content.decode()
    assert "Sending failed" in page or "寄送失敗" in page


def test_resend_and_delete_through_the_page(client, application):
    from datetime import timedelta

    from gradadmit.core import clock

    recommendation = add(application)
    RecommendationNotice.objects.update(created_at=clock.now() - timedelta(hours=1))
    client.force_login(application.applicant)
    client.post(reverse("recommendations:resend", args=[application.pk, recommendation.pk]), {"message": "謝謝老師"})
    assert recommendation.notices.filter(kind="resend", message="謝謝老師").exists()
    client.post(reverse("recommendations:delete", args=[application.pk, recommendation.pk]))
    assert not RecommendationRequest.objects.exists()


def test_programme_without_letters_has_no_form(client):
    application = ApplicationFactory(program__recommendation_policy="none")
    client.force_login(application.applicant)
    response = client.get(list_url(application))
    assert response.status_code == 200 and not response.context["can_change"]


def page_queries(client, application):
    # Counted as on every visit but a process's first after a change of the cycle's configuration (cycles.configuration).
    client.get(list_url(application))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(list_url(application)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_recommenders(client, application):
    from gradadmit.testing.factories import recommendation_token

    client.force_login(application.applicant)
    recommendation_token(RecommendationRequestFactory(application=application))
    one = page_queries(client, application)
    for _ in range(4):
        recommendation = RecommendationRequestFactory(application=application)
        recommendation_token(recommendation)
        recommendation_token(recommendation, kind="resend")
    assert page_queries(client, application) == one
    assert one <= 12


def test_dashboard_shows_the_letters_row_at_a_fixed_cost(client, application):
    client.force_login(application.applicant)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert list_url(application) in page
