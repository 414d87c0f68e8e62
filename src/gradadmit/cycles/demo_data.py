"""Demo data transcribed from the 建國科技大學 109學年度碩士班甄試入學招生簡章 (plain data, no ORM)."""

from decimal import Decimal

# The cycle and its calendar are in cycles/demo_cycle.py; the loader reads them from here, with the rest.
from gradadmit.cycles.demo_cycle import CYCLE, FEE_OWN_GRADUATES, MILESTONES  # noqa: F401

# --- Downloadable forms (附件) -------------------------------------------------
FORMS = [
    {
        "code": "form-01",
        "title_zh": "學歷證明切結書（附件一）",
        "title_en": "Declaration on Missing Proof of Education (Form 1)",
    },
    {"code": "form-02", "title_zh": "學經歷表（附件二）", "title_en": "Education and Experience Record (Form 2)"},
    {"code": "form-03", "title_zh": "個人自傳（附件三）", "title_en": "Autobiography (Form 3)"},
    {"code": "form-04", "title_zh": "讀書計畫（附件四）", "title_en": "Study Plan (Form 4)"},
    {"code": "form-05", "title_zh": "推薦函（附件五）", "title_en": "Letter of Recommendation (Form 5)"},
    {
        "code": "form-06",
        "title_zh": "服務年資證明書（在職生）（附件六）",
        "title_en": "Certificate of Service (In-service Applicants) (Form 6)",
    },
    {
        "code": "form-07",
        "title_zh": "身心障礙考生需求表（附件七）",
        "title_en": "Accommodation Request for Applicants with Disabilities (Form 7)",
    },
    {
        "code": "form-08",
        "title_zh": "考生報名費優待申請表（附件八）",
        "title_en": "Application Fee Reduction Request (Form 8)",
    },
    {"code": "form-09", "title_zh": "成績複查申請表（附件九）", "title_en": "Score Regrade Request (Form 9)"},
    {
        "code": "form-10",
        "title_zh": "錄取生放棄錄取資格聲明書（附件十）",
        "title_en": "Declaration Declining Admission (Form 10)",
    },
    {"code": "form-11", "title_zh": "考生申訴書（附件十一）", "title_en": "Applicant Appeal Form (Form 11)"},
]

# --- Texts shared by every programme (陸, 柒, 玖 of the brochure) --------------
ELIGIBILITY_GENERAL_ZH = (
    "一般生：教育部認可之國內外大學或獨立學院相關學系畢業獲有學士學位（含應屆畢業生）或具同等學力者。"
)
ELIGIBILITY_GENERAL_EN = (
    "General applicants: a bachelor's degree from a relevant department of a university or college in Taiwan or "
    "abroad recognised by the Ministry of Education (graduating students included), or an equivalent qualification."
)
ELIGIBILITY_IN_SERVICE_ZH = (
    "在職生：教育部認可之國內外大學或獨立學院相關學系畢業獲有學士學位（含應屆畢業生）或具同等學力者，"
    "且服務年資連續累計滿一年以上之現職人員。"
)
ELIGIBILITY_IN_SERVICE_EN = (
    "In-service applicants: a bachelor's degree from a relevant department of a university or college in Taiwan or "
    "abroad recognised by the Ministry of Education (graduating students included), or an equivalent "
    "qualification, and currently employed with at least one year of continuous service."
)
EQUIVALENT_ZH = (
    "以同等學力報考者，請參閱簡章附錄二【入學大學同等學力認定標準】。"
    "以第七條（就專業領域具卓越成就表現者）報考者，須於第七條報名期限內提出佐證文件完成報名，"
    "並經審議小組審核（附錄三）；以此條件入學之招生人數以核定招生名額10%為原則。"
)
EQUIVALENT_EN = (
    "Applicants with an equivalent qualification: see Appendix 2 (Standards for Recognising Equivalent "
    "Qualifications for University Admission). Applicants under Article 7 (outstanding professional achievement) "
    "must complete their application with supporting evidence within the Article 7 window and are reviewed by the "
    "committee (Appendix 3); admissions on this basis are limited in principle to 10% of the approved quota."
)
FLOW_ZH = "一般生或在職生錄取名額如遇缺額，招生名額得相互流用。"
FLOW_EN = "Places left unfilled in either the general or the in-service quota may be used by the other."
METHOD_ZH = "甄試方式：初試為書面資料審查；初試通過後始得參加複試，以口試方式進行。"
METHOD_EN = (
    "Selection: stage 1 is a review of the submitted documents; applicants who pass it take stage 2, an oral interview."
)
SCORING_ZH = (
    "成績計算：書面資料審查50%、複試50%。依總分高低順序錄取，總分相同時，依口試成績高者優先錄取"
    "（口試成績亦相同時，以初試成績較高者優先）。"
)
SCORING_EN = (
    "Scoring: document review 50%, interview 50%. Applicants are admitted in order of total score; ties go to the "
    "higher interview score, then to the higher document-review score."
)

