"""Anonymising a finished cycle (pretix's shredder as a model): what goes, what stays, done in resumable batches.

What goes: every stored file of the cycle's applicants (documents, letters, waiver and disability proofs, appeal
attachments, their data-export zips) and of the cycle (review packets, admission tickets, bank statements), deleted
through Django's storage so local disks and S3-compatible buckets both work; every personal field (names, ID and
passport numbers, email addresses, phones, addresses, the birth day and month, free text about the person,
uploaded files' names, recommenders' contact data, the outbox's recipients and bodies, inbox messages) replaced by
a pseudonym or emptied; the audit log's before/after values that are not codes, scores or times.

What stays: every row (so counts per programme and identity, score distributions, payment totals and the ranking
runs are still there and still add up: the report holds them before and after), the audit log (actions, times and
pseudonymous references), statuses, scores, amounts, school and education (statistics).

The pseudonym of an applicant is `ANON-<account id>`: the account id is already everyone's reference in the audit
log, and it names no one once the account's own fields are gone.

An applicant who also applied in another cycle that is not anonymised keeps their account for that cycle. Their
rows of this cycle (applications, admissions, mailing recipients, extensions, and the inbox messages and emails
that belong to this cycle) move to a new pseudonymous account, made for them and anonymised like the others, so
the surviving account holds only the other cycle's data and no link from it to the moved rows is kept. Messages
carry no cycle: those created before the other cycles' calendars opened are taken as this cycle's.

Re-runnable (the worker may be killed): each batch of applicants is done in one transaction with its counts; an
applicant is done when no row of theirs in this cycle is left under a real address, so a run resumed after a kill
picks up the rest and a finished cycle has nothing left to do. Files are deleted before their batch commits; a
batch rolled back leaves rows naming files that are gone, and the run again deletes nothing more and clears them.
"""

import re
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import DeadlineExtension, Milestone
from gradadmit.documents.models import Document, PacketBuild
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.exams.models import AccommodationRequest, AdmissionTicket, TicketBatch
from gradadmit.fees.models import Charge, Payment, StatementImport, StatementLine, VirtualAccount, WaiverRequest
from gradadmit.mailings.models import MailingRecipient
from gradadmit.notifications.models import Message
from gradadmit.outbox.models import Email
from gradadmit.privacy.models import ANONYMISED_DOMAIN, DataExport
from gradadmit.recommendations.models import RecommendationLetter, RecommendationNotice, RecommendationRequest
from gradadmit.scoring.models import (
    Appeal,
    InterviewInvitation,
    RegradeItem,
    RegradeRequest,
    ReviewerAssignment,
    ReviewerScore,
    StageScore,
)

User = get_user_model()
BATCH = 1000
REMOVED = "[removed]"
CHUNK = 900  # ids per IN (...) clause: within SQLite's variable limit everywhere

# Rows that hang off an application: (model, path to the application id). Their ids find their audit entries.
APPLICATION_ROWS = [
    (Application, "id"),
    (Document, "application_id"),
    (Charge, "application_id"),
    (VirtualAccount, "charge__application_id"),
    (Payment, "charge__application_id"),
    (WaiverRequest, "charge__application_id"),
    (RecommendationRequest, "application_id"),
    (ReviewDecision, "application_id"),
    (StageScore, "application_id"),
    (ReviewerScore, "application_id"),
    (RegradeRequest, "application_id"),
    (Appeal, "application_id"),
    (AccommodationRequest, "application_id"),
    (AdmissionTicket, "application_id"),
    (InterviewInvitation, "application_id"),
    (Admission, "application_id"),
    (WaitlistEntry, "application_id"),
]

# Audit values kept: codes (statuses, kinds), scores and amounts, timestamps. Anything else may name someone.
_KEEP = re.compile(r"^(?:[a-z][a-z0-9_.:/-]{0,60}|-?\d{1,3}(?:\.\d+)?|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*)$")
PERSONAL_KEYS = {"name", "name_zh", "name_en", "email", "phone", "address", "national_id", "passport_number",
                 "birth_date", "phone_mobile", "phone_home", "postal_code", "organisation", "title", "relationship",
                 "to", "note", "message", "reason", "original_name", "employer", "job_title"}  # fmt: skip


