"""The brochure's 附件五 (recommendation form): its questions, in Chinese as printed and in English, declared as a
core.formspec.FormSpec (the same mechanism as the applicant's online forms)."""

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gradadmit.core import formspec
from gradadmit.core.formspec import Choice, Field, FormSpec, Section

# (key, Chinese label, Chinese hint, English label, English hint), in the brochure's order.
ATTRIBUTES = [
    ("analytical", "分析能力", "找出問題並組織、解決問題",
     _("Analytical ability"), _("identifies, organises and solves problems")),
    ("creativity", "創造力", "具想像力或創造技能", _("Creativity"), _("imagination or creative skill")),
    ("sensitivity", "靈敏度", "對自我與環境變化的反應",
     _("Responsiveness"), _("reacts to changes in self and surroundings")),
    ("initiative", "自發能力", "自動自發、有強烈的意願朝目標邁進",
     _("Initiative"), _("self-motivated, strong will to reach goals")),
    ("communication", "溝通能力", "能有效的書面及口頭表達",
     _("Communication"), _("expresses ideas well in writing and speech")),
    ("teamwork", "人際關係", "與團體共事的能力", _("Interpersonal skills"), _("works well with a group")),
    ("maturity", "人格成熟度", "自我認知、人格均衡發展",
     _("Maturity"), _("self-awareness, balanced personality")),
    ("integrity", "價值觀", "誠信度與社會道德", _("Values"), _("honesty and social ethics")),
    ("leadership", "領導潛能", "訂定目標、願景、正確決策能力",
     _("Leadership potential"), _("sets goals and a vision, decides soundly")),
    ("professionalism", "專業態度", "敬業精神與責任感",
     _("Professional attitude"), _("dedication and sense of responsibility")),
]  # fmt: skip
ATTRIBUTE_KEYS = [key for key, *_rest in ATTRIBUTES]

CONTACT_AREAS = [
    ("work", "工作方面", _("Work")),
    ("study", "求學方面", _("Study")),
    ("social", "社會方面", _("Social life")),
]
FREQUENCIES = [
    ("daily", "每天", _("Daily")),
    ("weekly", "每週", _("Weekly")),
    ("monthly", "每月", _("Monthly")),
    ("rarely", "很少", _("Rarely")),
    ("never", "從未", _("Never")),
]
OVERALL = [
    ("strongly", "極力推薦", _("Strongly recommend")),
    ("recommend", "推薦", _("Recommend")),
    ("reservation", "勉強推薦", _("Recommend with reservation")),
    ("not", "不推薦", _("Do not recommend")),
]

TEXT_LIMIT = 4000  # characters per free-text answer


def _contact_label(label):
    return gettext("How often in contact: %(area)s") % {"area": label}


def _month(name, label):
    return Field(name, "", label, formspec.MONTH, max_length=7, required=True, help=_("Year and month, e.g. 2023-09."))


def _text(name, label, rows):
    return Field(name, "", label, formspec.TEXTAREA, max_length=TEXT_LIMIT, rows=rows)


def clean_draft(data) -> dict:  # the letter keeps its own rule: bounded, not refused
    """Keep only the form's own fields, as bounded strings: a draft is saved unvalidated, never trusted."""
    return {name: str(data.get(name, ""))[:TEXT_LIMIT] for name in DRAFT_FIELDS if data.get(name) not in (None, "")}


def printable(answers: dict) -> dict:
    """The answers arranged for the PDF: both languages for every label and choice."""
    frequency = {key: (zh, en) for key, zh, en in FREQUENCIES}
    overall = {key: (zh, en) for key, zh, en in OVERALL}
    return {
        "known_since": answers.get("known_since", ""),
        "known_until": answers.get("known_until", ""),
        "contact": [
            {"zh": zh, "en": str(en), "choices": [
                {"zh": fzh, "en": str(fen), "chosen": answers.get(f"contact_{key}") == fkey}
                for fkey, (fzh, fen) in frequency.items()
            ]}
            for key, zh, en in CONTACT_AREAS
        ],
        "ratings": [
            {"zh": zh, "zh_hint": zh_hint, "en": str(en), "en_hint": str(en_hint),
             "value": answers.get(f"rating_{key}") or ""}
            for key, zh, zh_hint, en, en_hint in ATTRIBUTES
        ],
        "comments": answers.get("comments", ""),
        "highlights": answers.get("highlights", ""),
        "overall": [
            {"zh": zh, "en": str(en), "chosen": answers.get("overall") == key} for key, (zh, en) in overall.items()
        ],
    }  # fmt: skip


SPEC = FormSpec(
    key="form-05",
    number_zh="附件五",
    number_en=_("Form 5"),
    title_zh="推薦函",
    title_en=_("Letter of recommendation"),
    pdf_template="recommendations/pdf/letter_form.html",
    arrange=printable,
    sections=(
        Section("熟識期間", _("Period known"), (_month("known_since", _("Known since")),
                                               _month("known_until", _("Known until")))),
        Section("接觸頻率", _("How often in contact"), tuple(
            Field(f"contact_{key}", zh, lazy(_contact_label, str)(en), formspec.SELECT, max_length=10,
                  choices=tuple(Choice(*choice) for choice in FREQUENCIES), blank_label=_("— not applicable —"))
            for key, zh, en in CONTACT_AREAS
        )),
        Section("特質與能力評量", _("Ratings"), tuple(
            Field(f"rating_{key}", zh, format_lazy("{}: {}", en, en_hint), formspec.SELECT, max_length=2,
                  choices=tuple(Choice(str(n), str(n), str(n)) for n in range(1, 11)), blank_label=_("Cannot judge"))
            for key, zh, _zh_hint, en, en_hint in ATTRIBUTES
        )),
        Section("其他評語", _("Other comments"), (
            _text("comments", _("Other comments on the applicant's potential for graduate study"), 5),
            _text("highlights", _("In a few words: the applicant's most outstanding qualities"), 3),
        )),
        Section("推薦意見", _("Overall"), (
            Field("overall", "推薦意見", _("Overall"), formspec.RADIO, max_length=20, required=True,
                  choices=tuple(Choice(*choice) for choice in OVERALL)),
        )),
    ),
)  # fmt: skip
DRAFT_FIELDS = list(SPEC.by_name)
