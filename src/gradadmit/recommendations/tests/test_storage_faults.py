"""The storage failing while a recommender uploads a letter: a clear message, the request still open, no letter."""

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from gradadmit.recommendations.models import RecommendationLetter
from gradadmit.testing.factories import recommendation_token
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import add

pytestmark = pytest.mark.django_db


def test_a_full_disk_during_the_letter_upload_leaves_the_request_open(client, application, monkeypatch, tmp_path):
    recommendation = add(application)
    token = recommendation_token(recommendation)
    client.cookies["gradadmit_language"] = "en"
    client.post(reverse("recommendations:accept", args=[token]))

    def disk_full(storage, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = client.post(reverse("recommendations:upload", args=[token]),
                           {"file": upload("letter.pdf", pdf_bytes())}, follow=True)  # fmt: skip
    recommendation.refresh_from_db()
    assert recommendation.status == "opened" and not RecommendationLetter.objects.exists()
    assert "The server could not store your file right now" in response.content.decode()
    assert not list(tmp_path.rglob("*.pdf"))
