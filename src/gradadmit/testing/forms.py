"""Answers for the brochure forms, as an applicant would give them: shared by the tests and bench/bench_forms.py."""


def filled_form_2() -> dict:
    """附件二 學經歷表 with every row filled (three degrees, three jobs, three examinations, five publications),
    strengths and other, every field at a realistic length: what the brochure's one page holds."""
    answers = {
        "address": "50007 彰化縣彰化市進德路一號 國立彰化師範大學宿舍 A 棟 301 室",
        "phone_home": "04-7232105",
        "phone_office": "04-7111111 轉 1326",
        "phone_mobile": "0912-345-678",
        "fax": "04-7111112",
        "strengths": "電路設計與嵌入式系統、Python 與機器學習、電力電子實驗。\n大學專題競賽全國第一名；擔任系學會幹部兩年。"
        * 3,
        "other": "曾赴日本東北大學交換一學期，通過日語檢定 N2。",
    }
    for row, (school, department, degree) in enumerate(
        [("國立彰化師範大學", "工學院 電機工程學系", "學士"), ("國立臺中高級工業職業學校", "電機科", "高職"),
         ("日本東北大學", "工學部 電氣情報物理工學科（交換）", "—")], start=1):  # fmt: skip
        answers.update({f"education_{row}_school": school, f"education_{row}_department": department,
                        f"education_{row}_start": f"{2021 - 3 * row}-09", f"education_{row}_end": f"{2025 - 3 * row}-06",
                        f"education_{row}_degree": degree})  # fmt: skip
    for row, employer in enumerate(
        ["台灣積體電路製造股份有限公司", "中華電信股份有限公司", "建國科技大學電機系"], start=1
    ):
        answers.update({f"job_{row}_employer": employer, f"job_{row}_title": "工程師", f"job_{row}_duties": "製程整合與良率改善",
                        f"job_{row}_start": f"{2022 - row}-07", f"job_{row}_end": f"{2023 - row}-06",
                        f"job_{row}_left": "進修", f"job_{row}_supervisor": "陳主任"})  # fmt: skip
    for row in range(1, 4):
        answers.update({f"exam_{row}_authority": "考選部", f"exam_{row}_subject": "高等考試三級 電力工程",
                        f"exam_{row}_year": f"{110 + row} 年", f"exam_{row}_rating_kind": "委任",
                        f"exam_{row}_certificate": f"(113)專高字第 00{row}號", f"exam_{row}_grade": "五職等",
                        f"exam_{row}_rated": f"202{row}-03"})  # fmt: skip
    for row in range(1, 6):
        answers.update({f"work_{row}_title": f"以深度學習預測區域電網負載之研究（第 {row} 部）",
                        f"work_{row}_venue": "中華民國電力工程研討會", f"work_{row}_date": f"2024-0{row}"})  # fmt: skip
    return answers