# What the dry run and the report count, in words for the office page (the report stores the keys).
COUNT_LABELS = {
    "applicants": _("Applicants"),
    "applicants_staying": _("Applicants who keep their account for another cycle"),
    "accounts_split": _("Accounts split off for another cycle"),
    "applications": _("Applications"),
    "documents": _("Documents (rows kept, files and names removed)"),
    "recommenders": _("Recommenders"),
    "messages": _("Inbox messages"),
    "emails": _("Emails in the outbox"),
    "payments_kept": _("Payments (kept, notes removed)"),
    "audit_entries_scrubbed": _("Audit entries with personal values removed"),
    "files_documents": _("Files: documents"),
    "files_letters": _("Files: recommendation letters"),
    "files_waiver_proofs": _("Files: fee-waiver proofs"),
    "files_accommodation_proofs": _("Files: disability certificates"),
    "files_appeal_attachments": _("Files: appeal attachments"),
    "files_data_exports": _("Files: applicants' data downloads"),
    "files_packets": _("Files: review packets"),
    "files_ticket_batches": _("Files: admission-ticket batches"),
    "files_bank_statements": _("Files: bank statements"),
    "files_cycle": _("Files of the cycle (packets, tickets, bank statements)"),
}


def labelled(counts: dict) -> list[tuple[str, int]]:
    """(label, number) in the order above; a key without a label (added later) shows as itself."""
    order = list(COUNT_LABELS)
    keys = sorted(counts, key=lambda key: (order.index(key) if key in order else len(order), key))
    return [(str(COUNT_LABELS.get(key, key)), counts[key]) for key in keys]


# The keyed search hashes of the ID and passport numbers (core/fields.py) are written by save(), which update()
# skips: they are emptied here with the numbers they hash (an empty hash means "no number").
PROFILE_HASHES_CLEARED = {
    field.attname: "" for field in ApplicantProfile._meta.concrete_fields
    if getattr(field, "source", None) in ("national_id", "passport_number")
}  # fmt: skip


def pseudonym(user_id: int) -> str:
    return f"ANON-{user_id}"


def _anonymised_email(column="id"):
    return Concat(Value("anonymised-"), Cast(column, models.CharField()), Value(f"@{ANONYMISED_DOMAIN}"))


def id_set(model, ids) -> RawSQL:
    """A subquery of these rows, its ids written into the SQL once (integers read from the database, so safe as
    literals): shared by the batch's twenty-odd statements without Django preparing hundreds of parameters each time."""
    quote = connection.ops.quote_name
    column = quote(model._meta.pk.column)
    listed = ",".join(str(int(pk)) for pk in ids) or "NULL"
    return RawSQL(f"SELECT {column} FROM {quote(model._meta.db_table)} WHERE {column} IN ({listed})", [])  # noqa: S608, S611


def _chunks(ids):
    if isinstance(ids, (models.QuerySet, RawSQL)):  # a subquery: the database lists the ids
        yield ids
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def scrub_value(value, key=""):
    """An audit before/after value with everything that may name a person replaced (codes, numbers, times kept)."""
    if isinstance(value, dict):
        return {k: scrub_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v, key) for v in value]
    if isinstance(value, str) and value and (key in PERSONAL_KEYS or not _KEEP.match(value)):
        return REMOVED
    return value


# --- who -------------------------------------------------------------------------------------------------


def pending_applicant_ids(cycle) -> list[int]:
    """Accounts with rows of this cycle still under a real address: what is left to anonymise."""
    return sorted(
        set(
            Application.objects.filter(program__cycle=cycle)
            .exclude(applicant__email__endswith=f"@{ANONYMISED_DOMAIN}")
            .values_list("applicant_id", flat=True)
        )
    )


