"""Helpers of the recommendation tests: a refusing mail server, the recommender's details, answers of the form."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.base import BaseEmailBackend

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.recommendations import services


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient (a mistyped address)."""

    def send_messages(self, messages):
        raise SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 User unknown")})


def close_letters(cycle):
    now = clock.now()
    Milestone.objects.filter(cycle=cycle, kind__in=["recommendations", "documents"]).update(
        starts_at=now - timedelta(days=20), ends_at=now - timedelta(hours=1)
    )


RECOMMENDER = {
    "name": "陳大文",
    "organisation": "國立彰化師範大學",
    "title": "教授",
    "relationship": "專題指導教授",
    "email": "Prof.Chen@Example.edu.tw",
    "phone": "04-7232105",
}


def add(application, **changes):
    return services.add_recommender(
        applicant=application.applicant, application=application, data={**RECOMMENDER, **changes}
    )


def accepted(recommendation):
    return services.accept(request=recommendation)


ANSWERS = {
    "known_since": "2022-09",
    "known_until": "2025-06",
    "contact_study": "weekly",
    "rating_analytical": "9",
    "rating_creativity": "8",
    "comments": "勤奮好學，專題表現優異。",
    "highlights": "Careful and curious.",
    "overall": "strongly",
}
