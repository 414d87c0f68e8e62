"""Personal data never reaches the logs."""

import logging

from gradadmit.core.logging import RedactPersonalData, redact


def test_redacts_email_id_and_phone():
    text = redact("user a.b@example.tw id A123456789 phone 0912-345-678")
    assert "example.tw" not in text and "A123456789" not in text and "0912" not in text


def test_filter_rewrites_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login for %s", ("someone@example.tw",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "login for [email]"


def test_secret_link_tokens_are_redacted_in_access_log_lines():
    from gradadmit.core.logging import redact

    line = '127.0.0.1 "GET /recommend/Zm9vYmFyYmF6cXV4LWFiY2RlZg/" 200'
    assert "Zm9vYmFy" not in redact(line) and "/recommend/[token]/" in redact(line)
    assert redact("/accounts/password/reset/key/1-c3k2ab-8f1e2d/") == "/accounts/password/reset/key/[token]/"


def test_gunicorn_access_logger_redacts_the_path():
    from gunicorn.config import Config

    from gradadmit.core.logging import RedactingAccessLogger

    logger = RedactingAccessLogger(Config())
    request = type("Req", (), {"headers": [], "method": "GET", "path": "/recommend/secret-token/", "query": "",
                               "uri": "/recommend/secret-token/", "version": (1, 1)})()  # fmt: skip
    response = type("Resp", (), {"status": "200 OK", "headers": [], "sent": 0, "response_length": 0})()
    environ = {"RAW_URI": "/recommend/secret-token/", "PATH_INFO": "/recommend/secret-token/", "REQUEST_METHOD": "GET",
               "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": ""}  # fmt: skip
    import datetime

    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=0.01))
    assert "secret-token" not in atoms["U"] and "secret-token" not in atoms["r"]


def test_redacts_landlines_and_international_mobiles():
    text = redact("home (02)2345-6789, office 04-7232105, 02-2345-6789, +886 912 345 678 at 2026-11-29 23:10:15")
    assert text == "home [phone], office [phone], [phone], [phone] at 2026-11-29 23:10:15"