def staying_applicants(cycle, user_ids) -> dict[int, object]:
    """Of these accounts, those who applied in another cycle not anonymised: user id -> when its calendar opens."""
    other = (
        Application.objects.filter(applicant_id__in=user_ids)
        .exclude(program__cycle=cycle)
        .exclude(program__cycle__anonymisation__status="done")
        .values_list("applicant_id", "program__cycle_id")
    )
    cycles_of = {}
    for user_id, cycle_id in other:
        cycles_of.setdefault(user_id, set()).add(cycle_id)
    opens = dict(
        Milestone.objects.filter(cycle_id__in={c for ids in cycles_of.values() for c in ids})
        .values_list("cycle_id")
        .annotate(first=Min("starts_at"))
    )
    return {
        user_id: min((opens.get(c) for c in ids if opens.get(c)), default=None) for user_id, ids in cycles_of.items()
    }


# --- the plan (dry run) ----------------------------------------------------------------------------------


def plan(cycle) -> dict:
    """What a run would do now, counted without changing anything (the dry run)."""
    user_ids = pending_applicant_ids(cycle)
    staying = staying_applicants(cycle, user_ids)
    apps = Application.objects.filter(program__cycle=cycle).exclude(applicant__email__endswith=f"@{ANONYMISED_DOMAIN}")
    app_ids = apps.values("pk")
    counts = Counter()
    counts["applicants"] = len(user_ids)
    counts["applicants_staying"] = len(staying)
    counts["applications"] = apps.count()
    for chunk in _chunks(app_ids):
        for key, value in _files_of(chunk, user_ids=[]).items():
            counts[f"files_{key}"] += len(value)
        counts["recommenders"] += RecommendationRequest.objects.filter(application_id__in=chunk).count()
        counts["payments_kept"] += Payment.objects.filter(charge__application_id__in=chunk).count()
    whole = User.objects.filter(pk__in=apps.values("applicant_id")).exclude(pk__in=list(staying)).values("pk")
    for chunk in _chunks(whole):
        counts["messages"] += Message.objects.filter(recipient_id__in=chunk).count()
        counts["emails"] += Email.objects.filter(concerns_id__in=chunk).count()
        counts["files_data_exports"] += DataExport.objects.filter(applicant_id__in=chunk).exclude(file="").count()
    counts["files_cycle"] = sum(len(v) for v in _cycle_files(cycle).values())
    per_program = (
        apps.values("program__code", "program__name_zh").annotate(n=Count("id")).order_by("program__code")
    )  # fmt: skip
    return {
        "counts": dict(counts),
        "programs": [
            {"code": p["program__code"], "name": p["program__name_zh"], "applications": p["n"]} for p in per_program
        ],  # fmt: skip
    }


# --- files -----------------------------------------------------------------------------------------------


def _letter_ids_only_of(app_ids) -> set[int]:
    """Letters serving only these applications (a letter serving another cycle's request stays)."""
    mine = set(
        RecommendationRequest.objects.filter(application_id__in=app_ids, letter__isnull=False).values_list(
            "letter_id", flat=True
        )
    )
    if not mine:
        return set()
    shared = set(
        RecommendationRequest.objects.filter(letter_id__in=mine)
        .exclude(application_id__in=app_ids)
        .values_list("letter_id", flat=True)
    )
    return mine - shared


def _files_of(app_ids, *, user_ids) -> dict[str, list]:
    """Stored files of these applications (and these accounts' export zips), by kind: (model, pk, field, name)."""

    def names(queryset, field):
        return [
            (queryset.model, pk, field, name) for pk, name in queryset.exclude(**{field: ""}).values_list("pk", field)
        ]

    return {
        "documents": names(Document.objects.filter(application_id__in=app_ids), "file"),
        "letters": names(RecommendationLetter.objects.filter(pk__in=_letter_ids_only_of(app_ids)), "file"),
        "waiver_proofs": names(WaiverRequest.objects.filter(charge__application_id__in=app_ids), "proof"),
        "accommodation_proofs": names(AccommodationRequest.objects.filter(application_id__in=app_ids), "proof"),
        "appeal_attachments": names(Appeal.objects.filter(application_id__in=app_ids), "attachment"),
        "data_exports": names(DataExport.objects.filter(applicant_id__in=user_ids), "file"),
    }


