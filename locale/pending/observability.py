"""zh-Hant translations of the monitoring and fault strings (503 page, storage failures), for the catalogue."""

T = {
    "Temporarily unavailable": "暫時無法使用",
    "The portal is temporarily unavailable": "系統暫時無法使用",
    "We could not reach our database, so nothing from your last step was saved. Wait a minute and try again; if "
    "you were sending a form, send it again.": "系統暫時無法連線至資料庫，您剛才的操作未被儲存。"
    "請稍候一分鐘再試一次；如果您剛才正在送出表單，請再送出一次。",
    "If it keeps happening, contact the admissions office.": "如問題持續發生，請與招生組聯絡。",
    "The server could not store your file right now. Your previous file is kept; please try again in a few "
    "minutes, and contact the admissions office if it keeps happening.": "伺服器目前無法儲存您的檔案，"
    "您先前上傳的檔案仍然保留；請於幾分鐘後再試一次，如問題持續發生，請與招生組聯絡。",
}
P = {}
