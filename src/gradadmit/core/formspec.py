"""A printed form of the brochure as a declaration: fields (labels in Chinese and English, lengths, required),
layout (sections, tables of rows, printed text), and the template its PDF is rendered with (core.pdf).

One mechanism for every online form: the recommender's 附件五 (recommendations.letterform) and the applicant's
附件一–四 and 六 (documents.brochure_forms). From a FormSpec come the Django form the page shows, the draft cleaner
(drafts are saved unvalidated, only the declared fields, bounded by their lengths), the answers arranged for print
in both languages, and the PDF.

Answers are plain strings keyed by field name (JSON in drafts and submissions). A Table of N rows declares its
columns once; its fields are named `<table>_<row>_<column>` (row from 1).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django import forms
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gradadmit.core.widgets import FastSelect

TEXT, TEXTAREA, DATE, MONTH, SELECT, RADIO = "text", "textarea", "date", "month", "select", "radio"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
NO_SIGNATURE, SIGNED_BY_APPLICANT, SIGNED_BY_EMPLOYER = "", "applicant", "employer"


@dataclass(frozen=True)
class Choice:
    key: str
    zh: str
    en: str  # English label, translated through gettext on the page


@dataclass(frozen=True)
class Field:
    """One answer. `prefill` names a value the caller offers (e.g. "school" from the profile) as the initial value."""

    name: str
    zh: str
    en: str
    kind: str = TEXT
    max_length: int = 100
    required: bool = False
    choices: tuple[Choice, ...] = ()
    help: str = ""
    prefill: str = ""
    rows: int = 3
    blank_label: str = ""  # SELECT: the label of the empty choice

    def choice(self, key):
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Table:
    """Up to `rows` rows of the same columns (學歷: three degrees). A row is required only when it is the first row of
    a required table; in any row that is started, the required columns must be filled."""

    name: str
    zh: str
    en: str
    columns: tuple[Field, ...]
    rows: int
    required: bool = False
    help: str = ""  # shown on the page
    hint_zh: str = ""  # the brochure's instruction printed with the table (請依序填寫三個最高學歷)

    def cell(self, row: int, column: Field) -> Field:
        return Field(
            name=f"{self.name}_{row}_{column.name}",
            zh=column.zh,
            en=format_lazy("{table} {row}: {column}", table=self.en, row=row, column=column.en),
            kind=column.kind,
            max_length=column.max_length,
            required=False,  # checked per started row in FormSpec.check
            choices=column.choices,
            help=column.help,
            prefill=column.prefill if row == 1 else "",  # the profile knows one school, one employer
            rows=column.rows,
            blank_label=column.blank_label,
        )

    def row_fields(self, row: int) -> list[Field]:
        return [self.cell(row, column) for column in self.columns]


@dataclass(frozen=True)
class Note:
    """Printed text of the form (the undertaking of 附件一, the employer's guarantee of 附件六)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Section:
    zh: str
    en: str
    items: tuple = ()
    hint_zh: str = ""  # the brochure's suggested contents, shown on the page and printed
    hint_en: str = ""


@dataclass(frozen=True)
class Fact:
    """A value printed from the application, not typed (姓名, 甄試所別): `key` in the context's facts."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class FormSpec:
    key: str
    number_zh: str  # 附件三
    number_en: str  # Form 3
    title_zh: str
    title_en: str
    sections: tuple[Section, ...]
    facts: tuple[Fact, ...] = ()
    signature: str = NO_SIGNATURE  # not empty: the portal prints the form to sign and the signed scan is uploaded
    signature_zh: str = ""  # the signature line as printed (立切結書人：＿＿（簽名）)
    pdf_template: str = "pdf/form.html"
    notes_zh: tuple[str, ...] = ()  # the brochure's remarks under the form
    arrange: Callable | None = None  # answers -> the template's "form", when the template has its own arrangement
    rules: tuple[Callable, ...] = ()  # answers -> {field name: message}: checks across fields (a date if "delayed")
    paste_boxes: tuple[tuple[str, str], ...] = ()  # (zh, en) empty boxes printed to paste a copy in (學生證影本)

    # --- fields ------------------------------------------------------------------------------------------------

    @cached_property
    def fields(self) -> list[Field]:
        """Every answer field in layout order, table cells expanded."""
        result = []
        for section in self.sections:
            for item in section.items:
                if isinstance(item, Field):
                    result.append(item)
                elif isinstance(item, Table):
                    for row in range(1, item.rows + 1):
                        result.extend(item.row_fields(row))
        return result

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def needs_signature(self) -> bool:
        return bool(self.signature)

    def initial(self, prefill: dict, draft: dict | None = None) -> dict:
        """The page's initial values: what the caller knows (profile, application), then the saved draft over it."""
        values = {
            f.name: prefill[f.prefill] for f in self.fields if f.prefill and prefill.get(f.prefill) not in (None, "")
        }
        values.update(draft or {})
        return values

    def clean_draft(self, data) -> tuple[dict, dict]:
        """(draft, errors): the declared fields only, as strings; a value over its field's length is an error, never
        cut silently (the page keeps what was typed and says which field is too long)."""
        draft, errors = {}, {}
        for f in self.fields:
            value = data.get(f.name)
            if value in (None, ""):
                continue
            value = normalise(str(value))
            if len(value) > f.max_length:
                errors[f.name] = too_long_message(f, len(value))
                continue
            draft[f.name] = value
        return draft, errors

    # --- the Django form ---------------------------------------------------------------------------------------

    def form_class(self, base=forms.Form) -> type[forms.Form]:
        """A Django form with one form field per declared field (labels in the active language, the brochure's
        lengths as maxlength), checking required fields, formats and started table rows."""
        spec = self
        attrs = {name: form_field(f) for name, f in self.by_name.items()}

        def clean(form):
            data = base.clean(form)
            spec.check(form, data)
            return data

        attrs["clean"] = clean
        attrs["spec"] = spec
        attrs["answers"] = lambda form: spec.answers(form.cleaned_data)
        return type(f"{self.key.title().replace('-', '')}Form", (base,), attrs)

    def check(self, form, data):
        for rule in self.rules:
            for name, message in rule(data).items():
                if name not in form.errors:
                    form.add_error(name, message)
        for section in self.sections:
            for item in section.items:
                if not isinstance(item, Table):
                    continue
                for row in range(1, item.rows + 1):
                    cells = item.row_fields(row)
                    started = any(data.get(cell.name) for cell in cells) or (row == 1 and item.required)
                    if not started:
                        continue
                    for column, cell in zip(item.columns, cells, strict=True):
                        if column.required and not data.get(cell.name) and cell.name not in form.errors:
                            form.add_error(cell.name, _("Fill this in for this row (or leave the whole row empty)."))

    def answers(self, cleaned: dict) -> dict:
        return {f.name: cleaned[f.name] for f in self.fields if cleaned.get(f.name) not in (None, "")}

    def layout(self, form, facts: dict | None = None):
        """Sections with their bound fields, tables as rows of bound fields, notes (facts filled in): for the page."""
        facts = _Blank(facts or {})
        result = []
        for section in self.sections:
            items = []
            for item in section.items:
                if isinstance(item, Field):
                    items.append({"field": form[item.name]})
                elif isinstance(item, Table):
                    rows = [[form[cell.name] for cell in item.row_fields(row)] for row in range(1, item.rows + 1)]
                    items.append({"table": item, "rows": rows})
                else:
                    items.append({"note": {"zh": item.zh.format_map(facts), "en": str(item.en).format_map(facts)}})
            result.append({"section": section, "items": items})
        return result

    # --- print --------------------------------------------------------------------------------------------------

    def printable(self, answers: dict, facts: dict | None = None) -> list[dict]:
        """The answers arranged for the PDF, section by section, every label and choice in both languages.
        A note's text may name facts ({name}, {program}); they are filled in from `facts`."""
        known = _Blank(facts or {})
        result = []
        for section in self.sections:
            items, pairs = [], []
            for item in section.items:
                if isinstance(item, Field):
                    entry = {"zh": item.zh, "en": str(item.en), "value": shown(item, answers.get(item.name, "")),
                             "long": item.kind == TEXTAREA}  # fmt: skip
                    if item.kind == RADIO:
                        entry["choices"] = [
                            {"zh": c.zh, "en": str(c.en), "chosen": answers.get(item.name) == c.key}
                            for c in item.choices
                        ]
                    if entry["long"] or "choices" in entry:
                        if pairs:
                            items.append({"facts": pairs})
                            pairs = []
                        items.append({"field": entry})
                    else:
                        pairs.append(entry)
                    continue
                if pairs:
                    items.append({"facts": pairs})
                    pairs = []
                if isinstance(item, Table):
                    rows = []
                    for row in range(1, item.rows + 1):
                        cells = item.row_fields(row)
                        rows.append([shown(cell, answers.get(cell.name, "")) for cell in cells])
                    items.append({"table": {"name": item.name, "zh": item.zh, "en": str(item.en), "rows": rows,
                                            "hint_zh": item.hint_zh, "help": str(item.help),
                                            "columns": [{"name": c.name, "zh": c.zh, "en": str(c.en)}
                                                        for c in item.columns]}})  # fmt: skip
                else:
                    items.append({"note": {"zh": item.zh.format_map(known), "en": str(item.en).format_map(known)}})
            if pairs:
                items.append({"facts": pairs})
            result.append({"zh": section.zh, "en": str(section.en), "hint_zh": section.hint_zh,
                           "hint_en": str(section.hint_en), "items": items})  # fmt: skip
        return result

    def render_pdf(self, *, answers: dict, context: dict, language: str = "zh-hant") -> bytes:
        """The filled form as a PDF through the shared renderer (core.pdf), in the brochure's layout."""
        from gradadmit.core.pdf import render_pdf

        facts = context.get("facts", {})
        with translation.override("en"):  # the English line under each Chinese label, as 附件五 prints it
            form = self.arrange(answers) if self.arrange else self.printable(answers, facts)
            fact_rows = [{"zh": f.zh, "en": str(f.en), "value": facts.get(f.key, "")} for f in self.facts]
            english = {"title_en": str(self.title_en), "number_en": str(self.number_en)}
        return render_pdf(
            self.pdf_template,
            {
                **context,
                "spec": self,
                "form": form,
                "answers": answers,
                "fact_rows": fact_rows,
                "english": english,
            },
            language=language,
        )


# --- helpers ------------------------------------------------------------------------------------------------------


class _Blank(dict):
    def __missing__(self, key):
        return "＿＿＿＿"


def normalise(value: str) -> str:
    """Line ends as one character (browsers count a typed line end as one, but send CR LF)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def too_long_message(f: Field, length: int) -> str:
    return _("%(field)s is %(length)d characters long; at most %(limit)d are allowed. Shorten it.") % {
        "field": f.en,
        "length": length,
        "limit": f.max_length,
    }


def shown(f: Field, value: str) -> str:
    """A value as printed: a choice by its labels, others as typed."""
    if f.choices and value:
        choice = f.choice(value)
        return f"{choice.zh} {choice.en}" if choice else value
    if f.kind == DATE and DATE_RE.match(value):  # printed in the brochure's ROC dates
        year, month, day = (int(part) for part in value.split("-"))
        return f"{year - 1911}年{month}月{day}日" if year > 1911 else value
    if f.kind == MONTH and MONTH_RE.match(value):
        year, month = (int(part) for part in value.split("-"))
        return f"{year - 1911}年{month}月"
    return value


class FormCharField(forms.CharField):
    """A text answer: CR LF counted as one character, as the browser's maxlength counts it."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if isinstance(value, str) else value


def form_field(f: Field) -> forms.Field:
    common = {"label": f.en, "required": f.required, "help_text": f.help}
    if f.kind in (SELECT, RADIO):
        choices = [(c.key, c.en) for c in f.choices]
        if f.kind == SELECT:
            choices = [("", f.blank_label or "—"), *choices]
            return forms.ChoiceField(choices=choices, widget=FastSelect, **common)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if f.kind == TEXTAREA:
        widget = forms.Textarea(attrs={"rows": f.rows, "maxlength": f.max_length})
    elif f.kind == DATE:
        widget = forms.TextInput(attrs={"type": "date"})
    elif f.kind == MONTH:
        widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    else:
        widget = forms.TextInput()
    validators = []
    if f.kind == DATE:
        validators.append(_check_date)
    elif f.kind == MONTH:
        validators.append(_check_month)
    return FormCharField(max_length=f.max_length, widget=widget, validators=validators, **common)


def _check_date(value):
    try:
        if not DATE_RE.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(_("Give the date as YYYY-MM-DD, e.g. 2024-06-30.")) from None


def _check_month(value):
    if not MONTH_RE.match(value):
        raise forms.ValidationError(_("Give the year and month as YYYY-MM, e.g. 2023-09."))
