"""zh-Hant for the office lists and Excel exports (core.exports, core.listing)."""

T = {
    "Application number": "報名序號",
    "Virtual account": "虛擬帳號",
    "Due": "繳費期限",
    "Filled": "已錄取",
    "Excel": "Excel",
    "Export to Excel": "匯出 Excel",
    "Filter the list": "篩選清單",
    "Admitted list for the registrar (Excel)": "錄取名單（教務處，Excel）",
    "#": "#",
    "%(filter)s has no value “%(value)s”: that filter was left out. Choose a value from the list.": (
        "「%(filter)s」沒有「%(value)s」這個選項，已略過此篩選條件。請從清單中選擇。"
    ),
    "This list cannot be sorted by “%(sort)s”: it is shown in its usual order.": (
        "此清單無法依「%(sort)s」排序，已依預設順序顯示。"
    ),
}
