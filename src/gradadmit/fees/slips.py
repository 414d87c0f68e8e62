"""The printable payment slip (繳款單): a one-page PDF in Chinese with English, rendered on demand."""

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.core.rocdate import format_roc_date, format_roc_datetime
from gradadmit.fees.virtual_accounts import format_for_reading


def slip_context(charge, application, bank) -> dict:
    from gradadmit.core.pdf import qr_svg_data_uri

    account = charge.current_accounts[0]
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    cycle = application.program.cycle
    return {
        "charge": charge,
        "application": application,
        "cycle": cycle,
        "institution": cycle.institution_zh,
        "profile": profile,
        "bank": bank,
        "account": account.number,
        "account_grouped": format_for_reading(account.number),
        "qr": qr_svg_data_uri(account.number),
        "due_roc": format_roc_datetime(charge.due_at),
        "due_day_roc": format_roc_date(charge.due_at),
        "printed_roc": format_roc_date(clock.now()),  # the day, so a slip printed again that day is the same PDF
    }


SLIP_CACHE_SECONDS = 6 * 3600  # applicants print and reprint the slip; a changed charge is a new document


def render_slip(charge, application, bank) -> bytes:
    from gradadmit.core.pdf import render_pdf

    context = slip_context(charge, application, bank)
    return render_pdf("fees/slip.html", context, language="zh-hant", cache_seconds=SLIP_CACHE_SECONDS)


def slip_filename(charge) -> str:
    return f"payment-slip-{charge.application_id}-{charge.item.code}.pdf"
