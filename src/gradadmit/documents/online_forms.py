"""Document items filled in the portal with a brochure form: the office's choice, drafts, submission, printing.

A submitted form becomes the item's current document through upload_document (the same checks, versions and
races as an upload). A form that needs a signature (附件一, 附件六) is only printed, filled in, from its draft; the
signed scan is then uploaded to the item.

Drafts and concurrency: a draft row per (application, item) carries a version. A save names the version its page
started from; if another tab saved since, the save is refused with the newer version (DraftConflict) and the page
keeps its own text and says so; the applicant may then save it over the other deliberately (`force`). The row is
locked for the compare-and-set (select_for_update), so two saves never both win.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.audit import record_audit
from gradadmit.core.errors import DomainError
from gradadmit.core.rocdate import format_roc_date
from gradadmit.documents.brochure_forms import form_spec
from gradadmit.documents.models import Document, FormDraft, OnlineForm
from gradadmit.documents.services import ensure_item_open, upload_document


class FormInputError(DomainError):
    """Answers refused field by field (a value over its length): `errors` maps field names to messages."""

    def __init__(self, errors: dict):
        super().__init__(_("Some answers are too long; they were not saved. Shorten them."), code="invalid")
        self.errors = errors


class DraftConflict(DomainError):
    """Another tab or window saved this draft after the page was loaded."""

    def __init__(self, draft: FormDraft):
        super().__init__(
            _("This form was saved in another tab or window since you opened it. Your text is still on this page and "
              "was not saved: copy what you need, or save it over the other version."),
            code="conflict",
        )  # fmt: skip
        self.draft = draft


# --- the office's choice ------------------------------------------------------------------------------------------


def set_online_form(*, actor, requirement, form: str) -> OnlineForm | None:
    """Mark the item as filled online with brochure form `form`, or ("") as an upload again.

    Side effect: audit entry. Documents already given stay (a form's PDF or an upload is a file like any other).
    """
    if form and form_spec(form) is None:
        raise DomainError(_("Unknown form."))
    with transaction.atomic():
        current = OnlineForm.objects.select_for_update().filter(requirement=requirement).first()
        before = {"form": current.form if current else ""}
        if before["form"] == form:
            return current
        if not form:
            current.delete()
            result = None
        elif current is None:
            result = OnlineForm.objects.create(requirement=requirement, form=form, set_by=actor)
        else:
            current.form, current.set_by = form, actor
            current.save(update_fields=["form", "set_by", "set_at"])
            result = current
        record_audit(actor=actor, action="documents.online_form_set", target=requirement, before=before,
                     after={"form": form})  # fmt: skip
    return result


# --- what the form knows already -------------------------------------------------------------------------------


def prefill_and_facts(application, profile) -> tuple[dict, dict]:
    """(prefill, facts): editable initial values from the profile, and the printed facts of the application."""
    program, cycle = application.program, application.program.cycle
    prefill, facts = (
        {},
        {
            "program": program.name_zh,
            "identity": {"in_service": "在職生"}.get(application.identity, "一般生"),
            "cycle": cycle.name_zh,
            "cycle_en": cycle.name_en or cycle.name_zh,
            "institution": cycle.institution_zh,
            "institution_en": cycle.institution_en or cycle.institution_zh,
        },
    )
    if profile is not None:
        prefill = {
            "school": profile.school,
            "department": profile.department,
            "graduation": "",
            "address": " ".join(part for part in (profile.postal_code, profile.address) if part),
            "phone_home": profile.phone_home,
            "phone_mobile": profile.phone_mobile,
            "employer": profile.employer,
            "job_title": profile.job_title,
        }
        facts.update({
            "name": " ".join(part for part in (profile.name_zh, profile.name_en) if part),
            "id_number": profile.identity_document,
            "birth_date": format_roc_date(profile.birth_date),
            "gender": {"female": "女", "male": "男"}.get(profile.gender, ""),
        })  # fmt: skip
    return prefill, facts


def spec_for(requirement):
    """The brochure form of the item, or None for an upload item."""
    online = getattr(requirement, "online_form", None)
    return form_spec(online.form) if online is not None else None


def _spec_or_refuse(requirement):
    spec = spec_for(requirement)
    if spec is None:
        raise DomainError(_("This item is given as an uploaded file, not filled in online."))
    return spec


# --- drafts ----------------------------------------------------------------------------------------------------


def save_form_draft(*, applicant, application, requirement, data, version: int, profile, force=False) -> FormDraft:
    """Keep the half-filled form (only its fields, each within its length) if the page's `version` is the latest.

    Refusals: FormInputError (too long: nothing saved), DraftConflict (another tab saved since), DomainError
    (deadline passed, withdrawn, not an online item). No audit entry (a draft is not a document).
    """
    spec = _spec_or_refuse(requirement)
    ensure_item_open(applicant=applicant, application=application, requirement=requirement, profile=profile)
    answers, errors = spec.clean_draft(data)
    if errors:
        raise FormInputError(errors)
    return _store_draft(application=application, requirement=requirement, spec=spec, answers=answers,
                        version=version, force=force)  # fmt: skip


def _store_draft(*, application, requirement, spec, answers, version, force, submitted=False) -> FormDraft:
    with transaction.atomic():
        draft = FormDraft.objects.select_for_update().filter(application=application, requirement=requirement).first()
        if draft is None:
            try:
                with transaction.atomic():
                    draft = FormDraft.objects.create(application=application, requirement=requirement, form=spec.key)
            except IntegrityError:  # the other tab created it at the same moment
                draft = FormDraft.objects.select_for_update().get(application=application, requirement=requirement)
        if draft.version != version and not force:
            raise DraftConflict(draft)
        now = clock.now()
        draft.form, draft.data, draft.version, draft.saved_at = spec.key, answers, draft.version + 1, now
        if submitted:
            draft.submitted_at = now
        draft.save(update_fields=["form", "data", "version", "saved_at", "submitted_at"])
    return draft


def draft_of(application, requirement) -> FormDraft | None:
    return FormDraft.objects.filter(application=application, requirement=requirement).first()


# --- submitting and printing -------------------------------------------------------------------------------------


def form_file_name(spec) -> str:
    return f"{spec.number_zh}-{spec.title_zh}.pdf"


def render_form(*, spec, application, profile, answers) -> bytes:
    _prefill, facts = prefill_and_facts(application, profile)
    cycle = application.program.cycle
    return spec.render_pdf(
        answers=answers,
        context={"cycle": cycle, "application": application, "facts": facts, "rendered_at": clock.now()},
    )


def submit_online_form(*, applicant, application, requirement, answers: dict, profile) -> Document:
    """Render the filled form (answers already validated by the spec's form) to a PDF in the brochure's layout and
    make it the item's current document through upload_document (checked and versioned like an upload).

    Refused like an upload (deadline, withdrawn application, item not applicable) and for a form that needs a
    signature (it is printed, signed and uploaded instead). The draft keeps the submitted answers (a later change
    submits again). Side effect: audit entry.
    """
    spec = _spec_or_refuse(requirement)
    if spec.needs_signature:
        raise DomainError(_("This form needs a signature: print it, sign it and upload the signed scan."))
    ensure_item_open(applicant=applicant, application=application, requirement=requirement, profile=profile)
    pdf = render_form(spec=spec, application=application, profile=profile, answers=answers)
    upload = SimpleUploadedFile(form_file_name(spec), pdf, content_type="application/pdf")
    document = upload_document(applicant=applicant, application=application, requirement=requirement,
                               upload=upload, profile=profile, form=spec.key)  # fmt: skip
    _store_draft(application=application, requirement=requirement, spec=spec, answers=answers, version=0,
                 force=True, submitted=True)  # fmt: skip
    record_audit(actor=applicant, action="documents.form_submitted", target=document,
                 after={"form": spec.key, "requirement": requirement.pk, "size": document.size})  # fmt: skip
    return document


def print_signature_form(*, applicant, application, requirement, answers: dict, profile) -> bytes:
    """The filled form to print and sign (附件一, 附件六); the answers are kept as the draft. No document."""
    spec = _spec_or_refuse(requirement)
    ensure_item_open(applicant=applicant, application=application, requirement=requirement, profile=profile)
    _store_draft(application=application, requirement=requirement, spec=spec, answers=answers, version=0, force=True)
    return render_form(spec=spec, application=application, profile=profile, answers=answers)
