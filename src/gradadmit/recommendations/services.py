"""Every change to recommendations: the applicant's recommenders, notices and reminders, the recommender's answers.

Recommenders have no account: their actions are authorised by the link token (resolved by the view
through selectors.request_for_token) and logged with no actor. A GET never changes anything; the
first real action (details, accept, decline, draft, letter) records that the recommender opened it.
"""

import hashlib
import io
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.core.audit import record_audit, snapshot
from gradadmit.core.deadlines import CycleCalendar, calendar_for, scope_for
from gradadmit.core.errors import DeadlinePassed, DomainError, NotOpenYet
from gradadmit.core.mail import render_bilingual, render_template_pair
from gradadmit.core.rocdate import format_for_language
from gradadmit.core.uploads import MB, check_pdf, clean_filename, store_file
from gradadmit.cycles.models import Program
from gradadmit.notifications.services import notify
from gradadmit.outbox.services import queue_email
from gradadmit.practice.services import practice_email
from gradadmit.recommendations import letterform
from gradadmit.recommendations.forms import DETAIL_FIELDS
from gradadmit.recommendations.models import RecommendationLetter, RecommendationNotice, RecommendationRequest
from gradadmit.recommendations.selectors import hash_token, letters_window

LETTER_MAX_BYTES = 10 * MB
MAX_RECOMMENDERS = 10  # per application: enough for any programme, not a mailing list
RESEND_PAUSE = timedelta(minutes=10)
REMINDERS = [(RecommendationNotice.Kind.REMINDER_1D, timedelta(days=1)),
             (RecommendationNotice.Kind.REMINDER_3D, timedelta(days=3))]  # fmt: skip
Status = RecommendationRequest.Status


# --- deadlines and tokens -------------------------------------------------------------------


def window_for(application, profile=None):
    """The letters window of this application (its cycle's calendar, the applicant's scope and extensions)."""
    if profile is None:
        profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    return letters_window(calendar_for(application.program.cycle, application.applicant), scope_for(profile))


def ensure_letters_open(application, profile=None):
    window = window_for(application, profile)
    if window is None or not window.has_started():
        raise NotOpenYet(_("Recommendation letters cannot be given yet for this cycle."))
    if window.has_ended():
        raise DeadlinePassed(
            _("The deadline for recommendation letters passed on %(date)s.")
            % {"date": format_for_language(window.ends_at, _language())}
        )
    return window


def _language():
    from django.utils.translation import get_language

    return get_language() or "zh-hant"


def _token_expiry(application, window):
    """Links work (status only, after the deadline) until the cycle's last calendar step; then they expire."""
    last = application.program.cycle.milestones.aggregate(last=Max(Coalesce("ends_at", "starts_at")))["last"]
    floor = (window.ends_at if window and window.ends_at else clock.now()) + timedelta(days=7)
    return max(last or floor, floor)


def _issue_notice(*, request, kind, message="", window=None) -> RecommendationNotice:
    """Create a notice with a fresh link token and queue its bilingual email (after commit).

    Each notice has its own token, so every email's link keeps working; only the hash is stored.
    """
    raw = secrets.token_urlsafe(32)  # 256 bits
    notice = RecommendationNotice.objects.create(
        request=request, kind=kind, token_hash=hash_token(raw), message=message, created_at=clock.now()
    )
    application = request.application
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    if window is None:
        window = window_for(application, profile)
    context = {
        "request": request,
        "notice": notice,
        "application": application,
        "program": application.program,
        "cycle": application.program.cycle,
        "profile": profile,
        "deadline": window.ends_at if window else None,
        "link": settings.SITE_URL + reverse("recommendations:token", args=[raw]),
    }
    subject, body = render_bilingual(
        lambda: render_template_pair("notifications/email/recommendations/notice", context)
    )  # fmt: skip
    to, subject, body = practice_email(application, to=request.email, subject=subject, body=body)
    notice.email = queue_email(
        to=to, subject=f"[GradAdmit] {subject}", body=body, cause=f"recommendation:{kind}",
        concerns=application.applicant,
    )  # fmt: skip
    notice.save(update_fields=["email"])
    return notice


# --- the applicant --------------------------------------------------------------------------


def _check_applicant(applicant, application):
    if application.applicant_id != applicant.id or not application.is_active:
        raise DomainError(_("This application was withdrawn."))
    if application.program.recommendation_policy == Program.RecommendationPolicy.NONE:
        raise DomainError(_("This programme does not ask for recommendation letters."))


