"""Placeholders: known names only, nothing but a name inside the braces, rendered without any template engine."""

import pytest

from gradadmit.mailings.placeholders import PlaceholderError, parse

pytestmark = pytest.mark.usefixtures("english_messages")


def test_known_placeholders_are_filled_in():
    parsed = parse("Dear {name}, {program} closes {deadline}: {link}")
    text = parsed.render({"name": "王小明", "program": "電子所", "deadline": "Fri", "link": "https://x/me/"})
    assert text == "Dear 王小明, 電子所 closes Fri: https://x/me/"
    assert parsed.used == {"name", "program", "deadline", "link"}


def test_double_braces_write_a_brace():
    assert parse("{{braces}} are literal, {name} is not").render({"name": "Ann"}) == "{braces} are literal, Ann is not"


def test_an_unknown_placeholder_is_named_in_the_error():
    with pytest.raises(PlaceholderError) as error:
        parse("Dear {nmae}, see {link} and {score}")
    assert "Unknown placeholder {nmae}, {score}" in error.value.message
    assert "{exam_number}" in error.value.message  # the allowed ones are listed


@pytest.mark.parametrize(
    "text, culprit",
    [
        ("{name.__class__}", "{name.__class__}"),
        ("{name[0]}", "{name[0]}"),
        ("{name!r}", "{name!r}"),
        ("{name:>20}", "{name:>20}"),
        ("{}", "{}"),
        ("{0}", "{0}"),
    ],
)
def test_attribute_index_conversion_and_format_are_malformed(text, culprit):
    with pytest.raises(PlaceholderError) as error:
        parse(text)
    assert f"Malformed placeholder {culprit}" in error.value.message


@pytest.mark.parametrize("text", ["Dear {name", "Dear name}", "{ {name}"])
def test_an_unbalanced_brace_is_refused(text):
    with pytest.raises(PlaceholderError) as error:
        parse(text)
    assert "brace is not closed or not opened" in error.value.message


@pytest.mark.parametrize("text", ["{{name}}", "Dear {{ name }},", "{{{{ link }}}}"])
def test_template_style_double_braces_around_a_placeholder_are_refused(text):
    with pytest.raises(PlaceholderError) as error:
        parse(text)
    assert "single braces" in error.value.message


def test_template_tags_are_refused_not_run():
    with pytest.raises(PlaceholderError) as error:
        parse("{% load static %}")
    assert "Malformed placeholder {% load static %}" in error.value.message


def test_other_double_braces_stay_text_and_nothing_is_looked_up():
    assert parse("{{ request.user }} {{settings}}").render({}) == "{ request.user } {settings}"
