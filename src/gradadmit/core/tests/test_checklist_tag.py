"""{% checklist rows %}: every row's status, label (linked when it has a URL), detail and due date, escaped."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from gradadmit.core.checklist import ChecklistRow, RowStatus

ROWS = [
    ChecklistRow(key="documents", order=20, label="Documents <b>", status=RowStatus.PENDING, detail="2 missing & more",
                 deadline=datetime(2026, 12, 3, 17, 0, tzinfo=ZoneInfo("Asia/Taipei")), url="/me/applications/1/documents/"),
    ChecklistRow(key="fees", order=30, label="Application fee", status=RowStatus.DONE),
]  # fmt: skip


def render(language):
    with translation.override(language):
        return Template("{% checklist rows %}").render(Context({"rows": ROWS}))


def test_rows_are_drawn_with_status_link_detail_and_due_date_escaped():
    html = render("en")
    assert html.startswith('<ul class="checklist">') and html.count("<li>") == 2
    assert '<span class="status status-pending">To do</span>' in html
    assert '<a href="/me/applications/1/documents/">Documents &lt;b&gt;</a>' in html
    assert '<br><span class="muted">2 missing &amp; more</span>' in html
    assert '<span class="muted">Due 3 Dec 2026, 5:00 PM</span>' in html
    assert '<span class="status status-done">Done</span> <span class="label">Application fee</span></li>' in html


def test_in_chinese_labels_are_translated_and_the_date_is_roc():
    html = render("zh-hant")
    assert "待辦理" in html and "截止 115年12月3日 下午5:00" in html
