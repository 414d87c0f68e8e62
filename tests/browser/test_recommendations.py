"""Recommendations, done when: an applicant invites two recommenders; one (in English) uploads a PDF, the other
(in Chinese) fills the form, saved as a draft while typing; the applicant sees both completed but cannot open
either; the letters are in the review packet.

Three browser contexts: the applicant's and each recommender's (no account: the emailed link only).
"""

import io
import re

import pikepdf
import pytest
from allauth.account.forms import LoginForm
from django.core import mail
from playwright.sync_api import expect

from gradadmit.recommendations.forms import LetterForm, LetterUploadForm, RecommenderForm
from gradadmit.recommendations.models import RecommendationRequest
from gradadmit.testing.factories import PASSWORD, ApplicationFactory, CycleFactory, ProgramFactory
from gradadmit.testing.files import labelled_pdf_bytes

from .conftest import DEFAULT_TIMEOUT_MS, check_a11y, field_label, label_re, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s/]+(/recommend/[A-Za-z0-9_-]+/)")
RECOMMENDERS = [
    {"name": "Prof. Alice Smith", "organisation": "University of Edinburgh", "title": "Professor",
     "relationship": "Thesis supervisor", "email": "alice@example.ac.uk", "phone": ""},
    {"name": "陳大文", "organisation": "國立彰化師範大學電機系", "title": "教授", "relationship": "專題指導教授",
     "email": "chen@example.edu.tw", "phone": "04-7232105"},
]  # fmt: skip


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="zh-TW", timezone_id="Asia/Taipei"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email):
    _ = lambda message: t("zh-hant", message)  # noqa: E731
    page.goto("/accounts/login/")
    page.get_by_label(label_re(field_label("zh-hant", LoginForm, "login"))).fill(email)
    page.get_by_label(label_re(field_label("zh-hant", LoginForm, "password"))).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=_("Sign In")).click()
    expect(page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Sign out"))).to_be_visible()


def test_two_recommenders_one_uploads_in_english_one_fills_the_form_in_chinese(page, new_page):
    zh = lambda message: t("zh-hant", message)  # noqa: E731
    en = lambda message: t("en", message)  # noqa: E731
    cycle = CycleFactory()
    program = ProgramFactory(
        cycle=cycle, recommendation_policy="at_least", recommendations_required=2, recommendation_format="either"
    )
    application = ApplicationFactory(program=program)

    # --- The applicant finds the letters row on the application page and adds two recommenders. -------------
    sign_in(page, application.applicant.email)
    page.goto(f"/me/applications/{application.pk}/")
    page.get_by_role("link", name=zh("Recommendation letters (推薦信)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Recommendation letters"))
    check_a11y(page, "recommendations-01-applicant-empty")
    for recommender in RECOMMENDERS:
        for name, value in recommender.items():
            page.get_by_label(label_re(field_label("zh-hant", RecommenderForm, name))).fill(value)
        page.get_by_role("button", name=zh("Save and send the invitation")).click()
        expect(page.get_by_role("main").get_by_role("status")).to_contain_text(recommender["name"])
    table = page.get_by_role("table")
    for recommender in RECOMMENDERS:
        expect(table.get_by_role("row", name=re.compile(re.escape(recommender["name"])))).to_contain_text(zh("Invited"))
    check_a11y(page, "recommendations-02-applicant-invited")

    # The invitations, one per recommender, bilingual, each with its own link.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r["email"] for r in RECOMMENDERS)
    links = {m.to[0]: LINK.findall(m.body)[0] for m in mail.outbox}

    # --- Recommender 1 switches to English, agrees, uploads a PDF. ---------------------------------------------
    alice = new_page()
    alice.goto(links["alice@example.ac.uk"])
    alice.get_by_role("banner").get_by_role("button", name="English").click()
    expect(alice.get_by_role("heading", level=1)).to_contain_text(en("Recommendation letter"))
    assert RecommendationRequest.objects.get(email="alice@example.ac.uk").status == "invited"  # GET changed nothing
    check_a11y(alice, "recommendations-03-recommender-en-invited")
    alice.get_by_role("button", name=en("My details are correct and I agree to recommend")).click()
    alice.get_by_label(label_re(field_label("en", LetterUploadForm, "file"))).set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": labelled_pdf_bytes("Letter from Alice", 2)}
    )
    check_a11y(alice, "recommendations-04-recommender-en-writing")
    alice.get_by_role("button", name=en("Submit the letter")).click()
    expect(alice.get_by_role("main").get_by_role("status")).to_contain_text(en("Your letter was submitted. Thank you."))
    expect(alice.get_by_role("button", name=en("Submit the letter"))).to_have_count(0)  # status only now
    check_a11y(alice, "recommendations-05-recommender-en-done")

    # --- Recommender 2 stays in Chinese, agrees, fills 附件五 (a draft is saved while typing), submits. -------
    chen = new_page()
    chen.goto(links["chen@example.edu.tw"])
    expect(chen.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    chen.get_by_role("button", name=zh("My details are correct and I agree to recommend")).click()
    check_a11y(chen, "recommendations-06a-recommender-zh-writing")
    chen.get_by_role("link", name=zh("Open the form")).click()  # 附件五 has its own page
    expect(chen.get_by_role("heading", level=1)).to_contain_text(zh("Recommendation form"))

    def field(name):
        return chen.get_by_label(label_re(field_label("zh-hant", LetterForm, name)))

    field("known_since").fill("2022-09")
    field("known_until").fill("2025-06")
    field("contact_study").select_option("weekly")
    for index, key in enumerate(["analytical", "creativity", "initiative", "communication", "professionalism"]):
        field(f"rating_{key}").select_option(str(9 - index % 2))
    field("comments").fill("勤奮好學，專題研究表現優異，具獨立思考能力。")
    expect(chen.get_by_role("status").filter(has_text=re.compile(r"\d\d:\d\d"))).to_be_visible()  # autosaved
    assert RecommendationRequest.objects.get(email="chen@example.edu.tw").form_draft["known_since"] == "2022-09"
    chen.get_by_role("radio", name=zh("Strongly recommend")).check()
    check_a11y(chen, "recommendations-06-recommender-zh-form")
    chen.get_by_role("button", name=zh("Submit the form")).click()
    expect(chen.get_by_role("main").get_by_role("status")).to_contain_text(zh("Your letter was submitted. Thank you."))
    check_a11y(chen, "recommendations-07-recommender-zh-done")

    # --- The applicant sees both completed, and no way to open either letter. -------------------------------------
    page.reload()
    for recommender in RECOMMENDERS:
        row = table.get_by_role("row", name=re.compile(re.escape(recommender["name"])))
        expect(row).to_contain_text(zh("Completed"))
    expect(page.get_by_role("main").get_by_role("link", name=re.compile(zh("View")))).to_have_count(0)
    check_a11y(page, "recommendations-08-applicant-completed")
    for recommendation in RecommendationRequest.objects.all():
        response = page.request.get(f"/office/recommendations/{recommendation.pk}/letter/", max_redirects=0)
        assert response.status in (302, 403, 404)
        assert not response.body().startswith(b"%PDF")

    # --- Both letters are in the review packet, one bookmark each. -------------------------------------------
    from gradadmit.documents.packets import build_application_packet

    out = io.BytesIO()
    build_application_packet(application, out)
    with pikepdf.open(io.BytesIO(out.getvalue())) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert any("Prof. Alice Smith" in title for title in titles), titles
    assert any("陳大文" in title for title in titles), titles
