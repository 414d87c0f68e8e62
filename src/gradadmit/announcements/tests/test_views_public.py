"""Public announcement pages: only published ones, pinned first, the feed, home and cycle pages, languages."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from gradadmit.announcements import services
from gradadmit.announcements.models import Announcement
from gradadmit.core import clock
from gradadmit.testing.factories import CycleFactory
from gradadmit.testing.files import pdf_bytes, upload

from .helpers import make_announcement

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def titles(response):
    return [a.title_zh for a in response.context["page"]]


def feed_entries(client, query=""):
    response = client.get(reverse("announcements:feed") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def test_list_shows_pinned_first_then_newest(client, cycle):
    now = clock.now()
    make_announcement(cycle, title="舊", publish_at=now - timedelta(days=3))
    make_announcement(cycle, title="新", publish_at=now - timedelta(hours=1))
    make_announcement(cycle, title="置頂", publish_at=now - timedelta(days=10), pinned=True)
    assert titles(client.get(reverse("announcements:list"))) == ["置頂", "新", "舊"]


def test_list_is_paginated(client, cycle):
    for n in range(17):
        make_announcement(cycle, title=f"公告{n}", publish_at=clock.now() - timedelta(hours=n + 1))
    first = client.get(reverse("announcements:list"))
    second = client.get(reverse("announcements:list") + "?page=2")
    assert len(titles(first)) == 15 and titles(second) == ["公告15", "公告16"]


def test_list_filters_by_cycle(client, cycle):
    other = CycleFactory()
    make_announcement(cycle, title="本屆")
    make_announcement(other, title="他屆")
    assert titles(client.get(reverse("announcements:list") + f"?cycle={other.code}")) == ["他屆"]


def test_announcements_of_unpublished_cycles_are_hidden(client):
    hidden = make_announcement(CycleFactory(is_published=False), title="草稿屆")
    assert titles(client.get(reverse("announcements:list"))) == []
    assert client.get(reverse("announcements:detail", args=[hidden.pk])).status_code == 404


def test_detail_shows_plain_text_with_line_breaks_links_and_no_html(client, cycle, program):
    announcement = make_announcement(
        cycle, program, body_zh="第一行\n詳見 https://example.edu.tw/list\n<script>alert(1)</script>"
    )
    page = client.get(reverse("announcements:detail", args=[announcement.pk])).content.decode()
    assert "第一行<br>" in page
    assert '<a href="https://example.edu.tw/list" rel="nofollow">' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert program.name_zh in page


def test_chinese_page_shows_roc_dates(client, cycle):
    announcement = make_announcement(cycle)
    year = clock.local(announcement.publish_at).year - 1911
    page = client.get(reverse("announcements:detail", args=[announcement.pk])).content.decode()
    assert f"{year}年" in page
    assert f"{year}年" in client.get(reverse("announcements:list")).content.decode()


def test_english_rendering_uses_the_english_fields_and_gregorian_dates(english, cycle):
    announcement = make_announcement(cycle, title="放榜", title_en="Results published", body_en="See the list.")
    detail = english.get(reverse("announcements:detail", args=[announcement.pk])).content.decode()
    assert "Results published" in detail and "See the list." in detail and "放榜" not in detail
    assert str(clock.local(announcement.publish_at).year) in detail and "年" not in detail
    listing = english.get(reverse("announcements:list")).content.decode()
    assert "Results published" in listing and "All programmes" in listing
    assert "Results published" in english.get(reverse("cycles:home")).content.decode()


def test_english_falls_back_to_chinese_when_no_english_was_written(english, cycle):
    announcement = make_announcement(cycle, title="延期公告", title_en="", body_en="")
    detail = english.get(reverse("announcements:detail", args=[announcement.pk])).content.decode()
    assert "延期公告" in detail and "內容" in detail
    assert '<h1 id="announcement-title" lang="zh-Hant">' in detail  # the page is English, this title is not


def test_future_announcement_is_hidden_everywhere_until_its_time(client, cycle, office, move_clock):
    future = make_announcement(cycle, title="明日公告", publish_at=clock.now() + timedelta(minutes=1))
    attachment = services.add_attachment(actor=office, announcement=future, upload=upload("a.pdf", pdf_bytes()))
    detail = reverse("announcements:detail", args=[future.pk])
    file_url = reverse("announcements:attachment", args=[future.pk, attachment.pk])

    assert "明日公告" not in client.get(reverse("announcements:list")).content.decode()
    assert client.get(detail).status_code == 404
    assert client.get(file_url).status_code == 404
    assert "明日公告" not in client.get(reverse("cycles:home")).content.decode()
    assert "明日公告" not in client.get(reverse("cycles:cycle", args=[cycle.code])).content.decode()
    assert feed_entries(client).findall(f"{ATOM}entry") == []

    move_clock(timedelta(minutes=2))
    assert "明日公告" in client.get(reverse("announcements:list")).content.decode()
    assert client.get(detail).status_code == 200
    assert client.get(file_url).status_code == 200
    assert "明日公告" in client.get(reverse("cycles:home")).content.decode()
    assert "明日公告" in client.get(reverse("cycles:cycle", args=[cycle.code])).content.decode()
    assert len(feed_entries(client).findall(f"{ATOM}entry")) == 1


def test_attachment_is_served_as_a_pdf_with_safe_headers(client, cycle, office):
    announcement = make_announcement(cycle)
    attachment = services.add_attachment(
        actor=office, announcement=announcement, upload=upload("簡章.pdf", pdf_bytes())
    )
    response = client.get(reverse("announcements:attachment", args=[announcement.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "%E7%B0%A1%E7%AB%A0.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_attachment_of_another_announcement_is_404(client, cycle, office):
    first, second = make_announcement(cycle), make_announcement(cycle)
    attachment = services.add_attachment(actor=office, announcement=first, upload=upload("a.pdf", pdf_bytes()))
    assert client.get(reverse("announcements:attachment", args=[second.pk, attachment.pk])).status_code == 404


def test_home_shows_the_newest_five(client, cycle):
    for n in range(7):
        make_announcement(cycle, title=f"第{n}則", publish_at=clock.now() - timedelta(hours=n + 1))
    page = client.get(reverse("cycles:home")).content.decode()
    assert "第0則" in page and "第4則" in page and "第5則" not in page
    assert reverse("announcements:list") in page


def test_cycle_page_shows_only_that_cycles_announcements(client, cycle, program):
    make_announcement(cycle, program, title="本屆系所公告")
    make_announcement(CycleFactory(), title="他屆公告")
    page = client.get(reverse("cycles:cycle", args=[cycle.code])).content.decode()
    assert "本屆系所公告" in page and "他屆公告" not in page


def test_feed_is_valid_atom_with_the_published_entries(client, cycle, program):
    now = clock.now()
    make_announcement(cycle, title="較早", publish_at=now - timedelta(days=2))
    latest = make_announcement(cycle, program, title="最新", publish_at=now - timedelta(hours=1))
    make_announcement(cycle, title="未來", publish_at=now + timedelta(days=1))
    feed = feed_entries(client)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 §4.1.1
        assert feed.find(f"{ATOM}{required}") is not None and feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["最新", "較早"]
    for entry in entries:  # §4.1.2: id, title, updated, and a link (no content)
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None and entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    assert entries[0].find(f"{ATOM}link").get("href").endswith(reverse("announcements:detail", args=[latest.pk]))
    assert entries[0].find(f"{ATOM}category").get("term") == program.name_zh


def test_feed_of_one_cycle_and_in_english(english, cycle):
    make_announcement(cycle, title="本屆", title_en="This cycle")
    make_announcement(CycleFactory(), title="他屆")
    feed = feed_entries(english, f"?cycle={cycle.code}")
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["This cycle"]


def test_nav_links_to_the_announcements(client):
    assert reverse("announcements:list") in client.get(reverse("cycles:home")).content.decode()
    assert Announcement.objects.count() == 0
