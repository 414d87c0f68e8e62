"""Helpers of the mailing tests: a mailing written through the service, texts with placeholders."""

from gradadmit.mailings import services

TEXTS = {
    "subject_zh": "{program} 報名費尚未繳納",
    "subject_en": "{program}: application fee unpaid",
    "body_zh": "{name} 您好：\n您報名的{program}尚未繳費，請至 {link} 查看。",
    "body_en": "Dear {name},\nyour fee for {program} is unpaid. See {link}.",
}


def mailing_fields(cycle, program=None, **changes):
    fields = {"cycle": cycle, "program": program, **TEXTS}
    fields.update(changes)
    return fields


def write_mailing(actor, cycle, program=None, **changes):
    return services.create_mailing(actor=actor, **mailing_fields(cycle, program, **changes))


def approved_mailing(author, approver, cycle, program=None, **changes):
    """Written, submitted and approved (the sending task is queued on commit, which these tests do not run)."""
    mailing = write_mailing(author, cycle, program, **changes)
    services.submit_mailing(actor=author, mailing=mailing)
    services.approve_mailing(actor=approver, mailing=mailing)
    mailing.refresh_from_db()
    return mailing
