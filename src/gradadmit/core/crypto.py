"""Field-level encryption of identity numbers: Fernet keys from the environment, and a keyed hash for lookups.

`GRADADMIT_FIELD_KEYS` holds one or more Fernet keys, newest first: the first encrypts, every one decrypts
(`cryptography`'s MultiFernet), so a new key is put in front and `manage.py rotate_field_keys` re-encrypts the
rows with it before the old one is dropped. `GRADADMIT_FIELD_HASH_KEY` keys an HMAC-SHA256 of the normalised
value (spaces removed, upper case): the same number always gives the same hash, so the office's exact-match
search and the uniqueness constraint work on the hash while the column itself holds ciphertext.

Out of the box development keys work (as the development SECRET_KEY does); production settings refuse them,
and a missing or malformed key, when the settings are read (`keys_from_environment`).
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _development_key(label: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"gradadmit-development-{label}".encode()).digest()).decode()


# Public on purpose: anyone can read them here, which is why production settings refuse them.
DEVELOPMENT_FIELD_KEY = _development_key("field-key")
DEVELOPMENT_HASH_KEY = _development_key("hash-key")
TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then the timestamp's high bytes)


class FieldKeyError(ImproperlyConfigured):
    """A value cannot be decrypted with any configured key (the keys are wrong or the newest was dropped)."""


def keys_from_environment(keys_text: str, hash_key: str, *, production: bool) -> tuple[list[str], str]:
    """The field keys and the hash key the settings use, checked: raises ImproperlyConfigured with what to do.

    In production both must be set and neither may be a development key; everywhere a key that is not a
    Fernet key (32 bytes, URL-safe base64) is refused, so a typo stops the process at start.
    """
    keys = [key.strip() for key in (keys_text or "").split(",") if key.strip()]
    hash_key = (hash_key or "").strip()
    if production:
        if not keys:
            raise ImproperlyConfigured(
                "GRADADMIT_FIELD_KEYS is not set. Production needs the key that encrypts national ID and passport "
                "numbers: generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'` and keep it apart from the database backups."
            )
        if not hash_key:
            raise ImproperlyConfigured(
                "GRADADMIT_FIELD_HASH_KEY is not set. Production needs the key of the ID numbers' search hash "
                "(any long random string, e.g. a Fernet key); it must never change once data exists."
            )
        if DEVELOPMENT_FIELD_KEY in keys or hash_key in (DEVELOPMENT_HASH_KEY, DEVELOPMENT_FIELD_KEY):
            raise ImproperlyConfigured("GRADADMIT_FIELD_KEYS / GRADADMIT_FIELD_HASH_KEY hold a development key.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"GRADADMIT_FIELD_KEYS: key number {position} is not a Fernet key (32 bytes in URL-safe base64, "
                "44 characters). Keys are separated by commas, the newest first."
            ) from None
    if hash_key and len(hash_key) < 32:
        raise ImproperlyConfigured("GRADADMIT_FIELD_HASH_KEY must be at least 32 characters long.")
    return keys or [DEVELOPMENT_FIELD_KEY], hash_key or DEVELOPMENT_HASH_KEY


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.GRADADMIT_FIELD_KEYS))


def encrypt(value: str) -> str:
    """The value encrypted with the newest key (a new random token each time); "" stays ""."""
    if not value:
        return value
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value of a token; raises FieldKeyError when no configured key opens it."""
    if not token:
        return token
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise FieldKeyError(
            "An encrypted field cannot be decrypted with any key in GRADADMIT_FIELD_KEYS: a key is wrong or the "
            "key these rows were written with was removed. Put it back (after the newest) and run "
            "`manage.py rotate_field_keys`."
        ) from None


def rotate(token: str) -> str:
    """The token re-encrypted with the newest key (raises FieldKeyError as `decrypt`)."""
    if not token:
        return token
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        decrypt(token)  # raises the explained error
        raise


def is_token(value: str) -> bool:
    return bool(value) and value.startswith(TOKEN_PREFIX)


def normalise(value: str) -> str:
    """What the hash is computed over: spaces removed, upper case (the search was case-insensitive)."""
    return "".join((value or "").split()).upper()


def search_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value under GRADADMIT_FIELD_HASH_KEY; "" for an empty value."""
    value = normalise(value)
    if not value:
        return ""
    return hmac.new(settings.GRADADMIT_FIELD_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