STAGE1_PASS_RULE_ZH = (
    "初試（書面資料審查）通過者始得參加複試；未通過初試者不得參加複試。"
    "通過名單於資格審查結果公告日公布，簡章未訂定通過人數或分數門檻。"
)
STAGE1_PASS_RULE_EN = (
    "Only applicants who pass stage 1 (document review) may take the stage-2 interview. The pass list is "
    "published on the eligibility-result date; the brochure sets no number or score threshold for passing."
)

# 柒.三 and each programme's 成績計算方式: 50% / 50% everywhere.
STAGES = [
    {
        "order": 1,
        "kind": "document_review",
        "weight": Decimal("0.5"),
        "notes_zh": "初試：書面資料審查，滿分100分。",
        "notes_en": "Stage 1: review of the submitted documents, out of 100.",
    },
    {
        "order": 2,
        "kind": "interview",
        "weight": Decimal("0.5"),
        "notes_zh": "複試：口試，初試通過後始得參加，滿分100分；缺考者不予錄取。",
        "notes_en": "Stage 2: oral interview for those who passed stage 1, out of 100; absence means no admission.",
    },
]


def _description(*, offers_general=True, flows=True, extra_zh="", extra_en=""):
    """The programme's 甄試辦法 condensed; every programme of this brochure uses the same rules."""
    zh = [ELIGIBILITY_GENERAL_ZH] if offers_general else []
    en = [ELIGIBILITY_GENERAL_EN] if offers_general else []
    zh += [ELIGIBILITY_IN_SERVICE_ZH, EQUIVALENT_ZH]
    en += [ELIGIBILITY_IN_SERVICE_EN, EQUIVALENT_EN]
    if flows:
        zh.append(FLOW_ZH)
        en.append(FLOW_EN)
    zh += [METHOD_ZH, SCORING_ZH]
    en += [METHOD_EN, SCORING_EN]
    if extra_zh:
        zh.append(extra_zh)
        en.append(extra_en)
    return "\n".join(zh), "\n".join(en)


# --- Document items ----------------------------------------------------------
MAX_SIZE_MB = 5

# Items every programme asks for through 伍.二 (報名應備文件), before the programme's own list.
PHOTO = {
    "code": "photo",
    "name_zh": "二吋照片",
    "name_en": "Passport-style photo (2-inch)",
    "instructions_zh": "報名表須貼妥二吋照片一張：請上傳照片檔（JPEG 或 PNG）。",
    "instructions_en": "The application form carries one 2-inch photo: upload it as a JPEG or PNG file.",
    "mandatory": True,
    "applies_to": "everyone",
    "file_kind": "photo",
    "template": None,
    "needs_initial_check": True,
}
DEGREE_PROOF = {
    "code": "degree-proof",
    "name_zh": "學歷(力)證件影本",
    "name_en": "Proof of education",
    "instructions_zh": (
        "大學畢業者繳交畢業證書影本；應屆畢業生繳交學生證正、反面影本；"
        "持國外學歷者繳交經駐外單位驗證之學歷證件及出入境證明。"
        "未能繳交者請填具附件一「學歷證明切結書」上傳。"
    ),
    "instructions_en": (
        "Graduates: a copy of the degree certificate. Graduating students: both sides of the student ID card. "
        "Foreign degrees: the certificate authenticated by a Taiwan overseas mission, with entry and exit records. "
        "If you cannot provide it yet, upload the signed declaration (Form 1)."
    ),
    "mandatory": True,
    "applies_to": "everyone",
    "file_kind": "pdf",
    "template": "form-01",
    "online_form": "form-01",  # filled in the portal (documents.online_forms)
    "needs_initial_check": True,
}
EQUIVALENT_EVIDENCE = {
    "code": "equivalent-evidence",
    "name_zh": "同等學力證明文件",
    "name_en": "Proof of equivalent qualification",
    "instructions_zh": (
        "依附錄二【入學大學同等學力認定標準】繳交下列證件影本之一：A.大學修業證明書及大學歷年成績單；"
        "B.專科畢業證書；C.國家考試及格證書；D.甲級技術士證及取得後從事相關工作三年以上之證明；"
        "E.乙級技術士證（該職類以乙級為最高級別）及取得後從事相關工作五年以上之證明；"
        "F.曾於大學校院擔任專業技術人員或於專科學校、高級中等學校擔任專業及技術教師之證明。"
        "以第七條報考者另附專業領域卓越成就之佐證文件（附錄三），須於第七條報名期限內繳交。"
    ),
    "instructions_en": (
        "One of the following, as set out in Appendix 2: (A) a university certificate of study with the full "
        "transcript; (B) a junior-college diploma; (C) a national examination certificate; (D) a Grade A technician "
        "certificate with proof of three years' related work since; (E) a Grade B technician certificate, where B is "
        "the highest grade of the trade, with proof of five years' related work since; (F) proof of service as "
        "technical staff at a university or as a professional or technical teacher at a junior college or senior "
        "high school. Article 7 applicants also upload the evidence of their professional achievement (Appendix 3) "
        "within the Article 7 window."
    ),
    "mandatory": True,
    "applies_to": "equivalent",
    "file_kind": "pdf",
    "template": None,
}


