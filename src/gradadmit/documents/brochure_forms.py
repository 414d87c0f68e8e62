"""The brochure's forms an applicant fills in the portal (附件一–四, 六), declared with core.formspec.

Content and order follow the brochure (seeds/003, 附件一–六); lengths are ours (the paper form has boxes, not
limits): a line of a table about 60 characters, an essay about two printed pages. 附件一 and 附件六 need a
signature the portal cannot give (the applicant's undertaking; the employer's signature and seal): the portal
prints them filled in, and the signed scan is uploaded to the item like any file.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gradadmit.core import formspec
from gradadmit.core.formspec import Choice, Fact, Field, FormSpec, Note, Section, Table

ESSAY_LIMIT = 4000  # characters: about two A4 pages at the PDF's size
PART_LIMIT = 1500  # characters per heading of the study plan

NAME = Fact("name", "姓名", _("Name"))
PROGRAM = Fact("program", "甄試所別", _("Programme"))
ID_NUMBER = Fact("id_number", "身分證或護照字號", _("ID or passport number"))
BIRTH_DATE = Fact("birth_date", "出生年月日", _("Date of birth"))
GENDER = Fact("gender", "性別", _("Gender"))
IDENTITY = Fact("identity", "身分別", _("Identity"))


def _month(name, zh, en, **kw):
    return Field(name, zh, en, formspec.MONTH, max_length=7, **kw)


def _when_chosen(field, value, needed, message):
    """A rule: when `field` is `value`, `needed` must be filled."""

    def rule(data):
        return {needed: str(message)} if data.get(field) == value and not data.get(needed) else {}

    return rule


# --- 附件一 學歷(力)證明切結書 ----------------------------------------------------------------------------------

FORM_1 = FormSpec(
    key="form-01",
    number_zh="附件一",
    number_en=_("Form 1"),
    title_zh="學歷(力)證明切結書",
    title_en=_("Declaration on the missing proof of education"),
    facts=(NAME, ID_NUMBER, PROGRAM),
    signature=formspec.SIGNED_BY_APPLICANT,
    signature_zh="立切結書人：＿＿＿＿＿＿＿＿（簽名）",
    sections=(
        Section("就讀學校", _("School"), (
            Field("school", "學校", _("School"), max_length=60, required=True, prefill="school"),
            Field("school_system", "年制", _("Length of the programme (e.g. 4-year)"), max_length=20),
            Field("department", "系(科)", _("Department"), max_length=60, required=True, prefill="department"),
            Field("division", "組", _("Division (if any)"), max_length=40),
            Field("schedule", "學制", _("Day or evening"), formspec.RADIO, max_length=20, required=True, choices=(
                Choice("day", "日間部", _("Day classes")),
                Choice("continuing", "進修部", _("Continuing education")),
                Choice("evening", "夜間部", _("Evening classes")),
                Choice("junior_college", "專科進修學校", _("Junior college continuing school")),
            )),
            _month("graduation", "畢業年月", _("Graduation (year and month)"), prefill="graduation"),
        )),
        Section("缺繳學歷證明原因", _("Why the proof of education is missing"), (
            Field("reason", "原因", _("Reason"), formspec.RADIO, max_length=20, required=True, choices=(
                Choice("graduating", "應屆畢業生", _("Graduating this year")),
                Choice("delayed", "延畢", _("Graduation delayed")),
                Choice("lost", "遺失補辦中", _("Certificate lost, replacement requested")),
                Choice("other", "其它", _("Other")),
            )),
            Field("expected", "預計取得畢業證書日期", _("Expected date of the degree certificate"), formspec.DATE,
                  max_length=10, help=_("Needed when graduation is delayed.")),
            Field("other_reason", "其它原因", _("Other reason"), max_length=100,
                  help=_("Needed when the reason is “Other”.")),
        )),
        Section("填具證明", _("Undertaking"), (
            Note(
                "本人{name}參加{cycle}，因上述原由未能於報名時繳驗學歷(力)證件，切結書內容本人已詳閱，請 准予暫依"
                "畢業生資格報名；本人於報到、註冊時若未能繳交學歷(力)證書正本或符合同等學力報名資格之原學校修業證明書"
                "及歷年成績單正本，願自動放棄報到、註冊資格，且不以任何理由要求退還報名費，本人絕無異議。",
                _("I, {name}, apply to {cycle_en} and could not present my proof of education for the reason above. I "
                  "have read this declaration and ask to apply as a graduate for now. If I cannot present the original "
                  "degree certificate (or the original certificate of study and transcript proving an equivalent "
                  "qualification) at enrolment, I give up my place and will not ask for the fee back."),
            ),
            Note("此致　{institution}碩士班甄試入學招生委員會", _("To the admissions committee of {institution_en}")),
        )),
    ),
    rules=(
        _when_chosen("reason", "delayed", "expected", _("Give the expected date of the degree certificate.")),
        _when_chosen("reason", "other", "other_reason", _("Say why the proof is missing.")),
    ),
    paste_boxes=(("黏貼學生證正面影本", "Copy of the student ID card, front"),
                 ("黏貼學生證反面影本", "Copy of the student ID card, back")),
)  # fmt: skip


# --- 附件二 學經歷表 ---------------------------------------------------------------------------------------------


# The brochure prints a row's from and until months in one column (修業起訖年月): (zh, en) of that column per table.
_PERIOD_COLUMNS = {"education": ("修業起訖年月", "Period of study"), "job": ("起訖年月", "Period of employment")}


def _arrange_record(answers: dict) -> dict:
    """附件二 for its own template (documents/pdf/education_record.html), which prints it as the brochure does: one
    ruled table on one A4 page. The contact details go into the head grid with the facts (the template reads them
    from `answers`); then each table under its section's heading, its start and end months in one column as the
    brochure has them; then the free texts as labelled rows."""
    tables, texts = [], []
    for section in FORM_2.printable(answers):
        for item in section["items"]:
            if "table" in item:
                table = {**item["table"], "zh": section["zh"], "en": section["en"]}
                if table["name"] in _PERIOD_COLUMNS:
                    table = _one_period_column(table, *_PERIOD_COLUMNS[table["name"]])
                tables.append(table)
            elif "field" in item:
                texts.append(item["field"])
    return {"tables": tables, "texts": texts}


def _one_period_column(table: dict, zh: str, en: str) -> dict:
    """The table with its adjacent `start` and `end` columns printed as one `period` column ("107年9月–111年6月")."""
    names = [column["name"] for column in table["columns"]]
    at = names.index("start")
    assert names[at + 1] == "end"

    def period(start, end):
        return f"{start}–{end}" if start or end else ""

    return {
        **table,
        "columns": [*table["columns"][:at], {"name": "period", "zh": zh, "en": en}, *table["columns"][at + 2 :]],
        "rows": [[*row[:at], period(row[at], row[at + 1]), *row[at + 2 :]] for row in table["rows"]],
    }


FORM_2 = FormSpec(
    key="form-02",
    number_zh="附件二",
    number_en=_("Form 2"),
    title_zh="學經歷表",
    title_en=_("Education and experience record"),
    facts=(NAME, GENDER, IDENTITY, ID_NUMBER, BIRTH_DATE, PROGRAM),
    pdf_template="documents/pdf/education_record.html",
    arrange=_arrange_record,
    sections=(
        Section("聯絡資料", _("Contact details"), (
            Field("address", "通訊地址", _("Mailing address"), max_length=200, required=True, prefill="address"),
            Field("phone_home", "電話（宅）", _("Phone (home)"), max_length=30, prefill="phone_home"),
            Field("phone_office", "電話（公）", _("Phone (office)"), max_length=30),
            Field("phone_mobile", "行動電話", _("Mobile phone"), max_length=30, prefill="phone_mobile"),
            Field("fax", "傳真", _("Fax"), max_length=30),
        )),
        Section("學歷", _("Education"), (
            Table("education", "學歷", _("Degree"), rows=3, required=True,
                  help=_("Your three highest degrees, the highest first; say so for a degree from abroad."),
                  hint_zh="國外學歷請註明；請依序填寫三個最高學歷",
                  columns=(
                      Field("school", "學校名稱", _("School"), max_length=60, required=True, prefill="school"),
                      Field("department", "院系別", _("College and department"), max_length=60, required=True,
                            prefill="department"),
                      _month("start", "修業起", _("Studied from")),
                      _month("end", "修業訖", _("Studied until")),
                      Field("degree", "學位", _("Degree obtained"), max_length=30),
                  )),
        )),
        Section("經歷", _("Experience"), (
            Table("job", "經歷", _("Job"), rows=3, help=_("Your three most recent jobs, the latest first."),
                  hint_zh="請依序填寫最近的三個工作經歷",
                  columns=(
                      Field("employer", "服務機關名稱", _("Employer"), max_length=60, required=True,
                            prefill="employer"),
                      Field("title", "職別", _("Position"), max_length=30, prefill="job_title"),
                      Field("duties", "擔任工作", _("Duties"), max_length=60),
                      _month("start", "起", _("Worked from")),
                      _month("end", "訖", _("Worked until")),
                      Field("left", "卸職原因", _("Reason for leaving"), max_length=40),
                      Field("supervisor", "長官或主管人員", _("Supervisor"), max_length=30),
                  )),
        )),
        Section("考試", _("Examinations"), (
            Table("exam", "考試", _("Examination"), rows=3, columns=(
                Field("authority", "考試機關", _("Examining authority"), max_length=40, required=True),
                Field("subject", "種類科別", _("Kind and subject"), max_length=60),
                Field("year", "年屆", _("Year"), max_length=20),
                Field("rating_kind", "銓敘種類", _("Civil service rating: kind"), max_length=20),
                Field("certificate", "銓定證件字號", _("Rating certificate number"), max_length=40),
                Field("grade", "職等", _("Grade"), max_length=20),
                _month("rated", "銓定年月", _("Rated in")),
            )),
        )),
        Section("著作及專利", _("Publications and patents"), (
            Table("work", "著作及專利", _("Publication or patent"), rows=5, columns=(
                Field("title", "名稱", _("Title of the work"), max_length=200, required=True),
                Field("venue", "發表處", _("Published in"), max_length=100),
                _month("date", "發表年月", _("Published (year and month)")),
            )),
        )),
        Section("專長及特殊表現", _("Strengths and achievements"), (
            Field("strengths", "專長及特殊表現", _("Strengths and achievements"), formspec.TEXTAREA,
                  max_length=1000, rows=5),
            Field("other", "其他", _("Other"), formspec.TEXTAREA, max_length=1000, rows=3),
        )),
    ),
)  # fmt: skip


# --- 附件三 個人自傳, 附件四 讀書計畫 ----------------------------------------------------------------------------------

SCHOOL = Field("school", "原就讀學校", _("School attended"), max_length=60, required=True, prefill="school")

FORM_3 = FormSpec(
    key="form-03",
    number_zh="附件三",
    number_en=_("Form 3"),
    title_zh="個人自傳",
    title_en=_("Autobiography"),
    facts=(NAME, PROGRAM),
    sections=(
        Section("個人相關基本資料", _("About you"), (SCHOOL,)),
        Section(
            "自傳", _("Autobiography"),
            (Field("text", "自傳", _("Autobiography"), formspec.TEXTAREA, max_length=ESSAY_LIMIT, required=True,
                   rows=18),),
            hint_zh="本自傳下列各項內容請參酌使用，亦可自行發揮：基本資料、家庭生活、求學過程、興趣嗜好、特殊表現、生涯規劃。",
            hint_en=_("You may cover, or write freely: background, family life, education, interests, achievements, "
                      "career plans."),
        ),
    ),
)  # fmt: skip

FORM_4 = FormSpec(
    key="form-04",
    number_zh="附件四",
    number_en=_("Form 4"),
    title_zh="讀書計畫",
    title_en=_("Study plan"),
    facts=(NAME, PROGRAM),
    sections=(
        Section("個人相關基本資料", _("About you"), (SCHOOL,)),
        Section(
            "讀書計畫", _("Study plan"),
            tuple(Field(name, zh, en, formspec.TEXTAREA, max_length=PART_LIMIT, required=True, rows=6)
                  for name, zh, en in (
                      ("interests", "研究興趣", _("Research interests")),
                      ("motivation", "報考動機", _("Motivation for applying")),
                      ("direction", "學習方向", _("Intended direction of study")),
                      ("plan", "學習計畫", _("Study plan")),
                  )),
            hint_zh="本讀書計畫請包含下列各項內容：研究興趣、報考動機、學習方向、學習計畫。",
            hint_en=_("The plan must cover: research interests, motivation for applying, intended direction of study, "
                      "study plan."),
        ),
    ),
)  # fmt: skip


# --- 附件六 服務年資證明書 -------------------------------------------------------------------------------------------

FORM_6 = FormSpec(
    key="form-06",
    number_zh="附件六",
    number_en=_("Form 6"),
    title_zh="服務年資證明書",
    title_en=_("Certificate of service"),
    facts=(NAME, BIRTH_DATE, GENDER, PROGRAM),
    signature=formspec.SIGNED_BY_EMPLOYER,
    signature_zh="負責人：＿＿＿＿＿＿＿＿（簽章）　（請加蓋關防或機構印信）",
    sections=(
        Section("服務資料", _("Service"), (
            Field("organisation", "證明機構(全銜)", _("Employer (full name)"), max_length=100, required=True,
                  prefill="employer"),
            Field("unit", "服務部門", _("Unit or department at work"), max_length=60, required=True),
            Field("title", "職稱", _("Position"), max_length=40, required=True, prefill="job_title"),
            Field("start", "任職起", _("Employed since"), formspec.DATE, max_length=10, required=True),
            Field("end", "任職訖", _("Employed until"), formspec.DATE, max_length=10,
                  help=_("Leave empty if still employed.")),
            Field("status", "在職狀態", _("Employment"), formspec.RADIO, max_length=10, required=True, choices=(
                Choice("employed", "現仍在職", _("Still employed")),
                Choice("left", "現已離職", _("Has left")),
            )),
            Field("org_address", "機構地址", _("Employer's address"), max_length=200),
            Field("org_phone", "電話", _("Employer's phone"), max_length=30),
        )),
        Section("證明", _("Certification"), (
            Note("一、報名在職生工作年資須連續累計一年(含)以上，且現仍在職者。",
                 _("1. In-service applicants need at least one year of continuous service and must still be "
                   "employed.")),
            Note("二、本單位保證上表各欄所填內容均屬事實，如將來查證不符，願負一切法律責任，概無異議。",
                 _("2. We certify that the above is true and accept full legal responsibility if it is found "
                   "otherwise.")),
            Note("三、現職機構如使用本年資證明書格式，則表同意該員在職進修報名就讀本校研究所。",
                 _("3. By using this form the current employer agrees to the employee's part-time graduate "
                   "study.")),
        )),
    ),
    rules=(_when_chosen("status", "left", "end", _("Give the last day of service.")),),
)  # fmt: skip

FORMS = {spec.key: spec for spec in (FORM_1, FORM_2, FORM_3, FORM_4, FORM_6)}
CHOICES = [
    (spec.key, format_lazy("{} {} ({})", spec.number_zh, spec.title_zh, spec.title_en)) for spec in FORMS.values()
]


def form_spec(key: str) -> FormSpec | None:
    return FORMS.get(key)
