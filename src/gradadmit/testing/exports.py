"""Test helpers for Excel exports: read a download back, count an export's queries."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook


def read_export(response):
    """The first sheet of an xlsx download as openpyxl reads it (its temporary file is closed)."""
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    for close in response._resource_closers:  # not response.close(): its request_finished would close the test DB
        close()
    return load_workbook(io.BytesIO(body)).active


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def export_queries(client, url) -> int:
    # Counted as on every visit but a process's first after a change of the cycle's configuration (cycles.configuration).
    read_export(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        read_export(client.get(url))
    return len(queries)
