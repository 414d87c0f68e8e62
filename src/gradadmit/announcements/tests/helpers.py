"""Helpers of the announcement tests."""

from datetime import timedelta

from gradadmit.announcements.models import Announcement
from gradadmit.core import clock


def make_announcement(cycle, program=None, *, publish_at=None, pinned=False, title="公告", **fields):
    now = clock.now()
    return Announcement.objects.create(
        cycle=cycle,
        program=program,
        title_zh=title,
        title_en=fields.pop("title_en", f"{title} (en)"),
        body_zh=fields.pop("body_zh", "內容"),
        body_en=fields.pop("body_en", "Text"),
        publish_at=publish_at or now - timedelta(hours=1),
        pinned=pinned,
        created_at=now,
        updated_at=now,
        **fields,
    )
