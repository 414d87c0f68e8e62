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
