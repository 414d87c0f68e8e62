"""zh-Hant translations of the applicant search and record page, the ticket labels and the ranking preview."""

T = {
    # admission ticket labels (were English only on the Chinese ticket)
    "Interview date": "面試日期",
    "Time slot": "面試時段",
    "Rules": "應考規則",
}
