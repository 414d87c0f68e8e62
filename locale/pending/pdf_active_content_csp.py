"""zh-Hant for the PDF sanitiser's fail-closed refusal (issue 13)."""

T = {
    "This PDF contains scripts or attached files that could not be removed safely. Print it to a new PDF "
    "(Print, then Save as PDF) and upload that file.": "這個 PDF 含有無法安全移除的程式碼或附加檔案。請將它列印成新的 PDF"
    "（列印，再選「另存為 PDF」），然後上傳新的檔案。",
}
