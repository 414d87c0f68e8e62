"""The cycle at a glance: the office opens a cycle's overview from the office home, in Chinese and in English, and
sees the funnel with its linked numbers, the charts drawn by Chart.js (within the page's strict CSP) and every
chart's figures as a table."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.office.tests.test_cycle_overview import give
from gradadmit.testing.factories import ApplicationFactory, CycleFactory, OfficeFactory, ProgramFactory

from .conftest import check_a11y, t
from .test_office import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed():
    """A cycle cloned from last year's, with applications, payments and uploads over its first days."""
    before = CycleFactory(code="cycle-before", name_zh="114學年度碩士班甄試入學招生", name_en="2025 Admission")
    cycle = CycleFactory(code="cycle-now", cloned_from=before)
    start = Milestone.objects.get(cycle=cycle, kind="application", scope="all").starts_at
    Milestone.objects.filter(cycle=before, kind="application").update(starts_at=start - timedelta(days=365))
    deadline = clock.now() - timedelta(hours=2)
    Milestone.objects.filter(cycle=cycle, kind="documents").update(starts_at=start, ends_at=deadline)
    program = ProgramFactory(cycle=cycle, code="M01")
    last_year = ProgramFactory(cycle=before, code="M01")
    for n in range(9):
        application = ApplicationFactory(
            program=program,
            identity="in_service" if n % 3 == 0 else "general",
            applied_at=start + timedelta(days=n % 4),
        )
        give(
            application,
            *(["paid"] if n % 2 else []),
            *(["documents"] if n % 3 else []),
            paid_at=start + timedelta(days=1 + n % 3),
        )
    for n in range(5):
        ApplicationFactory(program=last_year, applied_at=start - timedelta(days=365 - n))
    from gradadmit.documents.models import Document

    Document.objects.filter(application__program=program).update(uploaded_at=deadline - timedelta(hours=5))
    return cycle, program


def open_overview(page, language: str, program) -> None:
    """From the office home's table of cycles: the row of this year's cycle, its "Overview" link."""
    main = page.get_by_role("main")
    cycles = main.get_by_role("table", name=t(language, "Cycles"))
    row = cycles.get_by_role("row").filter(
        has_text=program.cycle.name_zh if language == "zh-hant" else program.cycle.name_en
    )
    row.get_by_role("link", name=t(language, "Overview"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t(language, "Cycle overview"))
    expect(main.get_by_role("heading", name=f"{program.code}", exact=False).first).to_be_visible()
    for title in ["Applications per day", "Payments per day", "Uploads per hour before the documents deadline"]:
        canvas = main.get_by_role("img", name=t(language, title), exact=False)
        expect(canvas).to_be_visible()
        expect(canvas).to_have_attribute("data-drawn", "true")  # Chart.js ran (own script, no CSP violation)
        table = main.get_by_role("table", name=t(language, "%(title)s: the figures") % {"title": t(language, title)})
        expect(table).to_be_attached()
    # The canvas holds drawn pixels, not a blank surface.
    drawn = page.evaluate(
        """() => { const c = document.querySelector('canvas[data-chart="applications"]');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }"""
    )
    assert drawn > 500


def test_office_reads_the_cycle_overview_in_chinese_and_english(page):
    _cycle, program = seed()
    office = OfficeFactory()
    sign_in(page, office.email)
    page.goto("/office/")
    open_overview(page, "zh-hant", program)
    funnel = page.get_by_role("table", name=f"{program.code} {program.name_zh}")
    expect(funnel.get_by_role("row")).to_have_count(3)
    # 9 applications: 6 general, 3 in-service; the general "applied" number opens the review queue filtered to them.
    funnel.get_by_role("link", name="6", exact=True).first.click()
    expect(page).to_have_url(f"{page.url.split('/office/')[0]}/office/programs/{program.pk}/review/?identity=general")
    page.go_back()
    check_a11y(page, "cycle-overview-zh")
    # On paper: the tables, not the charts.
    page.emulate_media(media="print")
    expect(page.get_by_role("img", name=t("zh-hant", "Applications per day"), exact=False)).to_be_hidden()
    expect(page.get_by_role("table", name=t("zh-hant", "Applications per day"), exact=False)).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("button", name="English").click()
    page.goto("/office/")
    open_overview(page, "en", program)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cycle overview")
    expect(page.get_by_role("img", name="Applications per day", exact=False)).to_have_attribute("data-drawn", "true")
    expect(page.get_by_text("Compared with 2025 Admission", exact=False)).to_be_visible()
    check_a11y(page, "cycle-overview-en")