def _programme_documents(*, essays_optional=False):
    """伍.二 items plus the programme's 指定繳交書面資料 (1-6; 7, the letters, is recommendation_policy)."""
    optional_zh = "本所為選繳項目。" if essays_optional else ""
    optional_en = " Optional for this programme." if essays_optional else ""
    return [
        PHOTO,
        DEGREE_PROOF,
        EQUIVALENT_EVIDENCE,
        {
            "code": "transcript",
            "name_zh": "最高學歷歷年成績單",
            "name_en": "Transcript of highest degree",
            "instructions_zh": (
                "畢業生繳交大學或專科修業年限內歷年成績單；應屆畢業生繳交大學前三學年成績單，"
                "轉學生並附轉學前原校歷年成績單（修業四年以上之學系繳交至畢業或肄業前一學期）。"
                "符合提前畢業資格者，須由學校於成績單上註明「該生符合提前畢業標準」。"
            ),
            "instructions_en": (
                "Graduates: the full transcript of the degree. Graduating students: the first three years; transfer "
                "students add the transcript of their previous school (for programmes of more than four years, up to "
                "the last semester before graduation). Students eligible for early graduation need the school's note "
                "on the transcript saying so."
            ),
            "mandatory": True,
            "applies_to": "everyone",
            "file_kind": "pdf",
            "template": None,
        },
        {
            "code": "autobiography",
            "name_zh": "個人自傳",
            "name_en": "Autobiography",
            "instructions_zh": (
                "可使用附件三格式，內容可參酌：基本資料、家庭生活、求學過程、興趣嗜好、特殊表現、生涯規劃。"
                + optional_zh
            ),
            "instructions_en": (
                "You may use Form 3. Suggested contents: background, family, education, interests, achievements and "
                "career plans." + optional_en
            ),
            "mandatory": not essays_optional,
            "applies_to": "everyone",
            "file_kind": "pdf",
            "template": "form-03",
            "online_form": "form-03",  # filled in the portal (documents.online_forms)
        },
        {
            "code": "study-plan",
            "name_zh": "讀書計畫",
            "name_en": "Study plan",
            "instructions_zh": "可使用附件四格式，內容須包含研究興趣、報考動機、學習方向、學習計畫。" + optional_zh,
            "instructions_en": (
                "You may use Form 4. Cover your research interests, motivation for applying, intended direction of "
                "study and study plan." + optional_en
            ),
            "mandatory": not essays_optional,
            "applies_to": "everyone",
            "file_kind": "pdf",
            "template": "form-04",
            "online_form": "form-04",  # filled in the portal (documents.online_forms)
        },
        {
            "code": "cv",
            "name_zh": "學經歷表",
            "name_en": "Education and experience record",
            "instructions_zh": (
                "使用附件二格式：學歷依序填寫三個最高學歷，經歷填寫最近三個工作經歷，"
                "並列考試、著作及專利、專長及特殊表現。"
            ),
            "instructions_en": (
                "Use Form 2: your three highest degrees, your three most recent jobs, examinations passed, "
                "publications and patents, skills and achievements."
            ),
            "mandatory": True,
            "applies_to": "everyone",
            "file_kind": "pdf",
            "template": "form-02",
            "online_form": "form-02",  # filled in the portal (documents.online_forms)
        },
        {
            # Listed without 選繳, but "or other material that helps the review" cannot be demanded of an
            # applicant with no research results yet, so the loader treats it as optional.
            "code": "portfolio",
            "name_zh": "研究成果、比賽作品報告或其他有助於審查之資料",
            "name_en": "Research results, competition work or other material supporting the application",
            "instructions_zh": "研究成果、比賽作品報告或其他有助於審查之資料，請合併為一個 PDF 檔上傳。",
            "instructions_en": "Research results, competition reports or any other supporting material, as one PDF.",
            "mandatory": False,
            "applies_to": "everyone",
            "file_kind": "pdf",
            "template": None,
        },
        {
            "code": "service-certificate",
            "name_zh": "服務年資證明書",
            "name_en": "Certificate of service",
            "instructions_zh": (
                "在職生必繳。可使用附件六格式或原任職單位格式（須包含附件六所有內容並加蓋機構印信）；"
                "服務年資須連續累計一年（含）以上且現仍在職，年資自證明所載開始日期起算。"
            ),
            "instructions_en": (
                "Required of in-service applicants. Use Form 6 or your employer's own certificate with the same "
                "contents and the employer's seal; at least one year of continuous service and still employed, "
                "counted from the start date on the certificate."
            ),
            "mandatory": True,
            "applies_to": "in_service",
            "file_kind": "pdf",
            "template": "form-06",
            "online_form": "form-06",  # filled in the portal (documents.online_forms)
        },
    ]