def add_recommender(*, applicant, application, data: dict) -> RecommendationRequest:
    """Add a recommender and email them the invitation with their link.

    Side effects: audit entry; a notice with its token; the email, through the worker after commit.
    Refused: withdrawn application, programme without letters, deadline passed, the applicant's own
    email, the same email twice on one application, more than MAX_RECOMMENDERS.
    """
    _check_applicant(applicant, application)
    window = ensure_letters_open(application)
    email = data["email"].strip().lower()
    if email == applicant.email.strip().lower():
        raise DomainError(_("A recommender cannot be yourself. Enter your recommender's email."))
    try:
        with transaction.atomic():
            type(application).objects.select_for_update().get(pk=application.pk)
            existing = RecommendationRequest.objects.filter(application=application)
            if existing.filter(email=email).exists():
                raise DomainError(_("You have already added a recommender with this email for this programme."))
            if existing.count() >= MAX_RECOMMENDERS:
                raise DomainError(
                    _("You can add at most %(n)d recommenders for one programme.") % {"n": MAX_RECOMMENDERS}
                )
            request = RecommendationRequest.objects.create(
                application=application,
                email=email,
                token_expires_at=_token_expiry(application, window),
                **{name: data.get(name, "").strip() for name in DETAIL_FIELDS},
            )
            record_audit(actor=applicant, action="recommendation.add", target=request,
                         after=snapshot(request, ["application", "status"]))  # fmt: skip
            _issue_notice(request=request, kind=RecommendationNotice.Kind.INVITATION, window=window)
    except IntegrityError as error:
        raise DomainError(_("You have already added a recommender with this email for this programme.")) from error
    return request


def update_recommender(*, applicant, request: RecommendationRequest, data: dict) -> RecommendationRequest:
    """Change a recommender's details (never the email) until the recommender has started. Audit entry."""
    _check_applicant(applicant, request.application)
    ensure_letters_open(request.application)
    with transaction.atomic():
        locked = RecommendationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.has_started:
            raise DomainError(_("The recommender has already started; only they can change their details now."))
        before = snapshot(locked, DETAIL_FIELDS)
        for name in DETAIL_FIELDS:
            setattr(locked, name, data.get(name, "").strip())
        locked.save(update_fields=DETAIL_FIELDS)
        record_audit(actor=applicant, action="recommendation.edit", target=locked, before=before,
                     after=snapshot(locked, DETAIL_FIELDS))  # fmt: skip
    return locked


def delete_recommender(*, applicant, request: RecommendationRequest) -> None:
    """Remove a recommender who has not submitted a letter; their links stop working. Audit entry."""
    if request.application.applicant_id != applicant.id:
        raise DomainError(_("This recommender is not on your application."))
    with transaction.atomic():
        locked = RecommendationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == Status.COMPLETED:
            raise DomainError(_("This recommender has already submitted the letter; it cannot be removed."))
        record_audit(actor=applicant, action="recommendation.delete", target=locked,
                     before=snapshot(locked, ["application", "status"]))  # fmt: skip
        locked.delete()