def _cycle_files(cycle) -> dict[str, list]:
    def names(queryset, field):
        return [
            (queryset.model, pk, field, name) for pk, name in queryset.exclude(**{field: ""}).values_list("pk", field)
        ]

    return {
        "packets": names(PacketBuild.objects.filter(program__cycle=cycle), "file"),
        "ticket_batches": names(TicketBatch.objects.filter(program__cycle=cycle), "file"),
        "bank_statements": names(StatementImport.objects.filter(cycle=cycle), "file"),
    }


def delete_files(files: list) -> int:
    """Delete each file through its field's storage (local or S3-compatible); a file already gone is fine."""
    deleted = 0
    for model, _pk, field, name in files:
        storage = model._meta.get_field(field).storage
        storage.delete(name)
        deleted += 1
    return deleted


# --- one batch -------------------------------------------------------------------------------------------


def anonymise_batch(cycle, user_ids: list[int]) -> Counter:
    """Anonymise these applicants' data of the cycle in one transaction; returns what was done."""
    counts = Counter()
    with transaction.atomic():
        staying = staying_applicants(cycle, user_ids)
        whole = [u for u in user_ids if u not in staying]
        # Old addresses, before they change: the outbox's emails to them go too.
        addresses = list(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
        app_ids = list(Application.objects.filter(program__cycle=cycle, applicant_id__in=user_ids).values_list("id", flat=True))  # fmt: skip
        for user_id, opens in staying.items():
            _split_off(cycle, user_id, opens, counts)
        # Split-off accounts are anonymised whole, like the others: their rows are this cycle's only.
        shadow_ids = list(
            Application.objects.filter(pk__in=app_ids)
            .exclude(applicant_id__in=user_ids)
            .values_list("applicant_id", flat=True)
            .distinct()  # fmt: skip
        )
        accounts = whole + shadow_ids
        old_addresses = [email for pk, email in addresses if pk in set(whole)]
        counts.update(anonymise_rows(app_ids=app_ids, accounts=accounts, old_addresses=old_addresses,
                                     export_owners=user_ids, audit=False))  # fmt: skip
        counts["applicants"] += len(user_ids)
        counts["applicants_staying"] += len(staying)
        counts["applications"] += len(app_ids)
    return counts


def anonymise_rows(*, app_ids, accounts, old_addresses, export_owners, audit: bool = True) -> Counter:
    """Files deleted and personal fields replaced for these applications and these accounts (in place).

    `old_addresses`: the accounts' email addresses before, so the outbox's emails to them go too; `export_owners`:
    whose data-export zips go; `audit`: scrub their audit entries now (a cycle's run does it once at the end, see
    scrub_cycle_audit). Call inside a transaction.
    """
    counts = Counter()
    # Each id list goes to the database once, as a subquery the statements below share (a batch holds a few
    # hundred applicants: within every database's limit of parameters).
    app_ids = id_set(Application, app_ids)
    accounts = id_set(User, accounts)
    files = _files_of(app_ids, user_ids=export_owners)
    for kind, listed in files.items():
        counts[f"files_{kind}"] += delete_files(listed)
    if audit:
        _scrub_audit(app_ids, accounts, counts)
    _scrub_application_rows(app_ids, files, counts)
    _scrub_accounts(accounts, old_addresses, counts)
    DataExport.objects.filter(applicant_id__in=export_owners).delete()
    return counts


def _split_off(cycle, user_id: int, other_opens, counts) -> None:
    """Move the cycle's rows of an applicant who stays (another cycle) to a new pseudonymous account."""
    shadow = User.objects.create(email=f"split-{user_id}-{cycle.pk}@{ANONYMISED_DOMAIN}", is_active=False)
    shadow.email = f"anonymised-{shadow.pk}@{ANONYMISED_DOMAIN}"
    shadow.set_unusable_password()
    shadow.save(update_fields=["email", "password"])
    profile = ApplicantProfile.objects.filter(user_id=user_id).first()
    if profile is not None:
        ApplicantProfile.objects.create(
            user=shadow, name_zh=pseudonym(shadow.pk), name_en=pseudonym(shadow.pk), nationality=profile.nationality,
            birth_date=profile.birth_date.replace(month=1, day=1), gender=profile.gender, phone_mobile="", address="",
            school=profile.school, department=profile.department, education_status=profile.education_status,
            equivalent_article=profile.equivalent_article, graduation_year=profile.graduation_year,
        )  # fmt: skip
    apps = Application.objects.filter(program__cycle=cycle, applicant_id=user_id)
    app_ids = list(apps.values_list("id", flat=True))
    apps.update(applicant=shadow)
    Admission.objects.filter(application_id__in=app_ids).update(applicant=shadow)
    recipients = MailingRecipient.objects.filter(application_id__in=app_ids)
    message_ids = set(recipients.exclude(message=None).values_list("message_id", flat=True))
    email_ids = set(recipients.exclude(email=None).values_list("email_id", flat=True))
    recipients.update(applicant=shadow)
    DeadlineExtension.objects.filter(cycle=cycle, applicant_id=user_id).update(applicant=shadow)
    before_other = Message.objects.filter(recipient_id=user_id)
    if other_opens is not None:
        message_ids |= set(before_other.filter(created_at__lt=other_opens).values_list("id", flat=True))
    messages = Message.objects.filter(pk__in=message_ids)
    email_ids |= set(messages.exclude(email=None).values_list("email_id", flat=True))
    messages.update(recipient=shadow)
    notices = RecommendationNotice.objects.filter(request__application_id__in=app_ids).exclude(email=None)
    email_ids |= set(notices.values_list("email_id", flat=True))
    Email.objects.filter(pk__in=email_ids).update(concerns=shadow)
    # The audit entries of the moved rows name the new account as the one who acted.
    for model, path in APPLICATION_ROWS:
        ids = [str(pk) for pk in model.objects.filter(**{f"{path}__in": app_ids}).values_list("pk", flat=True)]
        for chunk in _chunks(ids):
            AuditEntry.objects.filter(
                target_type=model._meta.label_lower, target_id__in=chunk, actor_id=user_id
            ).update(actor=shadow)
    counts["accounts_split"] += 1


def _scrub_application_rows(app_ids, files, counts) -> None:
    for chunk in _chunks(app_ids):
        counts["documents"] += Document.objects.filter(application_id__in=chunk).update(
            file="", original_name="", check_message=""
        )
        requests = RecommendationRequest.objects.filter(application_id__in=chunk)
        counts["recommenders"] += requests.update(
            name=Concat(Value("recommender-"), Cast("id", models.CharField())), organisation="", title="",
            relationship="", email=Concat(Value("recommender-"), Cast("id", models.CharField()),
                                          Value(f"@{ANONYMISED_DOMAIN}")),
            phone="", decline_reason="", form_draft={},
        )  # fmt: skip
        notices = RecommendationNotice.objects.filter(request__application_id__in=chunk)
        notices.update(message="")
        _scrub_emails(Email.objects.filter(pk__in=notices.exclude(email=None).values("email_id")), counts)
        WaiverRequest.objects.filter(charge__application_id__in=chunk).update(
            household_address="", phone_day="", phone_night="", phone_mobile="", proof="", proof_name="", reason=""
        )
        AccommodationRequest.objects.filter(application_id__in=chunk).update(
            certificate_number="", description="", other_needs="", proof="", decision_note=""
        )
        Appeal.objects.filter(application_id__in=chunk).update(facts="", remedy="", attachment="", answer="")
        counts["payments_kept"] += Payment.objects.filter(charge__application_id__in=chunk).update(note="")
        StatementLine.objects.filter(charge__application_id__in=chunk).update(raw="", resolution_note="")
        ReviewDecision.objects.filter(application_id__in=chunk).update(message="")
        ReviewerScore.objects.filter(application_id__in=chunk).update(comment="")
        ReviewerAssignment.objects.filter(application_id__in=chunk).update(conflict_note="")
        Admission.objects.filter(application_id__in=chunk).update(closed_reason="")
        RegradeItem.objects.filter(request__application_id__in=chunk).update(outcome="")
        _scrub_emails(Email.objects.filter(pk__in=MailingRecipient.objects.filter(application_id__in=chunk).exclude(email=None).values("email_id")), counts)  # fmt: skip
    letters = [pk for _model, pk, _field, _name in files["letters"]]
    RecommendationLetter.objects.filter(pk__in=letters).update(file="", original_name="", form_data={})


def _scrub_emails(queryset, counts) -> None:
    counts["emails"] += queryset.update(to=_anonymised_email(), subject=REMOVED, body="", last_error="")


def _scrub_accounts(user_ids, old_addresses, counts) -> None:
    """The accounts themselves (anonymised in place): address, names, password, profile, inbox, outbox."""
    from allauth.account.models import EmailAddress

    for chunk in _chunks(user_ids):
        User.objects.filter(pk__in=chunk).update(
            email=_anonymised_email(), first_name="", last_name="", password="!", is_active=False
        )
        EmailAddress.objects.filter(user_id__in=chunk).delete()
        label = Concat(Value("ANON-"), Cast("user_id", models.CharField()))
        ApplicantProfile.objects.filter(user_id__in=chunk).update(
            **PROFILE_HASHES_CLEARED,
            name_zh=label, name_en=label, national_id="", passport_number="", birth_date=TruncYear("birth_date"),
            phone_mobile="", phone_home="", postal_code="", address="", employer="", job_title="",
        )  # fmt: skip
        counts["messages"] += Message.objects.filter(recipient_id__in=chunk).update(
            subject_zh="已移除", subject_en="Removed", body_zh="", body_en=""
        )
        DeadlineExtension.objects.filter(applicant_id__in=chunk).update(reason=REMOVED)
        _scrub_emails(Email.objects.filter(concerns_id__in=chunk), counts)
    for chunk in _chunks(old_addresses):
        _scrub_emails(Email.objects.filter(to__in=chunk), counts)


def _scrub_audit(app_ids, account_ids, counts) -> None:
    """Audit entries about these rows keep their action, time and references; their values lose what names someone."""

    def refs(queryset):  # the rows' ids as the audit log writes them (text), left to the database to list
        return queryset.annotate(ref=Cast("pk", models.CharField())).values("ref")

    queries = []
    for chunk in _chunks(app_ids):
        for model, path in APPLICATION_ROWS:
            queries.append((model._meta.label_lower, refs(model.objects.filter(**{f"{path}__in": chunk}))))
    for chunk in _chunks(account_ids):
        queries.append((User._meta.label_lower, refs(User.objects.filter(pk__in=chunk))))
        queries.append((ApplicantProfile._meta.label_lower, refs(ApplicantProfile.objects.filter(user_id__in=chunk))))
    changed = []
    for label, ids in queries:
        for pk, before, after, reason in AuditEntry.objects.filter(target_type=label, target_id__in=ids).values_list(
            "pk", "before", "after", "reason"
        ):
            scrubbed = (scrub_value(before), scrub_value(after), REMOVED if reason else "")
            if scrubbed != (before, after, reason):
                changed.append((pk, *scrubbed))
    _write_audit(changed)
    counts["audit_entries_scrubbed"] += len(changed)


def scrub_cycle_audit(cycle) -> Counter:
    """The audit entries of every row of the cycle's applications and of its anonymised accounts, in one pass at the
    end of a run (per batch it would cost twenty statements a batch). Scrubbing again changes nothing."""
    counts = Counter()
    with transaction.atomic():
        apps = Application.objects.filter(program__cycle=cycle).values("pk")
        accounts = (
            User.objects.filter(pk__in=Application.objects.filter(program__cycle=cycle).values("applicant_id"))
            .filter(email__endswith=f"@{ANONYMISED_DOMAIN}")
            .values("pk")
        )  # a stayer's own account is not among them: their rows of this cycle moved to a new account
        _scrub_audit(apps, accounts, counts)
    return counts


def _write_audit(rows) -> None:
    """One UPDATE statement run for many rows (bulk_update's CASE per row is far slower for JSON columns)."""
    if not rows:
        return
    table = AuditEntry._meta.db_table
    json_field = AuditEntry._meta.get_field("before")
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(table)} SET {quote('before')} = %s, {quote('after')} = %s, {quote('reason')} = %s "  # noqa: S608
           f"WHERE {quote('id')} = %s")  # fmt: skip
    params = [(json_field.get_db_prep_save(before, connection), json_field.get_db_prep_save(after, connection),
               reason, pk) for pk, before, after, reason in rows]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- the cycle's own files ------------------------------------------------------------------------------


