"""Translations of issue 19's second half (ID numbers encrypted, masking, reveal, the access log), for the lead."""

T = {
    # --- accounts ---------------------------------------------------------------------------------------------
    "This national ID number is already registered to another account.": "此身分證字號已由其他帳號登錄。",
    # --- access log (accesslog app) ---------------------------------------------------------------------------
    "Access log": "存取紀錄",
    "Opened the applicant record": "開啟考生資料頁",
    "Opened a document": "開啟備審資料",
    "Opened a recommendation letter": "開啟推薦信",
    "Opened a proof (waiver or accommodation)": "開啟證明文件（減免或應試協助）",
    "Downloaded the review packet": "下載審查資料合併檔",
    "Revealed the full ID number, birth date and phones": "顯示完整身分證字號、出生日期與電話",
    "Exported with full ID numbers": "匯出含完整身分證字號的名單",
    "when": "時間",
    "what": "存取內容",
    "detail": "細節",
    "access to personal data": "個人資料存取紀錄",
    "accesses to personal data": "個人資料存取紀錄",
    "Full identity details": "完整身分資料",
    "This view was recorded in the applicant's access log. Do not copy these numbers elsewhere.": "本次檢視已記入該考生的存取紀錄。請勿將這些號碼抄錄至他處。",
    "Home phone": "住家電話",
    "Who opened this file": "誰開啟過此考生資料",
    "Every staff view of this applicant's record, documents, letters, proofs and review packets, every reveal of the full ID number and every export with full ID numbers, newest first.": "列出工作人員每次檢視此考生的資料頁、備審資料、推薦信、證明文件與審查資料合併檔，每次顯示完整身分證字號，以及每次匯出含完整身分證字號的名單，最新的在前。",
    "What was opened": "存取內容",
    "Detail": "細節",
    "Nobody has opened this file yet.": "尚無人開啟過此考生資料。",
    # --- masking on the record and the registrar's list -------------------------------------------------------
    "Show the full ID number, birth date and phones": "顯示完整身分證字號、出生日期與電話",
    "Each use is recorded in the access log.": "每次使用都會記入存取紀錄。",
    "With full ID and phone numbers (recorded in each applicant's access log)": "含完整身分證字號與電話（記入每位考生的存取紀錄）",
}
