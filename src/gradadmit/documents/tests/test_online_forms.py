"""Items filled online with a brochure form: the office's choice, drafts across tabs, lengths, deadline, PDF."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.errors import DeadlinePassed, DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.documents import online_forms
from gradadmit.documents.brochure_forms import ESSAY_LIMIT, FORM_1, FORM_3
from gradadmit.documents.models import Document, FormDraft
from gradadmit.testing.factories import ApplicationFactory, OfficeFactory
from gradadmit.testing.files import pdf_text

pytestmark = pytest.mark.django_db


def online_item(application, code, form):
    requirement = application.program.document_requirements.filter(code=code).first()
    if requirement is None:
        requirement = application.program.document_requirements.create(code=code, name_zh=code, order=5)
    online_forms.set_online_form(actor=OfficeFactory(), requirement=requirement, form=form)
    requirement.refresh_from_db()
    return requirement


def form_url(application, requirement, name="documents:form"):
    return reverse(name, args=[application.pk, requirement.pk])


def save(client, application, requirement, version, **data):
    return client.post(form_url(application, requirement, "documents:form_draft"), {"draft_version": version, **data})


@pytest.fixture
def autobiography(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    return application, online_item(application, "autobiography", "form-03")


# --- the office's choice ------------------------------------------------------------------------------------------


def test_the_office_marks_an_item_as_an_online_form_with_an_audit_entry():
    application = ApplicationFactory()
    requirement = online_item(application, "cv", "form-02")
    assert requirement.online_form.form == "form-02"
    assert AuditEntry.objects.filter(action="documents.online_form_set", target_id=str(requirement.pk)).exists()
    online_forms.set_online_form(actor=OfficeFactory(), requirement=requirement, form="")
    requirement.refresh_from_db()
    assert online_forms.spec_for(requirement) is None


def test_an_unknown_form_is_refused():
    application = ApplicationFactory()
    with pytest.raises(DomainError):
        online_item(application, "cv", "form-99")


def test_the_items_page_offers_the_form_instead_of_an_upload(client, autobiography):
    application, requirement = autobiography
    page = client.get(reverse("documents:items", args=[application.pk])).content.decode()
    assert form_url(application, requirement) in page
    assert f'action="{reverse("documents:upload", args=[application.pk, requirement.pk])}"' not in page


def test_an_online_item_refuses_an_uploaded_file(client, autobiography):
    from gradadmit.testing.files import pdf_bytes, upload

    application, requirement = autobiography
    url = reverse("documents:upload", args=[application.pk, requirement.pk])
    response = client.post(url, {"file": upload("essay.pdf", pdf_bytes())}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and not Document.objects.exists()


def test_a_form_to_sign_is_printed_and_its_item_still_takes_the_signed_scan(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    requirement = online_item(application, "degree-proof", "form-01")
    page = client.get(reverse("documents:items", args=[application.pk])).content.decode()
    assert form_url(application, requirement) in page
    assert f'action="{reverse("documents:upload", args=[application.pk, requirement.pk])}"' in page


# --- the page and drafts -------------------------------------------------------------------------------------------


def test_the_form_opens_with_the_profile_s_values_and_then_the_draft_over_them(client, autobiography):
    application, requirement = autobiography
    page = client.get(form_url(application, requirement))
    assert page.context["form"].initial["school"] == application.applicant.profile.school
    assert page.context["version"] == 0
    assert save(client, application, requirement, 0, school="另一所大學", text="草稿").json()["version"] == 1
    page = client.get(form_url(application, requirement))
    assert page.context["form"].initial["school"] == "另一所大學" and page.context["version"] == 1
    assert f'maxlength="{ESSAY_LIMIT}"' in page.content.decode()


def test_two_tabs_saving_the_same_draft_the_stale_one_is_told_and_nothing_is_overwritten(client, autobiography):
    application, requirement = autobiography
    save(client, application, requirement, 0, text="first")
    later = save(client, application, requirement, 1, text="second tab, later")
    assert later.status_code == 200 and later.json()["version"] == 2
    earlier = save(client, application, requirement, 1, text="first tab's newer typing")
    assert earlier.status_code == 409
    answer = earlier.json()
    assert answer["conflict"] and answer["version"] == 2 and "另一個分頁" in answer["error"]
    assert FormDraft.objects.get().data["text"] == "second tab, later"
    forced = save(client, application, requirement, 1, text="first tab's newer typing", force="1")
    assert forced.status_code == 200 and forced.json()["version"] == 3
    assert FormDraft.objects.get().data["text"] == "first tab's newer typing"


def test_a_draft_field_over_its_length_is_refused_not_cut(client, autobiography):
    application, requirement = autobiography
    response = save(client, application, requirement, 0, text="字" * (ESSAY_LIMIT + 1))
    assert response.status_code == 400 and "text" in response.json()["fields"]
    assert not FormDraft.objects.exists()


def test_a_draft_keeps_only_the_form_s_fields(client, autobiography):
    application, requirement = autobiography
    save(client, application, requirement, 0, text="好", evil="x")
    assert FormDraft.objects.get().data == {"text": "好"}


def test_line_ends_count_as_one_character_as_the_browser_counts_them(client, autobiography):
    application, requirement = autobiography
    text = "一\r\n" * (ESSAY_LIMIT // 2)
    assert save(client, application, requirement, 0, text=text).status_code == 200


# --- submitting ----------------------------------------------------------------------------------------------------


def test_submitting_makes_a_checked_pdf_the_item_s_current_document(client, autobiography, tmp_path):
    application, requirement = autobiography
    response = client.post(
        form_url(application, requirement), {"school": "國立彰化師範大學", "text": "我的自傳。\n第二段。"}
    )
    assert response.status_code == 302
    document = Document.objects.get(requirement=requirement, is_current=True)
    assert document.form == "form-03" and document.content_type == "application/pdf" and document.pages >= 1
    assert document.original_name == "附件三-個人自傳.pdf"
    text = pdf_text(document.file.read(), tmp_path).replace("\n", "")
    assert "個人自傳" in text and "我的自傳" in text and "生涯規劃" in text
    assert FormDraft.objects.get().submitted_at is not None
    assert AuditEntry.objects.filter(action="documents.form_submitted", target_id=str(document.pk)).exists()


def test_submitting_again_keeps_the_earlier_version(client, autobiography):
    application, requirement = autobiography
    for text in ("第一版", "第二版"):
        client.post(form_url(application, requirement), {"school": "某大學", "text": text})
    versions = Document.objects.filter(requirement=requirement).order_by("uploaded_at")
    assert [d.is_current for d in versions] == [False, True]


def test_a_form_submitted_after_the_documents_deadline_is_refused(client, autobiography):
    application, requirement = autobiography
    application.program.cycle.milestones.filter(kind="documents").update(ends_at=clock.now() - timedelta(seconds=1))
    response = client.post(form_url(application, requirement), {"school": "某大學", "text": "太晚了"})
    assert response.status_code == 400 and not Document.objects.exists()
    assert response.context["form"].non_field_errors()
    with pytest.raises(DeadlinePassed):
        online_forms.submit_online_form(applicant=application.applicant, application=application,
                                        requirement=requirement, answers={"school": "x", "text": "y"},
                                        profile=application.applicant.profile)  # fmt: skip
    assert save(client, application, requirement, 0, text="草稿").status_code == 403


def test_a_submitted_field_over_its_length_is_refused_with_the_field_marked(client, autobiography):
    application, requirement = autobiography
    response = client.post(form_url(application, requirement), {"school": "校" * 61, "text": "內容"})
    assert response.status_code == 400 and "school" in response.context["form"].errors
    assert not Document.objects.exists()


def test_required_answers_and_cross_field_rules_are_checked(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    requirement = online_item(application, "degree-proof", "form-01")
    response = client.post(form_url(application, requirement), {"school": "某大學", "department": "某系",
                                                                 "schedule": "day", "reason": "delayed"})  # fmt: skip
    assert response.status_code == 400 and "expected" in response.context["form"].errors


def test_a_form_to_sign_is_rendered_to_print_and_creates_no_document(client, tmp_path):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    requirement = online_item(application, "degree-proof", "form-01")
    response = client.post(form_url(application, requirement), {"school": "某大學", "department": "某系",
                                                                 "schedule": "day", "reason": "graduating"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "切結書" in text and "簽名" in text and application.applicant.profile.name_zh in text
    assert not Document.objects.exists() and FormDraft.objects.get().data["reason"] == "graduating"
    with pytest.raises(DomainError):
        online_forms.submit_online_form(applicant=application.applicant, application=application,
                                        requirement=requirement, answers={}, profile=application.applicant.profile)  # fmt: skip


# --- who may ---------------------------------------------------------------------------------------------------------


def test_another_applicant_s_form_and_an_upload_item_are_404(client, autobiography):
    application, requirement = autobiography
    other = ApplicationFactory()
    client.force_login(other.applicant)
    assert client.get(form_url(application, requirement)).status_code == 404
    assert save(client, application, requirement, 0, text="x").status_code == 404
    client.force_login(application.applicant)
    cv = application.program.document_requirements.get(code="cv")
    assert client.get(form_url(application, cv)).status_code == 404


def test_every_brochure_form_renders_through_the_shared_renderer(tmp_path):
    from gradadmit.documents.brochure_forms import FORMS

    application = ApplicationFactory()
    for spec in FORMS.values():
        data = online_forms.render_form(spec=spec, application=application, profile=application.applicant.profile,
                                        answers={})  # fmt: skip
        assert data.startswith(b"%PDF") and spec.title_zh in pdf_text(data, tmp_path).replace(" ", "")
    assert FORM_1.needs_signature and not FORM_3.needs_signature


# --- configuration and demo ------------------------------------------------------------------------------------------


def test_the_programme_configuration_page_offers_the_choice_per_item(client):
    application = ApplicationFactory()
    client.force_login(OfficeFactory())
    page = client.get(reverse("admin:cycles_program_change", args=[application.program.pk])).content.decode()
    assert 'name="document_requirements-1-online_form"' in page and "form-03" in page


def test_saving_the_item_with_a_form_sets_it_with_the_staff_member_in_the_audit_log():
    from gradadmit.documents.admin_forms import RequirementForm

    application, office = ApplicationFactory(), OfficeFactory()
    requirement = application.program.document_requirements.get(code="cv")
    form_class = type("Bound", (RequirementForm,), {"actor": office, "Meta": type("Meta", (), {
        "model": type(requirement), "fields": ["name_zh", "order", "code", "max_size_mb", "file_kind", "applies_to"]})})  # fmt: skip
    data = {"name_zh": "學經歷表", "order": 2, "code": "cv", "max_size_mb": 5, "file_kind": "pdf",
            "applies_to": "everyone", "online_form": "form-02"}  # fmt: skip
    form = form_class(data, instance=requirement)
    assert form.is_valid(), form.errors
    form.save()
    requirement.refresh_from_db()
    assert requirement.online_form.form == "form-02"
    assert AuditEntry.objects.get(action="documents.online_form_set").actor == office
    assert form_class(instance=requirement).fields["online_form"].initial == "form-02"


def test_the_demo_marks_the_essays_and_the_record_as_online_forms():
    from gradadmit.cycles.demo import load_demo_cycle

    cycle = load_demo_cycle()
    marked = {
        r.code: r.online_form.form
        for r in cycle.programs.first().document_requirements.select_related("online_form")
        if hasattr(r, "online_form")
    }
    assert marked == {"degree-proof": "form-01", "autobiography": "form-03", "study-plan": "form-04", "cv": "form-02",
                      "service-certificate": "form-06"}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_from_the_same_version_at_once_one_wins_the_other_is_told():
    import threading

    from django.db import connection
    from django.test import Client

    application = ApplicationFactory()
    requirement = online_item(application, "autobiography", "form-03")
    results = []

    def send(text):
        client = Client()
        client.force_login(application.applicant)
        try:
            results.append((save(client, application, requirement, 0, text=text).status_code, text))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(f"tab {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _text in results)
    assert codes == [200, 409, 409, 409], results  # SQLite serialises writers; PostgreSQL locks the draft row
    draft = FormDraft.objects.get()
    assert draft.version == 1 and (200, draft.data["text"]) in results
