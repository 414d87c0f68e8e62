"""Every deadline check asks here: the cycle's calendar plus extensions granted by the office.

A calendar comes from the cycle's configuration each process keeps (cycles.configuration: milestones and
extensions, loaded again when the cycle's version changes) and then answers any number of questions, so pages
that show many deadlines stay at a fixed query count.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.errors import DeadlinePassed, NotOpenYet
from gradadmit.core.rocdate import format_for_language

ALL, ARTICLE_7 = "all", "article7"


@dataclass(frozen=True)
class Window:
    kind: str
    starts_at: datetime
    ends_at: datetime | None  # effective, after extensions
    scheduled_end: datetime | None
    extended: bool = False

    def is_open(self, at=None) -> bool:
        at = at or clock.now()
        return self.starts_at <= at and (self.ends_at is None or at <= self.ends_at)

    def has_started(self, at=None) -> bool:
        return self.starts_at <= (at or clock.now())

    def has_ended(self, at=None) -> bool:
        return self.ends_at is not None and (at or clock.now()) > self.ends_at


def scope_for(profile) -> str:
    """Article-7 applicants follow their own (earlier) window when the calendar has one."""
    if profile is not None and profile.education_status == "equivalent" and profile.equivalent_article == 7:
        return ARTICLE_7
    return ALL


class CycleCalendar:
    def __init__(self, cycle, milestones, extensions, applicant=None):
        self.cycle = cycle
        self.applicant = applicant
        self._milestones = {(m.kind, m.scope): m for m in milestones}
        self._extensions = extensions
        self._windows = {}  # (kind, scope) -> Window | None: a calendar lives for one request

    def milestones(self) -> list:
        """Every milestone of the cycle, in the calendar's order (as Milestone's Meta.ordering)."""
        return sorted(self._milestones.values(), key=lambda milestone: (milestone.starts_at, milestone.id))

    def milestone(self, kind, scope=ALL):
        return self._milestones.get((kind, scope)) or self._milestones.get((kind, ALL))

    def window(self, kind, scope=ALL) -> Window | None:
        try:
            return self._windows[kind, scope]
        except KeyError:
            window = self._windows[kind, scope] = self._window(kind, scope)
            return window

    def _window(self, kind, scope) -> Window | None:
        milestone = self.milestone(kind, scope)
        if milestone is None:
            return None
        scheduled_end = milestone.ends_at
        end = scheduled_end
        extended = False
        for extension in self._extensions:
            if extension.kind != kind:
                continue
            if extension.applicant_id not in (None, getattr(self.applicant, "id", None)):
                continue
            if end is None or extension.extended_until > end:
                end, extended = extension.extended_until, True
        return Window(kind, milestone.starts_at, end, scheduled_end, extended)

    def is_open(self, kind, scope=ALL, at=None) -> bool:
        window = self.window(kind, scope)
        return window is not None and window.is_open(at)

    def ensure_open(self, kind, scope=ALL, at=None) -> Window:
        """Raise a translated DeadlinePassed / NotOpenYet unless the step is open now (server time)."""
        window = self.window(kind, scope)
        at = at or clock.now()
        label = _label(kind)
        if window is None:
            raise NotOpenYet(_("%(step)s is not scheduled for this cycle.") % {"step": label})
        if not window.has_started(at):
            raise NotOpenYet(
                _("%(step)s opens on %(date)s.")
                % {"step": label, "date": format_for_language(window.starts_at, _current_language())}
            )
        if window.has_ended(at):
            raise DeadlinePassed(
                _("The deadline for %(step)s passed on %(date)s. Contact the admissions office if you need help.")
                % {"step": label, "date": format_for_language(window.ends_at, _current_language())}
            )
        return window


def _label(kind):
    from gradadmit.cycles.models import Milestone

    return str(Milestone.Kind(kind).label)


def _current_language():
    from django.utils.translation import get_language

    return get_language() or "zh-hant"


def calendar_for(cycle, applicant=None) -> CycleCalendar:
    return calendars_for([cycle], applicant)[cycle.id]


def calendars_for(cycles, applicant=None) -> dict[int, CycleCalendar]:
    """Calendars for several cycles: each process keeps a cycle's calendar while the cycle's version stays
    (cycles.configuration); no query when the cycles came with their version, as joined to an application."""
    from gradadmit.cycles.configuration import configuration_of

    calendars = {}
    for cycle in cycles:
        configuration = configuration_of(cycle)
        calendars[cycle.id] = CycleCalendar(
            cycle, configuration.milestones(), configuration.extensions(applicant), applicant
        )
    return calendars
