"""Basic details: checksum, nationality rules, lock after the application deadline."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.testing.factories import ApplicationFactory, UserFactory, valid_taiwan_id

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "name_zh": "陳大文",
        "name_en": "CHEN, TA-WEN",
        "nationality": "tw",
        "national_id": valid_taiwan_id(4242),
        "birth_date": "1998-03-02",
        "gender": "male",
        "phone_mobile": "0911-222-333",
        "address": "台北市中正區重慶南路一段122號",
        "school": "國立臺灣大學",
        "department": "電機工程學系",
        "education_status": "graduated",
    }
    data.update(overrides)
    return data


def test_valid_details_are_saved(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), profile_data())
    assert response.status_code == 302
    assert ApplicantProfile.objects.get(user=user).national_id == valid_taiwan_id(4242)


def test_invalid_checksum_is_refused_with_a_clear_error(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:profile"), profile_data(national_id="A123456788"))
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert not ApplicantProfile.objects.exists()


def test_foreign_national_gives_passport_instead(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:profile"), profile_data(nationality="foreign", national_id="", passport_number=""))
    assert not ApplicantProfile.objects.exists()
    client.post(
        reverse("accounts:profile"), profile_data(nationality="foreign", national_id="", passport_number="X1234567")
    )
    assert ApplicantProfile.objects.get(user=user).passport_number == "X1234567"


def test_equivalent_qualification_needs_an_article(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:profile"), profile_data(education_status="equivalent"))
    assert "equivalent_article" in response.context["form"].errors


def test_same_national_id_cannot_belong_to_two_accounts(client):
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    client.post(reverse("accounts:profile"), profile_data())
    client.force_login(second)
    response = client.post(reverse("accounts:profile"), profile_data())
    assert response.status_code == 200
    assert ApplicantProfile.objects.count() == 1


def close_window(application):
    milestone = application.program.cycle.milestones.get(kind="application", scope="all")
    milestone.starts_at = clock.now() - timedelta(days=20)
    milestone.ends_at = clock.now() - timedelta(minutes=1)
    milestone.save()


def test_after_the_deadline_only_contact_details_change(client):
    application = ApplicationFactory()
    close_window(application)
    profile = application.applicant.profile
    client.force_login(application.applicant)
    response = client.post(
        reverse("accounts:profile"), profile_data(name_zh="改名字", phone_mobile="0900-000-111", national_id="")
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.phone_mobile == "0900-000-111"
    assert profile.name_zh == "王小明"  # locked field unchanged, whatever was posted


def test_locked_profile_refuses_direct_service_change():
    from gradadmit.accounts.services import save_profile
    from gradadmit.core.errors import DomainError

    application = ApplicationFactory()
    close_window(application)
    with pytest.raises(DomainError):
        save_profile(user=application.applicant, data={"name_zh": "改名字"})