def resend_invitation(*, applicant, request: RecommendationRequest, message: str = "") -> RecommendationNotice:
    """Email the recommender again, with the applicant's message. Side effects: a notice and its email."""
    _check_applicant(applicant, request.application)
    window = ensure_letters_open(request.application)
    with transaction.atomic():
        locked = RecommendationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.is_finished:
            raise DomainError(_("The recommender has already answered; there is nothing to remind them of."))
        last = locked.notices.order_by("-created_at").first()
        if last is not None and clock.now() - last.created_at < RESEND_PAUSE:
            raise DomainError(
                _("A notice was sent less than %(n)d minutes ago. Wait a little before sending another.")
                % {"n": int(RESEND_PAUSE.total_seconds() // 60)}
            )
        locked.application = request.application
        return _issue_notice(request=locked, kind=RecommendationNotice.Kind.RESEND, message=message.strip(),
                             window=window)  # fmt: skip


# --- the recommender ------------------------------------------------------------------------


def _lock_open(request) -> RecommendationRequest:
    """Lock the request; refuse when already answered. Call inside a transaction."""
    locked = RecommendationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == Status.COMPLETED:
        raise DomainError(_("You have already submitted your letter. Thank you."))
    if locked.status == Status.DECLINED:
        raise DomainError(_("You have declined this request."))
    locked.application = request.application
    return locked


def _mark_opened(locked, now):
    if locked.status == Status.INVITED:
        locked.status, locked.opened_at = Status.OPENED, now


def update_own_details(*, request, data: dict) -> RecommendationRequest:
    """The recommender corrects their details (not the email). Records 'opened'. Audit entry (no actor)."""
    ensure_letters_open(request.application)
    with transaction.atomic():
        locked = _lock_open(request)
        before = snapshot(locked, DETAIL_FIELDS)
        for name in DETAIL_FIELDS:
            setattr(locked, name, data.get(name, "").strip())
        _mark_opened(locked, clock.now())
        locked.save(update_fields=[*DETAIL_FIELDS, "status", "opened_at"])
        record_audit(actor=None, action="recommendation.recommender_details", target=locked, before=before,
                     after=snapshot(locked, DETAIL_FIELDS))  # fmt: skip
    return locked


def accept(*, request) -> RecommendationRequest:
    """The recommender confirms the details and agrees to recommend. Records 'opened'."""
    ensure_letters_open(request.application)
    with transaction.atomic():
        locked = _lock_open(request)
        now = clock.now()
        _mark_opened(locked, now)
        locked.accepted_at = locked.accepted_at or now
        locked.save(update_fields=["status", "opened_at", "accepted_at"])
        record_audit(actor=None, action="recommendation.accept", target=locked)
    return locked


def decline(*, request, reason: str = "") -> RecommendationRequest:
    """The recommender declines. Side effects: audit entry; the applicant gets a message and an email."""
    ensure_letters_open(request.application)
    with transaction.atomic():
        locked = _lock_open(request)
        now = clock.now()
        _mark_opened(locked, now)
        locked.status, locked.declined_at, locked.decline_reason = Status.DECLINED, now, reason.strip()[:1000]
        locked.form_draft, locked.draft_saved_at = {}, None
        locked.save(update_fields=["status", "opened_at", "declined_at", "decline_reason", "form_draft",
                                   "draft_saved_at"])  # fmt: skip
        record_audit(actor=None, action="recommendation.decline", target=locked)
        notify(user=locked.application.applicant, template="recommendations/declined",
               context={"request": locked, "application": locked.application})  # fmt: skip
    return locked


def save_draft(*, request, data) -> RecommendationRequest:
    """Keep the half-filled 附件五 (unvalidated, bounded). Needs the recommender's agreement first."""
    ensure_letters_open(request.application)
    with transaction.atomic():
        locked = _lock_open(request)
        if locked.accepted_at is None:
            raise DomainError(_("Confirm your details and agree to recommend first."))
        locked.form_draft, locked.draft_saved_at = letterform.clean_draft(data), clock.now()
        locked.save(update_fields=["form_draft", "draft_saved_at"])
    return locked


def _allowed_formats(program):
    fmt = program.recommendation_format
    return {
        "upload": {RecommendationLetter.Kind.UPLOAD},
        "form": {RecommendationLetter.Kind.FORM},
    }.get(fmt, {RecommendationLetter.Kind.UPLOAD, RecommendationLetter.Kind.FORM})


def _targets(request, also_ids, kind):
    """This request plus the chosen siblings (same applicant, same email), each open and accepting `kind`."""
    from gradadmit.recommendations.selectors import sibling_requests

    targets = [request]
    if also_ids:
        siblings = {s.pk: s for s in sibling_requests(request)}
        for pk in also_ids:
            if pk not in siblings:
                raise DomainError(_("One of the programmes you chose no longer needs this letter. Reload the page."))
            targets.append(siblings[pk])
    for target in targets:
        if kind not in _allowed_formats(target.application.program):
            raise DomainError(
                _("%(program)s does not accept a letter in this form.") % {"program": target.application.program.name}
            )
        ensure_letters_open(target.application)
    return targets


def submit_upload(*, request, upload, also=()) -> RecommendationLetter:
    """Store a PDF letter (checked as documents are, ≤ 10 MB) and complete the request(s). See _complete."""
    targets = _targets(request, also, RecommendationLetter.Kind.UPLOAD)
    checked = check_pdf(upload, max_bytes=LETTER_MAX_BYTES)
    letter = RecommendationLetter(
        kind=RecommendationLetter.Kind.UPLOAD,
        original_name=clean_filename(upload.name),
        size=checked.size,
        pages=checked.pages,
        sha256=checked.sha256,
        sanitized=checked.sanitized,
    )
    upload.seek(0)
    content = ContentFile(checked.content) if checked.content is not None else File(upload)
    return _complete(targets=targets, letter=letter, content=content)


def submit_form(*, request, answers: dict, also=()) -> RecommendationLetter:
    """Render the filled 附件五 to a PDF and complete the request(s). See _complete."""
    import pikepdf

    targets = _targets(request, also, RecommendationLetter.Kind.FORM)
    application = request.application
    profile = getattr(application.applicant, "profile", None)
    now = clock.now()
    data = letterform.SPEC.render_pdf(
        answers=answers,
        context={"request": request, "application": application, "cycle": application.program.cycle,
                 "profile": profile, "programs": [t.application.program for t in targets], "submitted_at": now},
    )  # fmt: skip
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    letter = RecommendationLetter(
        kind=RecommendationLetter.Kind.FORM,
        size=len(data),
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        form_data=answers,
    )
    return _complete(targets=targets, letter=letter, content=ContentFile(data))


def _complete(*, targets, letter, content) -> RecommendationLetter:
    """Save the letter file, then in one transaction lock every target, refuse if any was answered
    meanwhile (double submit), link the letter and mark them completed.

    Side effects: audit entry per request; the applicant gets a message and an email per programme.
    A refused submission removes the stored file again.
    """
    store_file(letter.file, "letter.pdf", content, sha256=letter.sha256)
    try:
        with transaction.atomic():
            locked = [_lock_open(target) for target in sorted(targets, key=lambda t: t.pk)]
            now = clock.now()
            letter.submitted_at = now
            letter.save()
            for request in locked:
                _mark_opened(request, now)
                request.accepted_at = request.accepted_at or now
                request.status, request.completed_at, request.letter = Status.COMPLETED, now, letter
                request.form_draft, request.draft_saved_at = {}, None
                request.save(update_fields=["status", "opened_at", "accepted_at", "completed_at", "letter",
                                            "form_draft", "draft_saved_at"])  # fmt: skip
                record_audit(actor=None, action="recommendation.submit", target=request,
                             after={"letter": letter.pk, "kind": letter.kind})  # fmt: skip
                notify(user=request.application.applicant, template="recommendations/completed",
                       context={"request": request, "application": request.application})  # fmt: skip
    except Exception:
        letter.file.delete(save=False)
        raise
    return letter


# --- reminders ------------------------------------------------------------------------------


def send_due_reminders(*, now=None, chunk_size: int = 500) -> int:
    """Remind every unfinished recommender 3 days and 1 day before their letters deadline, once each.

    Streams the requests (never all in memory); calendars are loaded once per cycle and shared.
    The partial unique constraint makes a second run, or two at once, send nothing twice.
    Returns the number of reminders queued.
    """
    from gradadmit.cycles.models import DeadlineExtension, Milestone

    now = now or clock.now()
    calendars: dict[int, tuple] = {}
    sent = 0
    pending = (
        RecommendationRequest.objects.filter(
            status__in=[Status.INVITED, Status.OPENED], application__status="active",
            token_expires_at__gt=now,
        )
        .exclude(application__program__recommendation_policy=Program.RecommendationPolicy.NONE)
        .select_related("application__program__cycle", "application__applicant__profile")
        .order_by("pk")
    )  # fmt: skip
    for request in pending.iterator(chunk_size=chunk_size):
        cycle = request.application.program.cycle
        if cycle.pk not in calendars:
            calendars[cycle.pk] = (
                list(Milestone.objects.filter(cycle=cycle)),
                list(DeadlineExtension.objects.filter(cycle=cycle)),
            )
        milestones, extensions = calendars[cycle.pk]
        applicant = request.application.applicant
        calendar = CycleCalendar(cycle, milestones, extensions, applicant)
        window = letters_window(calendar, scope_for(getattr(applicant, "profile", None)))
        if window is None or window.ends_at is None or not window.is_open(now):
            continue
        due = next((kind for kind, before in REMINDERS if now >= window.ends_at - before), None)
        if due is None:
            continue
        period_start = window.ends_at - dict(REMINDERS)[due]
        # Not twice, and not right after another email (an invitation or resend in this period).
        if request.notices.filter(
            Q(kind__in=[due, RecommendationNotice.Kind.REMINDER_1D]) | Q(created_at__gte=period_start)
        ).exists():
            continue
        try:
            with transaction.atomic():
                _issue_notice(request=request, kind=due, window=window)
                sent += 1
        except IntegrityError:
            continue  # another run sent this reminder a moment ago
    return sent
