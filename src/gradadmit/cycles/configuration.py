"""A cycle's configuration that nearly every applicant page reads, kept in each process between requests.

The calendar (milestones and deadline extensions) and the document items of every programme (with their template and
online form) change a few times a cycle and are read on every page of 考生專區: loading them was a third of a page's
queries. Each process keeps the last configuration it loaded for a cycle, labelled with the cycle's
`config_version`, and hands it out while the cycle row it is asked for (which the page loads anyway, joined to the
application or programme) carries the same version.

Every write to a configuration row changes the version in the same transaction:
- saving or deleting one row (the admin, forms, services): post_save/post_delete signals (`connect()`);
- `update()`, `bulk_update()` and `bulk_create()` on their querysets (`ConfigurationQuerySet`), which bypass signals;
- saving the cycle itself (`Cycle.save()` draws a new version, so a cycle saved from an older copy never brings an
  old version back).
A rolled-back change leaves a version nobody reads again. A load reads the version before the rows, so rows kept
under a version are at least as new as it.

Callers get copies of the rows: a page may set attributes on them without another request seeing it.
"""

import threading
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass

from django.db import models

from gradadmit.core.kept import WriteReportingQuerySet, clone, on_row_write

KEEP = 256  # configurations kept per process (practice cycles come and go); the least recently used goes first
_kept: OrderedDict = OrderedDict()  # cycle id -> Configuration
_lock = threading.Lock()


@dataclass(frozen=True)
class Configuration:
    cycle_id: int
    version: uuid.UUID
    _milestones: tuple
    _extensions: tuple
    _requirements: dict  # program id -> tuple of its document items in their order

    def milestones(self) -> list:
        return [clone(milestone) for milestone in self._milestones]

    def extensions(self, applicant=None) -> list:
        """Extensions for every applicant, and those granted to `applicant` (when signed in)."""
        applicant_id = applicant.id if applicant is not None and applicant.is_authenticated else None
        return [clone(e) for e in self._extensions if e.applicant_id is None or e.applicant_id == applicant_id]

    def requirements(self, program_id) -> list:
        """The programme's document items in their order, with template and online form joined."""
        return [clone(requirement) for requirement in self._requirements.get(program_id, ())]

    def requirement(self, program_id, pk):
        """One of the programme's document items, or None (another programme's item is not found either)."""
        found = next((r for r in self._requirements.get(program_id, ()) if r.pk == pk), None)
        return clone(found) if found is not None else None


def configuration_of(cycle) -> Configuration:
    """The cycle's configuration: this process's copy while `cycle` carries its version, else loaded (4 queries)."""
    if cycle.pk is None:  # not saved: nothing configured yet
        return Configuration(cycle_id=None, version=None, _milestones=(), _extensions=(), _requirements={})
    version = cycle.__dict__.get("config_version")  # absent when the caller's query deferred it
    read = version is None
    if read:
        version = _current_version(cycle.pk)
    with _lock:
        kept = _kept.get(cycle.pk)
        if kept is not None and kept.version == version:
            _kept.move_to_end(cycle.pk)
            return kept
    loaded = _load(cycle.pk, version if read else None)  # a version just read need not be read again
    with _lock:
        _kept[cycle.pk] = loaded
        _kept.move_to_end(cycle.pk)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return loaded


def _current_version(cycle_id):
    from gradadmit.cycles.models import Cycle

    return Cycle.objects.filter(pk=cycle_id).values_list("config_version", flat=True).first()


def _load(cycle_id, version=None) -> Configuration:
    """The rows, read after the version (`version`, if the caller has just read it): they are at least as new."""
    from gradadmit.cycles.models import DeadlineExtension, DocumentRequirement, Milestone

    if version is None:
        version = _current_version(cycle_id)
    requirements = defaultdict(list)
    for requirement in DocumentRequirement.objects.filter(program__cycle_id=cycle_id).select_related(
        "template", "online_form"
    ):  # Meta.ordering: programme, order, id
        requirements[requirement.program_id].append(requirement)
    return Configuration(
        cycle_id=cycle_id,
        version=version,
        _milestones=tuple(Milestone.objects.filter(cycle_id=cycle_id)),
        _extensions=tuple(DeadlineExtension.objects.filter(cycle_id=cycle_id).order_by("id")),
        _requirements={program_id: tuple(rows) for program_id, rows in requirements.items()},
    )


def forget(cycle_ids) -> None:
    with _lock:
        for cycle_id in cycle_ids:
            _kept.pop(cycle_id, None)


def changed(cycle_ids, *, using=None) -> None:
    """The configuration of these cycles changed: give each a new version (in the caller's transaction)."""
    from gradadmit.cycles.models import Cycle

    cycle_ids = {cycle_id for cycle_id in cycle_ids if cycle_id is not None}
    if not cycle_ids:
        return
    Cycle.objects.using(using).filter(pk__in=cycle_ids).update(config_version=uuid.uuid4())
    forget(cycle_ids)  # this process need not wait for the version to differ


class ConfigurationQuerySet(WriteReportingQuerySet):
    """The queryset of a configuration model: writes that bypass signals change the cycles' versions too.

    The model names the path from its rows to their cycle's id in `configuration_cycle`.
    """

    def touched(self, objs=None):
        if objs is None:
            return set(self.values_list(self.model.configuration_cycle, flat=True))
        return {cycle_of(obj) for obj in objs}

    def report(self, keys):
        changed(keys, using=self.db)


def cycle_of(instance):
    """The cycle id of a configuration row, following `configuration_cycle` ("cycle_id", "program__cycle_id" …)."""
    value = instance
    *steps, last = instance.configuration_cycle.split("__")
    for step in steps:
        value = getattr(value, step, None)
        if value is None:
            return None
    return getattr(value, last, None)


def _on_write(sender, instance, using=None, **kwargs):
    try:
        cycle_id = cycle_of(instance)
    except models.ObjectDoesNotExist:  # a row deleted with its programme or cycle: nothing left to read
        return
    changed([cycle_id], using=using)


def connect(*model_classes) -> None:
    """Change the cycle's version whenever one row of these models is saved or deleted."""
    on_row_write(_on_write, "configuration", *model_classes)
