"""ROC dates in Chinese, Gregorian in English."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from gradadmit.core.rocdate import format_for_language, format_roc_datetime, format_roc_short

TAIPEI = ZoneInfo("Asia/Taipei")


def test_roc_datetime_afternoon():
    assert format_roc_datetime(datetime(2024, 12, 18, 17, 0, tzinfo=TAIPEI)) == "113年12月18日 下午5:00"


def test_roc_datetime_morning_and_noon():
    assert format_roc_datetime(datetime(2019, 11, 7, 9, 30, tzinfo=TAIPEI)) == "108年11月7日 上午9:30"
    assert format_roc_datetime(datetime(2019, 11, 7, 12, 0, tzinfo=TAIPEI)) == "108年11月7日 中午12:00"
    assert format_roc_datetime(datetime(2019, 11, 7, 0, 5, tzinfo=TAIPEI)) == "108年11月7日 上午12:05"


def test_roc_short_form():
    assert format_roc_short(datetime(2024, 12, 18, 17, 0, tzinfo=TAIPEI)) == "113/12/18 17:00"


def test_utc_time_is_shown_in_taipei():
    utc = datetime(2024, 12, 18, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert format_for_language(utc, "zh-hant") == "113年12月18日 下午5:00"


def test_weekday_in_chinese_and_english():
    assert format_for_language(date(2019, 11, 7), "zh-hant", weekday=True) == "108年11月7日(星期四)"
    assert format_for_language(date(2019, 11, 7), "en", weekday=True) == "Thu 7 Nov 2019"


def test_english_is_gregorian():
    assert format_for_language(datetime(2024, 12, 18, 17, 0, tzinfo=TAIPEI), "en") == "18 Dec 2024, 5:00 PM"
