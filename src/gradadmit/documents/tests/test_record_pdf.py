"""附件二 學經歷表 as printed: the brochure's one A4 page when every row is filled, whole when longer."""

import io

import pikepdf
import pytest

from gradadmit.core import formspec
from gradadmit.documents import online_forms
from gradadmit.documents.brochure_forms import FORM_2
from gradadmit.testing.factories import ApplicationFactory
from gradadmit.testing.files import pdf_text
from gradadmit.testing.forms import filled_form_2

pytestmark = pytest.mark.django_db


def render(application, answers: dict) -> bytes:
    form = FORM_2.form_class()(answers)
    assert form.is_valid(), form.errors  # answers the page would accept
    return online_forms.render_form(spec=FORM_2, application=application, profile=application.applicant.profile,
                                    answers=form.answers())  # fmt: skip


def pages(data: bytes) -> list:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [[float(n) for n in page.mediabox] for page in pdf.pages]


def test_every_row_filled_prints_on_one_a4_page_as_the_brochure_lays_it_out(tmp_path):
    application = ApplicationFactory(identity="in_service")
    data = render(application, filled_form_2())
    assert len(pages(data)) == 1 and pages(data)[0] == pytest.approx([0, 0, 595.28, 841.89], abs=0.5)  # A4
    printed = pdf_text(data, tmp_path)
    assert "107年9月–111年6月" in printed  # 修業起訖年月: one column, as on the brochure
    assert "■在職生" in printed and "□一般生" in printed
    for row in range(1, 6):
        assert f"以深度學習預測區域電網負載之研究（第 {row} 部）" in printed


def test_answers_at_every_maximum_run_on_to_further_pages_with_nothing_cut(tmp_path):
    answers = {f.name: "2024-05" if f.kind == formspec.MONTH else "測" * f.max_length for f in FORM_2.fields}
    data = render(ApplicationFactory(), answers)
    assert len(pages(data)) > 1
    typed = sum(f.max_length for f in FORM_2.fields if f.kind != formspec.MONTH)
    assert pdf_text(data, tmp_path).count("測") == typed  # every character of every answer is printed
