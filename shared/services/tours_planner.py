"""The week as the docents' planner shows it: each day's hall hours, each venue's load per hour
and each docent's free time.

A day's sessions come from the site's weekly hours and the holiday calendar
(:mod:`shared.services.hours`), split so the planner can mark them: the usual sessions, the
延时服务 sessions an extended-hours day adds, and closed days with the reason (the holiday's
name, 休息 for a weekend). Loads and free time are pure functions of the tours as screens see
them (:class:`~shared.services.tours_views.TourView`), computed once in the background so the
planner only draws them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shared.clock import HALL_TZ
from shared.services.holidays import effective_days
from shared.services.hours import day_sessions
from shared.services.settings import get_setting
from shared.services.tours_rules import INACTIVE_STATES
from shared.services.tours_views import TourView
from shared.services.weekly_hours import to_time

Span = tuple[dt.time, dt.time]
HOURS = 24


@dataclass(frozen=True)
class PlanDay:
    """One day of the planner.

    Attributes:
        sessions: every staffed session, sorted (the usual ones and any 延时服务 ones).
        extended: the 延时服务 sessions among them (an extended-hours day of the calendar).
        note: why the day is special, for the planner to print: the holiday's name (or
            休息 for a closed weekday), 调休上班, 延时服务; empty for an ordinary day.
    """

    day: dt.date
    sessions: tuple[Span, ...]
    extended: tuple[Span, ...]
    note: str

    @property
    def closed(self) -> bool:
        """No staffed session: a weekend or a holiday."""
        return not self.sessions

    def open_minutes(self) -> int:
        """Staffed minutes of the day."""
        return sum(_minutes(b) - _minutes(a) for a, b in self.sessions)


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def plan_days(session: Session, site_id: uuid.UUID, first: dt.date, last: dt.date) -> list[PlanDay]:
    """The planner's days from ``first`` to ``last``: sessions, extended sessions, notes."""
    hours = get_setting(session, "hall_hours", site_id)
    calendar = effective_days(session, site_id, first, last)
    days = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        entry = calendar.get(day)
        sessions = tuple(day_sessions(hours, day, entry))
        extended: tuple[Span, ...] = ()
        note = ""
        if entry is not None and entry.kind == "holiday":
            note = entry.name or "节假日"
        elif entry is not None and entry.kind == "workday":
            note = "调休上班"
        elif entry is not None and entry.kind == "extended":
            extended = tuple(sorted((to_time(a), to_time(b)) for a, b in entry.sessions))
            note = entry.name or "延时服务"
        if not sessions and not note:
            note = "休息"
        days.append(PlanDay(day, sessions, extended, note))
    return days


def live(tours: Iterable[TourView]) -> list[TourView]:
    """The tours that hold a docent and a room (not cancelled, not no-show)."""
    return [t for t in tours if t.state not in INACTIVE_STATES]


def venue_load(tours: Iterable[TourView], venue: str, start: dt.datetime, end: dt.datetime) -> int:
    """The peak number of visitors in ``venue`` during ``[start, end)`` (live tours only)."""
    present = [
        (a, b, t.expected_visitors)
        for t in live(tours)
        for code, _name, a, b in t.segments
        if code == venue and a < end and b > start
    ]
    moments = [start] + [a for a, _b, _n in present if a > start]
    return max((sum(n for a, b, n in present if a <= m < b) for m in moments), default=0)


def hourly_loads(tours: Sequence[TourView], venue: str, day: dt.date) -> tuple[int, ...]:
    """The peak load of ``venue`` in each hour of ``day`` (24 numbers, hall-local hours)."""
    midnight = dt.datetime.combine(day, dt.time(0), HALL_TZ)
    mine = [t for t in tours if any(code == venue for code, _n, _a, _b in t.segments)]
    return tuple(
        venue_load(
            mine,
            venue,
            midnight + dt.timedelta(hours=hour),
            midnight + dt.timedelta(hours=hour + 1),
        )
        for hour in range(HOURS)
    )


def peak_of_day(tours: Sequence[TourView], venue: str, day: dt.date) -> tuple[int, str]:
    """The day's peak load of ``venue`` and when it starts (``HH:MM``; empty when idle)."""
    start = dt.datetime.combine(day, dt.time(0), HALL_TZ)
    end = start + dt.timedelta(days=1)
    moments = sorted(
        {a for t in live(tours) for c, _n, a, _b in t.segments if c == venue and start <= a < end}
    )
    best, at = 0, ""
    for moment in moments:
        load = venue_load(tours, venue, moment, moment + dt.timedelta(seconds=1))
        if load > best:
            best, at = load, f"{moment.astimezone(HALL_TZ):%H:%M}"
    return best, at


def free_minutes(plan: PlanDay, tours: Iterable[TourView], username: str) -> int:
    """A docent's staffed minutes that day not taken by one of their live tours."""
    taken = 0
    for a, b in plan.sessions:
        start = dt.datetime.combine(plan.day, a, HALL_TZ)
        end = dt.datetime.combine(plan.day, b, HALL_TZ)
        for t in live(tours):
            if username in {u for u, _n in t.docents}:
                overlap = min(end, t.ends_at) - max(start, t.starts_at)
                taken += max(0, int(overlap.total_seconds() // 60))
    return max(0, plan.open_minutes() - taken)


__all__ = [
    "PlanDay",
    "free_minutes",
    "hourly_loads",
    "live",
    "peak_of_day",
    "plan_days",
    "venue_load",
]
