"""zh-Hant for the second round of office lists and exports (eligibility, exams, scoring, check-in, letters)."""

T = {
    "Committee": "委員會",
    "Documents complete": "備審資料齊全",
    "Entered": "登錄時間",
    "How": "報到方式",
    "Interview starts": "面試開始",
    "Interview ends": "面試結束",
    "Not overdue": "未逾期",
    "Reviewer's score": "評分委員評分",
    "Source": "來源",
}