# --- Programmes (陸) ---------------------------------------------------------
# Codes are ours: the brochure gives none. The brochure names no 備取 (waitlist) numbers for any
# programme (玖.四 only says waitlisted applicants may be listed), so every waitlist size is 0, except
# the demo's own choice for M01, the programme the demo's synthetic applicants take through results
# (cycles/demo_applicants.py): a waitlist of 3 general and 2 in-service, so promotion can be shown.
# It gives no contact emails either. Departments: a 研究所 is its own unit; the two 碩士班 belong
# to the department named in their title.
_M06_DESCRIPTION = _description(
    extra_zh="研究所網頁請用 Chrome 瀏覽。",
    extra_en="The programme website is best viewed in Chrome.",
)
_M09_DESCRIPTION = _description(offers_general=False, flows=False)

PROGRAMS = [
    {
        "code": "M01",
        "name_zh": "機電光系統研究所",
        "name_en": "Graduate Institute of Mechatronic and Optical Systems",
        "department_zh": "機電光系統研究所",
        "department_en": "Graduate Institute of Mechatronic and Optical Systems",
        "quota_general": 6,
        "quota_in_service": 2,
        "contact_name": "王曉媛 技士",
        "contact_phone": "(04)711-1111 分機 2402",
        "website": "http://ae.ctu.edu.tw/bin/home.php",
    },
    {
        "code": "M02",
        "name_zh": "電機工程研究所",
        "name_en": "Graduate Institute of Electrical Engineering",
        "department_zh": "電機工程研究所",
        "department_en": "Graduate Institute of Electrical Engineering",
        "quota_general": 4,
        "quota_in_service": 2,
        "contact_name": "劉柄供 技士",
        "contact_phone": "(04)711-1111 分機 3212",
        "website": "http://eec.ctu.edu.tw/bin/home.php",
    },
    {
        "code": "M03",
        "name_zh": "製造科技研究所",
        "name_en": "Graduate Institute of Manufacturing Technology",
        "department_zh": "製造科技研究所",
        "department_en": "Graduate Institute of Manufacturing Technology",
        "quota_general": 5,
        "quota_in_service": 1,
        "contact_name": "林金桂 技士",
        "contact_phone": "(04)711-1111 分機 3127",
        "website": "http://met.ctu.edu.tw/bin/home.php",
    },
    {
        "code": "M04",
        "name_zh": "電子工程研究所",
        "name_en": "Graduate Institute of Electronic Engineering",
        "department_zh": "電子工程研究所",
        "department_en": "Graduate Institute of Electronic Engineering",
        "quota_general": 4,
        "quota_in_service": 2,
        "contact_name": "劉瓊雯 技士",
        "contact_phone": "(04)711-1111 分機 3301",
        "website": "http://een.ctu.edu.tw",
    },
    {
        "code": "M05",
        "name_zh": "土木與防災研究所",
        "name_en": "Graduate Institute of Civil Engineering and Disaster Prevention",
        "department_zh": "土木與防災研究所",
        "department_en": "Graduate Institute of Civil Engineering and Disaster Prevention",
        "quota_general": 4,
        "quota_in_service": 3,
        "contact_name": "李文欽 技士",
        "contact_phone": "(04)711-1111 分機 3403",
        "website": "http://cet.ctu.edu.tw",
    },
    {
        "code": "M06",
        "name_zh": "空間設計系創意生活應用設計碩士班",
        "name_en": "Master's Programme in Creative Living Design, Department of Space Design",
        "department_zh": "空間設計系",
        "department_en": "Department of Space Design",
        "quota_general": 3,
        "quota_in_service": 4,
        "contact_name": "黃怡嬪 技士",
        "contact_phone": "(04)711-1111 分機 2243",
        "website": "http://proj75.ctu.edu.tw/CD_home.html",
        # 指定繳交書面資料: 個人自傳(選繳), 讀書計畫(選繳)
        "essays_optional": True,
        "description": _M06_DESCRIPTION,
    },
    {
        "code": "M07",
        "name_zh": "美容科技研究所",
        "name_en": "Graduate Institute of Beauty Science and Technology",
        "department_zh": "美容科技研究所",
        "department_en": "Graduate Institute of Beauty Science and Technology",
        "quota_general": 5,
        "quota_in_service": 4,
        "contact_name": "鄭雅云 技士",
        "contact_phone": "(04)711-1111 分機 2603",
        "website": "http://bs.ctu.edu.tw/",
    },
    {
        "code": "M08",
        "name_zh": "數位媒體設計系碩士班",
        "name_en": "Master's Programme, Department of Digital Media Design",
        "department_zh": "數位媒體設計系",
        "department_en": "Department of Digital Media Design",
        "quota_general": 4,
        "quota_in_service": 3,
        "contact_name": "黃偉筌 技士",
        "contact_phone": "(04)711-1111 分機 2352",
        "website": "http://dmd.ctu.edu.tw",
    },
    {
        "code": "M09",
        "name_zh": "服務與科技管理研究所",
        "name_en": "Graduate Institute of Service and Technology Management",
        "department_zh": "服務與科技管理研究所",
        "department_en": "Graduate Institute of Service and Technology Management",
        # In-service only; its table has no 備註3, and with one identity there is nothing to flow to.
        "quota_general": 0,
        "quota_in_service": 7,
        "quota_flows": False,
        "contact_name": "謝宜璉 技士",
        "contact_phone": "(04)711-1111 分機 3692",
        "website": "http://stm.ctu.edu.tw/bin/home.php",
        # 指定繳交書面資料: 個人自傳(選繳), 讀書計畫(選繳)
        "essays_optional": True,
        "description": _M09_DESCRIPTION,
    },
]

