"""zh-Hant translations of the cycle overview (招生概況) strings, to merge into locale/zh_Hant."""

T = {
    # office home
    "Cycle overview": "招生概況",
    "Overview": "概況",
    # the page
    "Every programme of the cycle.": "本招生考試的所有系所組別。",
    "The programmes assigned to you.": "您負責的系所組別。",
    "Active applications (withdrawn ones are not counted), by the identity they applied as. Each number opens the "
    "list behind it.": "以報名中的報名資料計算（已撤回者不計），依報考身分分列。點選數字即開啟其名單。",
    "Counted on %(at)s; the figures are counted again after a minute at most.": "統計時間：%(at)s；數字最多一分鐘後重新統計。",
    "Applications step by step": "報名進度",
    "No programme of this cycle is assigned to you.": "本招生考試沒有您負責的系所組別。",
    "* No list is filtered to exactly this step yet: the number opens the closest list, which may show more or "
    "fewer.": "* 目前沒有恰好依此步驟篩選的名單：數字開啟最接近的名單，筆數可能較多或較少。",
    "The whole cycle": "全部系所組別合計",
    "Over time": "逐日變化",
    "Compared with %(previous)s, the cycle this one was copied from, day by day from the start of each application "
    "window.": "與本招生考試所複製的%(previous)s比較，自各自報名期間的第一天起逐日對照。",
    "the same figures are in the table below.": "相同數據列於下方表格。",
    "The documents deadline is not set, or its last three days have not begun.": "尚未設定備審資料截止時間，或尚未進入截止前三天。",
    # funnel
    "Identity": "報考身分",
    "Quota": "招生名額",
    "Waitlist size": "備取名額",
    "Documents complete": "備審資料齊全",
    "Letters complete": "推薦信齊全",
    "Invited to the interview": "獲通知參加面試",
    "No letters asked": "不需推薦信",
    # charts
    "Applications per day": "每日報名件數",
    "Payments per day": "每日繳費筆數",
    "Uploads per hour before the documents deadline": "備審資料截止前每小時上傳件數",
    "Uploads": "上傳件數",
    "%(what)s: %(cycle)s (same day of its application window)": "%(what)s：%(cycle)s（報名期間的同一天）",
    "%(title)s: the figures": "%(title)s：數據",
    "Hour": "時段",
    "Day": "日期",
}
