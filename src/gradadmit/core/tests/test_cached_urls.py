"""{% url %} keeps the paths it built (core.templatetags.cached_urls) and still answers as Django's tag does."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from gradadmit.core.templatetags.cached_urls import _path


def render(source, **context):
    return Template(source).render(Context(context))


def test_paths_are_django_s_and_kept():
    _path.cache_clear()
    assert render("{% url 'applications:detail' 7 %}") == reverse("applications:detail", args=[7])
    assert render("{% url 'applications:detail' pk %}", pk=7) == reverse("applications:detail", args=[7])
    assert render("{% url 'cycles:program' code='c1' program_code='M01' %}") == reverse(
        "cycles:program", kwargs={"code": "c1", "program_code": "M01"}
    )
    assert _path.cache_info().hits >= 1


def test_as_variable_and_unknown_names_as_django():
    assert render("{% url 'nowhere' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' %}")


def test_paths_are_escaped():
    built = render("{% url 'cycles:program' 'c1' code %}", code="a&b")
    assert built == reverse("cycles:program", args=["c1", "a&b"]).replace("&", "&amp;")
    assert "&amp;" in built


urlpatterns = [path("elsewhere/<int:pk>/", lambda request, pk: None, name="detail")]


def test_another_url_configuration_is_another_key():
    assert render("{% url 'applications:detail' 3 %}") == reverse("applications:detail", args=[3])
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'detail' 3 %}") == "/elsewhere/3/"


def test_static_urls_are_kept_and_follow_the_settings(settings):
    from django.templatetags.static import static

    from gradadmit.core.templatetags.cached_urls import cached_static

    assert cached_static("css/portal.css") == static("css/portal.css")
    settings.STATIC_URL = "/elsewhere/"
    assert cached_static("css/portal.css") == static("css/portal.css")
    assert cached_static("css/portal.css").startswith("/elsewhere/")