_DEFAULT_DESCRIPTION = _description()

# Fill in what every programme shares, so each entry above only states what the brochure varies.
for _program in PROGRAMS:
    _program.setdefault("degree", "master")
    _program.setdefault("waitlist_general", 0)
    _program.setdefault("waitlist_in_service", 0)
    _program.setdefault("quota_flows", True)
    # 伍.二.6.(2) 推薦函為選繳, on the brochure's Form 5; a letter may be the filled form or a signed PDF of it.
    _program.setdefault("recommendation_policy", "optional")
    _program.setdefault("recommendations_required", 0)
    _program.setdefault("recommendation_format", "either")
    _program.setdefault("stage1_pass_rule_zh", STAGE1_PASS_RULE_ZH)
    _program.setdefault("stage1_pass_rule_en", STAGE1_PASS_RULE_EN)
    # 玖.一: the committee sets minimum standards later; the brochure gives none.
    _program.setdefault("minimum_standard", None)
    _program.setdefault("contact_email", "")
    _program["description_zh"], _program["description_en"] = _program.pop("description", _DEFAULT_DESCRIPTION)
    _program["stages"] = STAGES
    _program["documents"] = _programme_documents(essays_optional=_program.pop("essays_optional", False))
del _program
next(p for p in PROGRAMS if p["code"] == "M01").update(waitlist_general=3, waitlist_in_service=2)
