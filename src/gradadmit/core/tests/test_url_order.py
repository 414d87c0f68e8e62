"""The root URL configuration lists the deadline night's pages first (a shorter walk for the busiest paths); that is
only safe while no pattern hides another: every pattern, given sample values, must resolve to itself."""

import re

from django.urls import get_resolver, resolve
from django.urls.resolvers import URLResolver

SAMPLES = {"int": "5", "slug": "abc", "str": "abc", "path": "a/b",
           "uuid": "12345678-1234-5678-1234-567812345678"}  # fmt: skip


def routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif "^" not in route:  # path() routes; regular expressions (the admin's, a few of allauth's) are left out
            yield route


def test_every_route_resolves_to_itself():
    hidden = []
    checked = 0
    for route in routes(get_resolver().url_patterns):
        path = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
        match = resolve(path)
        checked += 1
        if match.route != route:
            hidden.append(f"{path}: {route} is answered by {match.route}")
    assert checked > 200
    assert hidden == []


def test_the_busiest_paths_are_found_early():
    first = [str(pattern.pattern) for pattern in get_resolver().url_patterns[:6]]
    assert first[:2] == ["healthz", "me/"]
    for path, view in [("/me/", "applications:dashboard"), ("/cycles/c/programs/M01/", "cycles:program"),
                       ("/me/applications/5/documents/", "documents:items")]:  # fmt: skip
        assert resolve(path).view_name == view
