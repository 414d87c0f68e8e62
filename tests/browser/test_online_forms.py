"""Online brochure forms, done when: an applicant fills 附件三 (autobiography) and 附件四 (study plan) in the portal,
with the keyboard, drafts saved while typing (and a second tab told when the first saved since), submits them and
sees them as documents; the PDFs are looked at as PNGs (pdftoppm, copied to reports/screenshots/)."""

import re
import shutil
import subprocess

import pytest
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from gradadmit.core.i18n import pick
from gradadmit.cycles.models import DocumentRequirement
from gradadmit.documents import online_forms
from gradadmit.documents.models import Document, FormDraft
from gradadmit.testing.factories import ApplicationFactory, CycleFactory, OfficeFactory, ProgramFactory

from .conftest import SCREENSHOTS, check_a11y, label_re, t
from .test_documents import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hant"
RENDER_MS = 60_000
AUTOBIOGRAPHY = "我生長於彰化縣，家中務農。\n大學就讀電機工程學系，專題研究電力電子。"
PLAN = {
    "Research interests": "電力電子與再生能源併網。",
    "Motivation for applying": "貴所在功率轉換領域的研究成果豐碩。",
    "Intended direction of study": "寬能隙元件之高效率轉換器。",
    "Study plan": "第一年修習核心課程，第二年完成論文。",
}


def _(message: str) -> str:
    return t(LANGUAGE, message)


@pytest.fixture
def setup():
    cycle = CycleFactory()  # documents window open now
    program = ProgramFactory(cycle=cycle)  # photo (1) and cv (2)
    office = OfficeFactory()
    items = []
    for order, code, zh, en, form in ((3, "autobiography", "個人自傳", "Autobiography", "form-03"),
                                      (4, "study-plan", "讀書計畫", "Study plan", "form-04")):  # fmt: skip
        requirement = DocumentRequirement.objects.create(program=program, order=order, code=code, name_zh=zh,
                                                         name_en=en)  # fmt: skip
        online_forms.set_online_form(actor=office, requirement=requirement, form=form)
        items.append(requirement)
    return ApplicationFactory(program=program), items


def item_region(page, requirement):
    name = pick(requirement.name_zh, requirement.name_en, LANGUAGE)
    return page.get_by_role("main").get_by_role("region", name=re.compile(rf"^{re.escape(name)}(\s|$)"))


def fill_link(number: str) -> str:
    with translation.override(LANGUAGE):
        return translation.gettext("Fill in %(form)s online") % {"form": translation.gettext(number)}


def expect_saved(page) -> None:
    """The status region names the time of the save (templates escape "%" in msgids, so match the time)."""
    expect(page.get_by_role("status")).to_have_text(re.compile(r"\d\d:\d\d"))


def test_an_applicant_fills_forms_3_and_4_online_and_sees_them_as_documents(page, setup, tmp_path):
    application, (autobiography, plan) = setup
    sign_in(page, application.applicant.email)
    page.goto(f"/me/applications/{application.pk}/documents/")
    check_a11y(page, "online-forms-01-items")
    item_region(page, autobiography).get_by_role("link", name=fill_link("Form 3")).click()

    # The profile's school is already in; the essay is typed with the keyboard (Tab from the school field).
    school = page.get_by_label(label_re(_("School attended")))
    expect(school).to_have_value(application.applicant.profile.school)
    check_a11y(page, "online-forms-02-form-3")
    school.focus()
    page.keyboard.press("Tab")
    essay = page.get_by_label(label_re(_("Autobiography")))
    expect(essay).to_be_focused()
    page.keyboard.type(AUTOBIOGRAPHY)
    expect_saved(page)
    assert FormDraft.objects.get(requirement=autobiography).data["text"] == AUTOBIOGRAPHY

    # A second tab saves the draft; the first tab, typing on, is told and keeps its text.
    second = page.context.new_page()
    second.goto(page.url)
    second_essay = second.get_by_label(label_re(_("Autobiography")))
    expect(second_essay).to_have_value(AUTOBIOGRAPHY)
    second_essay.press("Control+End")
    second_essay.type("（第二個分頁）")
    expect_saved(second)
    essay.press("Control+End")
    essay.type("第一個分頁繼續寫。")
    expect(page.locator("#draft-conflict")).to_be_visible()
    expect(page.locator("#draft-conflict")).to_contain_text(
        _("This form was saved in another tab or window since you opened it. Your text is still on this page and "
          "was not saved: copy what you need, or save it over the other version.")[:20]
    )  # fmt: skip
    expect(essay).to_have_value(AUTOBIOGRAPHY + "第一個分頁繼續寫。")
    assert FormDraft.objects.get(requirement=autobiography).data["text"].endswith("（第二個分頁）")
    check_a11y(page, "online-forms-03-conflict")
    page.get_by_role("button", name=_("Save this page's text over it")).click()
    expect(page.locator("#draft-conflict")).to_be_hidden()
    expect_saved(page)
    second.close()

    # Submitted with the keyboard.
    submit = page.get_by_role("button", name=_("Submit the form as this item's document"))
    submit.focus()
    page.keyboard.press("Enter")
    # The first PDF of a fresh process loads WeasyPrint and may build the prepared font: a few seconds.
    expect(page).to_have_url(re.compile(rf"/me/applications/{application.pk}/documents/$"), timeout=RENDER_MS)
    region = item_region(page, autobiography)
    expect(region).to_contain_text(_("Done"))
    expect(region.get_by_role("link", name="附件三-個人自傳.pdf")).to_be_visible()
    expect(region).to_contain_text(_("filled in online"))

    # 附件四: four headings, each required.
    item_region(page, plan).get_by_role("link", name=fill_link("Form 4")).click()
    for label, text in PLAN.items():
        page.get_by_label(label_re(_(label))).fill(text)
    expect_saved(page)
    check_a11y(page, "online-forms-04-form-4")
    page.get_by_role("button", name=_("Submit the form as this item's document")).click()
    region = item_region(page, plan)
    expect(region.get_by_role("link", name="附件四-讀書計畫.pdf")).to_be_visible(timeout=RENDER_MS)
    check_a11y(page, "online-forms-05-items-done")

    # The applicant opens the PDF from the page (served by the documents app) and it is the brochure's form.
    documents = {d.form: d for d in Document.objects.filter(application=application, is_current=True)}
    assert set(documents) == {"form-03", "form-04"}
    response = page.request.get(f"/me/documents/{documents['form-03'].pk}/")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    for form, document in documents.items():
        path = tmp_path / f"{form}.pdf"
        path.write_bytes(document.file.read())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        text = text.replace("\n", "")
        expected = "第一個分頁繼續寫" if form == "form-03" else PLAN["Study plan"][:8]
        assert expected in text, text[:500]
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(tmp_path / form)],
                       check=True, timeout=60)  # fmt: skip
        png = next(tmp_path.glob(f"{form}-*.png"))
        with Image.open(png) as image:
            assert sum(image.convert("L").histogram()[:200]) > 2000, f"{form} renders blank"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, SCREENSHOTS / f"online-forms-pdf-{form}.png")
