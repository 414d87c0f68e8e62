"""The signed-in user of a request, kept in each process between requests.

Every signed-in request loads its user with the applicant profile, the unread message count and the practice cycle
(`accounts.backends.signed_in_users`: one query of 41 columns, about a tenth of a deadline-night request's CPU).
Each process keeps the copy it last loaded of each user, labelled with a token the shared cache holds for that user
(`signed-in-user:<id>`), and hands out copies of it while the token is the same.

Everything that changes what that query reads draws a new token for the user, at once and again when its transaction
commits (a request that reads the rows between the two keeps them under the first token only):
- saving or deleting a user, a profile, a message or a practice account (post_save/post_delete, `connect()`);
- `update()`, `bulk_update()` and `bulk_create()` on their querysets (`SignedInQuerySet`), which send no signals.
The token is read before the rows, so rows kept under a token are at least as new as it. Without a cache every app
process shares (PostgreSQL without Redis: each process's memory), nothing is kept: a token drawn in one process
would not reach the others.
"""

import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from gradadmit.core.kept import WriteReportingQuerySet, clone, on_row_write

KEEP = 5000  # users kept per process; the least recently seen goes first
TOKEN_SECONDS = 14 * 24 * 3600  # as long as a session; a token that expired only makes the next request load
_kept: OrderedDict = OrderedDict()  # user id -> (token, user as loaded, never handed out)
_lock = threading.Lock()


def _key(user_id) -> str:
    return f"signed-in-user:{user_id}"


def user_of(user_id, load):
    """The user `load(user_id)` returns (None: none), from this process's copy while the user's token is the same."""
    if not settings.CACHE_IS_SHARED:
        return load(user_id)
    token = _token(user_id)
    with _lock:
        kept = _kept.get(user_id)
        if kept is not None and kept[0] == token:
            _kept.move_to_end(user_id)
            return _copy(kept[1])
    user = load(user_id)
    if user is None:
        return None
    with _lock:
        _kept[user_id] = (token, user)
        _kept.move_to_end(user_id)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return _copy(user)


def _token(user_id) -> str:
    key = _key(user_id)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, TOKEN_SECONDS):  # another request drew one first: use theirs
            token = cache.get(key) or token
    return token


def _copy(user):
    """A copy a request may change: the user and its profile (a form may set the profile's fields)."""
    copied = clone(user)
    profile = copied._state.fields_cache.get("profile")
    if profile is not None:
        profile = clone(profile)
        profile._state.fields_cache["user"] = copied
        copied._state.fields_cache["profile"] = profile
    return copied


def changed(user_ids, *, using=None) -> None:
    """What the signed-in query reads of these users changed: new tokens now and when the transaction commits."""
    user_ids = {user_id for user_id in user_ids if user_id is not None}
    if not user_ids or not settings.CACHE_IS_SHARED:
        return
    _draw(user_ids)
    transaction.on_commit(lambda: _draw(user_ids), using=using)


def _draw(user_ids) -> None:
    cache.set_many({_key(user_id): uuid.uuid4().hex for user_id in user_ids}, TOKEN_SECONDS)
    with _lock:
        for user_id in user_ids:
            _kept.pop(user_id, None)


class SignedInQuerySet(WriteReportingQuerySet):
    """The queryset of a model the signed-in query reads: writes that bypass signals draw the users' tokens too.

    The model names the attribute holding its rows' user id in `signed_in_user` ("pk" for the user itself). A
    migration's historical model has no such name: its writes touch nothing kept (processes start anew after it).
    """

    def touched(self, objs=None):
        attribute = getattr(self.model, "signed_in_user", None)
        if attribute is None:
            return set()
        if objs is None:
            return set(self.values_list(attribute, flat=True))
        return {getattr(obj, attribute) for obj in objs}

    def report(self, keys):
        changed(keys, using=self.db)


def _on_write(sender, instance, using=None, **kwargs):
    changed([getattr(instance, sender.signed_in_user)], using=using)


def connect(*model_classes) -> None:
    """Draw the user's token whenever one row of these models is saved or deleted."""
    on_row_write(_on_write, "signed-in", *model_classes)
