"""The configuration each process keeps (cycles.configuration): every write path is seen by the next read, a
read with the cycle's version runs no query, and nothing of a rolled-back change or an older copy survives."""

from datetime import timedelta

import pytest
from django.db import connection, transaction

from gradadmit.core import clock
from gradadmit.core.deadlines import calendar_for
from gradadmit.cycles.configuration import changed, configuration_of
from gradadmit.cycles.models import Cycle, DeadlineExtension, DocumentRequirement, FormTemplate, Milestone
from gradadmit.documents.models import OnlineForm
from gradadmit.testing.factories import CycleFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(cycle):
    """The cycle as the next request loads it."""
    return Cycle.objects.get(pk=cycle.pk)


def application_end(cycle):
    return calendar_for(fresh(cycle)).window("application").ends_at


def test_a_read_with_the_version_runs_no_query(django_assert_num_queries):
    program = ProgramFactory()
    cycle = fresh(program.cycle)
    configuration_of(cycle)  # loads
    with django_assert_num_queries(0):
        calendar = calendar_for(cycle)
        assert calendar.window("application") is not None
        assert [r.code for r in configuration_of(cycle).requirements(program.pk)] == ["photo", "cv"]


def test_a_change_another_process_made_is_read_once_the_version_moves():
    cycle = CycleFactory()
    before = application_end(cycle)
    later = before + timedelta(days=2)
    with connection.cursor() as cursor:  # as another process: no signal reaches this one
        cursor.execute(
            "UPDATE cycles_milestone SET ends_at = %s WHERE cycle_id = %s AND kind = 'application' AND scope = 'all'",
            [later, cycle.pk],
        )
    assert application_end(cycle) == before  # kept: the version did not change
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cycles_cycle SET config_version = %s WHERE id = %s", ["0" * 32, cycle.pk])
    assert application_end(cycle) == later


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda m, end: Milestone.objects.filter(pk=m.pk).update(ends_at=end), id="update"),
        pytest.param(lambda m, end: (setattr(m, "ends_at", end), m.save()), id="save"),
        pytest.param(
            lambda m, end: (setattr(m, "ends_at", end), Milestone.objects.bulk_update([m], ["ends_at"])),
            id="bulk_update",
        ),
        pytest.param(lambda m, end: m.cycle.milestones.filter(kind=m.kind).update(ends_at=end), id="related update"),
    ],
)
def test_every_write_to_a_milestone_is_seen(write):
    cycle = CycleFactory()
    application_end(cycle)  # kept
    milestone = Milestone.objects.get(cycle=cycle, kind="application", scope="all")
    later = milestone.ends_at + timedelta(days=3)
    write(milestone, later)
    assert application_end(cycle) == later


def test_created_and_deleted_milestones_are_seen():
    cycle = CycleFactory()
    assert calendar_for(fresh(cycle)).window("checkin") is None
    now = clock.now()
    Milestone.objects.bulk_create([Milestone(cycle=cycle, kind="checkin", starts_at=now, ends_at=now)])
    assert calendar_for(fresh(cycle)).window("checkin") is not None
    Milestone.objects.filter(cycle=cycle, kind="checkin").delete()
    assert calendar_for(fresh(cycle)).window("checkin") is None


def test_an_extension_granted_is_seen_by_its_applicant_only():
    cycle = CycleFactory()
    lucky, other = UserFactory(), UserFactory()
    end = application_end(cycle)
    DeadlineExtension.objects.create(
        cycle=cycle, kind="application", applicant=lucky, extended_until=end + timedelta(days=1), reason="x"
    )
    assert calendar_for(fresh(cycle), lucky).window("application").extended
    assert not calendar_for(fresh(cycle), other).window("application").extended
    assert not calendar_for(fresh(cycle)).window("application").extended


def test_document_items_their_forms_and_templates_are_seen():
    program = ProgramFactory()
    cycle = program.cycle

    def items():
        return configuration_of(fresh(cycle)).requirements(program.pk)

    assert [r.code for r in items()] == ["photo", "cv"]
    DocumentRequirement.objects.filter(program=program, code="cv").update(name_en="Résumé")
    assert items()[1].name_en == "Résumé"
    cv = DocumentRequirement.objects.get(program=program, code="cv")
    OnlineForm.objects.create(requirement=cv, form="a1")
    assert items()[1].online_form.form == "a1"
    template = FormTemplate.objects.create(cycle=cycle, code="cv-form", title_zh="學經歷表")
    DocumentRequirement.objects.filter(pk=cv.pk).update(template=template)
    FormTemplate.objects.filter(pk=template.pk).update(title_en="CV form")
    assert items()[1].template.title_en == "CV form"
    cv.delete()
    assert [r.code for r in items()] == ["photo"]


def test_another_programmes_item_is_not_found():
    program, other = ProgramFactory(), ProgramFactory()
    item = other.document_requirements.first()
    assert configuration_of(fresh(program.cycle)).requirement(program.pk, item.pk) is None
    assert configuration_of(fresh(other.cycle)).requirement(other.pk, item.pk).code == item.code


def test_rows_handed_out_are_copies():
    program = ProgramFactory()
    configuration = configuration_of(fresh(program.cycle))
    configuration.requirements(program.pk)[0].name_zh = "changed by a page"
    configuration.milestones()[0].ends_at = None
    assert configuration.requirements(program.pk)[0].name_zh == "照片"
    assert all(m.ends_at is not None for m in configuration.milestones() if m.kind != "results")


def test_nothing_of_a_rolled_back_change_is_kept():
    cycle = CycleFactory()
    before = application_end(cycle)
    with pytest.raises(RuntimeError), transaction.atomic():
        Milestone.objects.filter(cycle=cycle, kind="application", scope="all").update(ends_at=before + timedelta(1))
        assert application_end(cycle) == before + timedelta(1)  # read, and kept, inside the transaction
        raise RuntimeError
    assert application_end(cycle) == before


def test_a_cycle_saved_from_an_older_copy_does_not_bring_its_version_back():
    cycle = CycleFactory()
    older = fresh(cycle)
    old_version = older.config_version
    application_end(cycle)  # kept under the old version
    Milestone.objects.filter(cycle=cycle, kind="application", scope="all").update(ends_at=clock.now())
    newer_version = fresh(cycle).config_version
    older.name_en = "Renamed"
    older.save()  # a new version again, never the copy's old one
    assert fresh(cycle).config_version not in (old_version, newer_version)
    assert application_end(cycle) == Milestone.objects.get(cycle=cycle, kind="application", scope="all").ends_at


def test_changed_moves_the_version():
    cycle = CycleFactory()
    version = fresh(cycle).config_version
    changed([cycle.pk])
    assert fresh(cycle).config_version != version
