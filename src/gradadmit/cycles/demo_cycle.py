"""The demo cycle and its calendar, from the 建國科技大學 109學年度碩士班甄試入學招生簡章 (plain data, no ORM; the
rest of the demo data, which gives these names too, is cycles/demo_data.py)."""

# --- Cycle -------------------------------------------------------------------
CYCLE = {
    "code": "109-master-recommend",
    "name_zh": "109學年度碩士班甄試入學招生",
    "name_en": "2020 Master's Programmes Admission by Recommendation and Screening",
    "academic_year": 109,
    "institution_zh": "建國科技大學",
    "institution_en": "Chienkuo Technology University",
    "application_fee": 900,
}

# 伍.一.4: the university's own graduating students pay NT$600. Cycle has no field for it,
# so the loader only repeats it in the application milestone's note.
FEE_OWN_GRADUATES = 600

# --- Calendar ----------------------------------------------------------------
# Offsets in days from the opening of online application, 108/11/7 (day 0), with local
# (Asia/Taipei) times of day, so the loader can move the whole calendar without changing
# the brochure's gaps. Brochure dates are given in comments.
# Times the brochure does not state are office hours (09:00-17:00) or end of day (23:59).
MILESTONES = [
    {
        # 108/10/18 簡章公告
        "kind": "announcement",
        "scope": "all",
        "start": (-20, "09:00"),
        "end": None,
        "note_zh": "簡章一律由本校網頁【招生資訊】下載，不另發售紙本。",
        "note_en": "The brochure is published on the university website only; no printed copies are sold.",
    },
    {
        # 108/11/7 09:00 - 108/11/19 23:00 (附錄一): applicants under article 7 of the equivalence standards
        "kind": "application",
        "scope": "article7",
        "start": (0, "09:00"),
        "end": (12, "23:00"),
        "note_zh": (
            "以入學大學同等學力認定標準第七條（就專業領域具卓越成就表現者）報考者適用，須同時提出佐證文件。"
            f"報名費新臺幣{CYCLE['application_fee']}元，本校應屆畢業生{FEE_OWN_GRADUATES}元。"
        ),
        "note_en": (
            "For applicants under Article 7 of the equivalence standards (outstanding professional achievement), "
            f"who must submit their supporting evidence in this window. Fee NT${CYCLE['application_fee']}, "
            f"NT${FEE_OWN_GRADUATES} for this university's graduating students."
        ),
    },
    {
        # 108/11/7 09:00 - 108/12/3 23:00 (附錄一): everyone else
        "kind": "application",
        "scope": "all",
        "start": (0, "09:00"),
        "end": (26, "23:00"),
        "note_zh": (
            f"一般學力暨其他同等學力報考者適用。報名費新臺幣{CYCLE['application_fee']}元，"
            f"本校應屆畢業生{FEE_OWN_GRADUATES}元；低收入戶考生全免、中低收入戶考生減免60%（附件八）。"
        ),
        "note_en": (
            f"For applicants with a degree or another equivalent qualification. Fee NT${CYCLE['application_fee']}, "
            f"NT${FEE_OWN_GRADUATES} for this university's graduating students; waived for low-income and "
            "reduced by 60% for lower-middle-income households (Form 8)."
        ),
    },
    {
        # 108/11/7 - 108/11/19: article-7 evidence is part of completing the application (伍.二.2.(4))
        "kind": "documents",
        "scope": "article7",
        "start": (0, "09:00"),
        "end": (12, "23:00"),
        "note_zh": "第七條報考者須於此期限內繳交專業領域卓越成就之佐證文件。",
        "note_en": "Article 7 applicants must upload the evidence of their professional achievement by this date.",
    },
    {
        # 108/11/7 - 108/12/3: documents are mailed with the application form
        "kind": "documents",
        "scope": "all",
        "start": (0, "09:00"),
        "end": (26, "23:00"),
        "note_zh": "各研究所指定繳交資料須與報名表件一併繳交。",
        "note_en": "Each programme's required documents are due with the application.",
    },
    {
        # 伍.二.6.(2): recommenders may send letters themselves until 108/12/3
        "kind": "recommendations",
        "scope": "all",
        "start": (0, "09:00"),
        "end": (26, "23:00"),
        "note_zh": "推薦函為選繳，須使用附件五格式，推薦人亦可於報名截止前逕寄。",
        "note_en": "Letters are optional and use Form 5; recommenders may also send them directly by the deadline.",
    },
    {
        # 108/11/26 - 108/11/27 審議小組審核作業; the brochure gives no hours
        "kind": "committee_review",
        "scope": "article7",
        "start": (19, "09:00"),
        "end": (20, "17:00"),
        "note_zh": "入學大學同等學力採認審議小組審核第七條報考者資格（附錄三）。",
        "note_en": "The equivalence committee reviews the eligibility of Article 7 applicants (Appendix 3).",
    },
    {
        # 108/12/10 15:00 完成報名資格審核暨公佈通過初試考生名單
        "kind": "eligibility_result",
        "scope": "all",
        "start": (33, "15:00"),
        "end": None,
        "note_zh": "公布通過初試名單及複試時間、地點，不另寄發紙本通知。",
        "note_en": "The stage-1 pass list with interview times and places is published online; no letters are sent.",
    },
    {
        # 108/12/14 複試 at each institute; hours are set per programme
        "kind": "interview",
        "scope": "all",
        "start": (37, "09:00"),
        "end": (37, "17:00"),
        "note_zh": "於各研究所舉行，請攜帶國民身分證、駕照或附有相片之證件應試。",
        "note_en": "Held at each institute; bring your national ID card, driving licence or another photo ID.",
    },
    {
        # 108/12/17 15:00 網路查詢成績
        "kind": "score_release",
        "scope": "all",
        "start": (40, "15:00"),
        "end": None,
        "note_zh": "下午15:00開放網路查詢成績。",
        "note_en": "Scores can be looked up online from 15:00.",
    },
    {
        # 108/12/18 09:00-12:00 複查成績
        "kind": "regrade",
        "scope": "all",
        "start": (41, "09:00"),
        "end": (41, "12:00"),
        "note_zh": "填具成績複查申請表（附件九）提出，複查費新臺幣50元。",
        "note_en": "Submit the regrade request (Form 9); the fee is NT$50.",
    },
    {
        # 108/12/20 15:00 錄取榜單公告
        "kind": "results",
        "scope": "all",
        "start": (43, "15:00"),
        "end": None,
        "note_zh": "錄取榜單公告於本校網頁【招生資訊】，並個別寄發錄取通知。",
        "note_en": "Results are published on the university website and each admitted applicant is notified.",
    },
    {
        # 附錄五 第四條: within 10 days of the results (拾壹.七: by 108/12/30, postmark)
        "kind": "appeal",
        "scope": "all",
        "start": (43, "15:00"),
        "end": (53, "23:59"),
        "note_zh": "填具考生申訴書（附件十一），於放榜日起十日內以書面提出。",
        "note_en": "File the appeal form (Form 11) in writing within ten days of the results.",
    },
    {
        # 108/12/31 09:00-12:00, 14:00-17:00 正取生報到
        "kind": "checkin",
        "scope": "all",
        "start": (54, "09:00"),
        "end": (54, "17:00"),
        "note_zh": "09:00-12:00、14:00-17:00向教務處招生組辦理報到（含通信報到，以郵戳為憑）。",
        "note_en": "Check in at the admissions section 09:00-12:00 or 14:00-17:00 (by post: postmark date counts).",
    },
    {
        # 玖.四: waitlist promotion 109/1/7 - 109/2/15
        "kind": "waitlist_promotion",
        "scope": "all",
        "start": (61, "09:00"),
        "end": (100, "23:59"),
        "note_zh": "報到不足額時，由教務處招生組依序通知備取生遞補。",
        "note_en": "Where places remain after check-in, the admissions section calls waitlisted applicants in order.",
    },
]
