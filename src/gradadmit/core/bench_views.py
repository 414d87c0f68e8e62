"""The benchmark reference page: a plain Django page (no database, no base layout) that real pages are measured against.

Served at /bench/reference/ only when GRADADMIT_BENCH=1 (bench/wsgi_bench.py adds the URL; production URLs never
route here, and the view answers 404 without the variable).
"""

import os
from datetime import date, timedelta
from functools import cache

from django.http import Http404, HttpResponse
from django.template import Context, Template

ROWS = 50

REFERENCE_TEMPLATE = """<!doctype html>
<html lang="zh-Hant">
<head><meta charset="utf-8"><title>Reference table</title></head>
<body>
<h1>Reference table</h1>
<table>
<thead><tr><th>#</th><th>Code</th><th>Programme</th><th>Identity</th><th>Status</th><th>Applied</th></tr></thead>
<tbody>
{% for row in rows %}<tr class="{% cycle 'odd' 'even' %}"><td>{{ forloop.counter }}</td><td>{{ row.code }}</td>\
<td>{{ row.name }}</td><td>{{ row.identity }}</td><td>{{ row.status }}</td><td>{{ row.applied|date:"Y-m-d" }}</td></tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


@cache
def _template() -> Template:
    return Template(REFERENCE_TEMPLATE)


def _rows():
    start = date(2026, 1, 5)
    return [
        {
            "code": f"P{n:02d}",
            "name": f"電子工程系碩士班 {n} <Electronic Engineering MSc & co.>",
            "identity": "general" if n % 3 else "in_service",
            "status": "active" if n % 7 else "withdrawn",
            "applied": start + timedelta(days=n),
        }
        for n in range(1, ROWS + 1)
    ]


def reference_table(request):
    if os.environ.get("GRADADMIT_BENCH") != "1":
        raise Http404
    return HttpResponse(_template().render(Context({"rows": _rows()})))
