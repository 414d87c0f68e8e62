"""The signed-in user each process keeps (accounts.signed_in): a request whose user's token is unchanged runs no
query for its user, and every way of changing what that user's query reads is seen by the next request."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.accounts.backends import PortalModelBackend
from gradadmit.accounts.models import ApplicantProfile, User
from gradadmit.notifications.models import Message
from gradadmit.notifications.services import deliver_message, mark_read
from gradadmit.practice.models import PracticeAccount
from gradadmit.testing.factories import CycleFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """As with the default's files or Redis (this process is every app process here): users are kept."""
    settings.CACHE_IS_SHARED = True


def signed_in_user(user_id):
    """The user as the next request's authentication loads it."""
    return PortalModelBackend().get_user(user_id)


def message(user, n=1):
    return [
        deliver_message(user=user, kind="test", subject_zh="主旨", subject_en="Subject", body_zh="內容", body_en="Body")
        for _ in range(n)
    ][-1]


def test_a_kept_user_costs_no_query_and_every_request_gets_its_own_copy(django_assert_num_queries):
    profile = ProfileFactory(name_zh="王小明")
    signed_in_user(profile.user_id)  # loads
    with django_assert_num_queries(0):
        first = signed_in_user(profile.user_id)
        assert first.profile.name_zh == "王小明"
        assert first.unread_messages == 0
    first.unread_messages = 99
    first.profile.name_zh = "changed by a form that was not saved"
    second = signed_in_user(profile.user_id)
    assert second.unread_messages == 0
    assert second.profile.name_zh == "王小明"
    assert second.profile.user is second


def test_a_signed_in_page_runs_no_query_for_its_user_the_second_time(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    client.get(reverse("applications:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:dashboard")).status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda user: (setattr(user, "first_name", "new"), user.save()), id="user save"),
        pytest.param(lambda user: User.objects.filter(pk=user.pk).update(first_name="new"), id="user update"),
        pytest.param(
            lambda user: (setattr(user, "first_name", "new"), User.objects.bulk_update([user], ["first_name"])),
            id="user bulk_update",
        ),
    ],
)
def test_a_change_to_the_user_is_seen_by_the_next_request(write):
    user = UserFactory(first_name="old")
    signed_in_user(user.pk)
    write(User.objects.get(pk=user.pk))
    assert signed_in_user(user.pk).first_name == "new"


def test_a_deactivated_or_deleted_user_is_signed_out_at_the_next_request():
    user, other = UserFactory(), UserFactory()
    signed_in_user(user.pk), signed_in_user(other.pk)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert signed_in_user(user.pk) is None
    other.delete()
    assert signed_in_user(other.pk) is None


def test_a_password_change_ends_the_other_sessions(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("applications:dashboard")).status_code == 200
    user.set_password("a new password 123")
    user.save()
    assert client.get(reverse("applications:dashboard")).status_code == 302  # the session's hash no longer matches


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda p: (setattr(p, "name_zh", "新名字"), p.save()), id="save"),
        pytest.param(lambda p: ApplicantProfile.objects.filter(pk=p.pk).update(name_zh="新名字"), id="update"),
    ],
)
def test_a_change_to_the_profile_is_seen_by_the_next_request(write):
    profile = ProfileFactory(name_zh="舊名字")
    signed_in_user(profile.user_id)
    write(profile)
    assert signed_in_user(profile.user_id).profile.name_zh == "新名字"


def test_the_unread_count_follows_new_read_and_deleted_messages():
    user = UserFactory()
    assert signed_in_user(user.pk).unread_messages == 0
    last = message(user, 2)
    assert signed_in_user(user.pk).unread_messages == 2
    mark_read(user=user, message=last)  # an update(): no signal
    assert signed_in_user(user.pk).unread_messages == 1
    Message.objects.bulk_create(
        [Message(recipient=user, kind="t", subject_zh="", subject_en="", body_zh="", body_en="")]
    )
    assert signed_in_user(user.pk).unread_messages == 2
    Message.objects.filter(recipient=user).delete()
    assert signed_in_user(user.pk).unread_messages == 0


def test_becoming_a_practice_account_is_seen_by_the_next_request():
    user = UserFactory()
    assert signed_in_user(user.pk).practice_cycle_id is None
    cycle = CycleFactory(is_practice=True)
    PracticeAccount.objects.create(user=user, cycle=cycle)
    assert signed_in_user(user.pk).practice_cycle_id == cycle.pk


def test_a_change_another_process_made_is_read_once_the_token_moves():
    user = UserFactory(first_name="old")
    signed_in_user(user.pk)
    with connection.cursor() as cursor:  # as another process: no signal reaches this one
        cursor.execute("UPDATE accounts_user SET first_name = 'new' WHERE id = %s", [user.pk])
    assert signed_in_user(user.pk).first_name == "old"  # kept: the token did not change
    cache.set(f"signed-in-user:{user.pk}", "drawn by another process")
    assert signed_in_user(user.pk).first_name == "new"
    cache.delete(f"signed-in-user:{user.pk}")  # a token evicted from the cache: loaded again
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = 'newer' WHERE id = %s", [user.pk])
    assert signed_in_user(user.pk).first_name == "newer"


@pytest.mark.django_db(transaction=True)
def test_the_token_is_drawn_again_when_the_change_commits():
    """A request that reads the rows after the first token was drawn but before the commit keeps the old rows under
    that token only: the commit draws another."""
    user = UserFactory(first_name="old")
    signed_in_user(user.pk)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(first_name="new")
        token_in_the_transaction = cache.get(f"signed-in-user:{user.pk}")
    assert cache.get(f"signed-in-user:{user.pk}") != token_in_the_transaction
    assert signed_in_user(user.pk).first_name == "new"


def test_without_a_shared_cache_every_request_loads_its_user(settings, django_assert_num_queries):
    settings.CACHE_IS_SHARED = False
    user = UserFactory()
    signed_in_user(user.pk)
    with django_assert_num_queries(1):
        signed_in_user(user.pk)
