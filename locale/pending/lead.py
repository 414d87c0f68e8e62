T = {
    "Database statistics": "資料庫統計資訊",
}