def anonymise_cycle_files(cycle) -> Counter:
    """Review packets, ticket batches and bank statements of the cycle: files deleted, statement lines emptied."""
    counts = Counter()
    with transaction.atomic():
        files = _cycle_files(cycle)
        for kind, listed in files.items():
            counts[f"files_{kind}"] += delete_files(listed)
        PacketBuild.objects.filter(program__cycle=cycle).exclude(file="").update(file="")
        TicketBatch.objects.filter(program__cycle=cycle).exclude(file="").update(file="")
        StatementImport.objects.filter(cycle=cycle).exclude(file="").update(file="")
        StatementLine.objects.filter(statement__cycle=cycle).exclude(raw="", resolution_note="").update(
            raw="", resolution_note=""
        )
    return counts


# --- statistics kept --------------------------------------------------------------------------------------


def statistics(cycle) -> dict:
    """The figures anonymisation must keep: applications per programme and identity, scores, payments."""
    apps = Application.objects.filter(program__cycle=cycle)
    per_program = {}
    for row in apps.values("program__code", "identity", "status").annotate(n=Count("id")):
        key = f"{row['program__code']} {row['identity']} {row['status']}"
        per_program[key] = row["n"]
    scores = {}
    for row in (
        StageScore.objects.filter(application__program__cycle=cycle, score__isnull=False)
        .values("stage__program__code", "stage__kind")
        .annotate(n=Count("id"), low=Min("score"), high=Max("score"), total=Sum("score"))
    ):
        scores[f"{row['stage__program__code']} {row['stage__kind']}"] = {
            "count": row["n"], "min": str(row["low"]), "max": str(row["high"]), "sum": str(row["total"]),
        }  # fmt: skip
    charges = Charge.objects.filter(application__program__cycle=cycle).aggregate(
        charges=Count("id"), due=Sum("amount_due"), received=Sum("amount_received"), refunded=Sum("amount_refunded")
    )
    paid = Payment.objects.filter(charge__application__program__cycle=cycle).aggregate(
        n=Count("id"), total=Sum("amount")
    )
    admissions = {
        f"{row['program__code']} {row['status']}": row["n"]
        for row in Admission.objects.filter(program__cycle=cycle)
        .values("program__code", "status")
        .annotate(n=Count("id"))
    }
    return {
        "applications": dict(sorted(per_program.items())),
        "scores": dict(sorted(scores.items())),
        "fees": {key: value or 0 for key, value in charges.items()},
        "payments": {"count": paid["n"] or 0, "total": paid["total"] or 0},
        "admissions": dict(sorted(admissions.items())),
    }
