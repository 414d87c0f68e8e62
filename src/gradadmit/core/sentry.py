"""Error reporting to Sentry when SENTRY_DSN is set, with the same personal-data scrubbing as the logs.

No personal data leaves: send_default_pii off (no cookies, user, IP), no request bodies, no local
variables of stack frames, and `scrub_event` runs the log redaction (emails, ID numbers, phone
numbers, secret link tokens) over every text of the event: message, exception values, breadcrumbs,
URL and query string.
"""

from gradadmit.core.logging import redact


def scrub_event(event, hint=None):
    """Sentry's before_send (and before_send_transaction): every string of the event redacted."""
    return _scrub(event)


def _scrub(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def init_sentry(*, dsn: str, environment: str = "production", release: str | None = None,
                traces_sample_rate: float = 0.0, transport=None):  # fmt: skip
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "integrations": [DjangoIntegration()],
        "send_default_pii": False,
        "include_local_variables": False,
        "max_request_body_size": "never",
        "before_send": scrub_event,
        "before_send_transaction": scrub_event,
        "before_breadcrumb": scrub_event,
        "traces_sample_rate": traces_sample_rate,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
