"""Whether a site's hall is open now, and when it opens next — holidays and 调休 included.

A day's staffed sessions come from the site's weekly hours (setting ``hall_hours``, see
:mod:`shared.services.weekly_hours`) unless the holiday calendar says otherwise: a holiday
closes the day, a 调休 working day opens it (with its own sessions, else the site's usual
working-day sessions), an extended-hours day (延时服务) adds sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from shared.clock import HALL_TZ, to_local, utcnow
from shared.models import CalendarDay, Site
from shared.services.holidays import effective_days
from shared.services.settings import get_setting
from shared.services.weekly_hours import END_OF_DAY, sessions_for, to_time, working_weekdays

#: How far ahead to look for the next opening (a Spring Festival week plus weekends).
LOOKAHEAD_DAYS = 45

Span = tuple[time, time]


@dataclass(frozen=True)
class HallState:
    """Open or closed, with the next change; instants are timezone-aware.

    ``holiday`` names today's holiday when the hall is closed for one.
    """

    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None
    holiday: str | None = None


def usual_workday_sessions(hours: Mapping[str, Any]) -> list[Span]:
    """A 调休 working day's sessions when the calendar gives none: the first working day's."""
    days = working_weekdays(hours)
    return sessions_for(hours, days[0]) if days else []


def day_sessions(hours: Mapping[str, Any], day: date, entry: CalendarDay | None) -> list[Span]:
    """The staffed sessions of ``day`` (pure): weekly hours adjusted by the calendar entry."""
    usual = sessions_for(hours, day.weekday())
    if entry is None:
        return usual
    extra = [(to_time(a), to_time(b)) for a, b in entry.sessions]
    if entry.kind == "holiday":
        return []
    if entry.kind == "workday":
        return extra or usual or usual_workday_sessions(hours)
    return sorted(usual + extra)  # extended: the usual sessions and the extra ones


def sessions_on(session: Session, site: Site, day: date) -> list[Span]:
    """The staffed sessions of ``site`` on ``day``, holidays and 调休 included."""
    hours = get_setting(session, "hall_hours", site.id)
    entry = effective_days(session, site.id, day, day).get(day)
    return day_sessions(hours, day, entry)


def sessions_between(
    session: Session, site: Site | Any, first: date, last: date
) -> dict[date, list[Span]]:
    """Each day's staffed sessions from ``first`` to ``last`` (one calendar read)."""
    site_id = site.id if isinstance(site, Site) else site
    hours = get_setting(session, "hall_hours", site_id)
    calendar = effective_days(session, site_id, first, last)
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return {day: day_sessions(hours, day, calendar.get(day)) for day in days}


def hall_state(session: Session, site: Site, now: datetime | None = None) -> HallState:
    """The hall's state at ``now`` from its weekly hours and the holiday calendar."""
    now = now or utcnow()
    today = to_local(now).date()
    hours = get_setting(session, "hall_hours", site.id)
    calendar = effective_days(session, site.id, today, today + timedelta(days=LOOKAHEAD_DAYS))
    return state_from_hours(hours, now, calendar)


def _at(day: date, moment: time) -> datetime:
    if moment == END_OF_DAY:
        return datetime.combine(day + timedelta(days=1), time(0, 0), HALL_TZ)
    return datetime.combine(day, moment, HALL_TZ)


def state_from_hours(
    hours: Mapping[str, Any],
    now: datetime,
    calendar: Mapping[date, CalendarDay] | None = None,
) -> HallState:
    """Pure form of :func:`hall_state`, for given hours and calendar entries."""
    calendar = calendar or {}
    local = to_local(now)
    today_entry = calendar.get(local.date())
    holiday = (
        today_entry.name or "节假日" if today_entry and today_entry.kind == "holiday" else None
    )
    for start, end in day_sessions(hours, local.date(), today_entry):
        if _at(local.date(), start) <= local < _at(local.date(), end):
            return HallState(True, _at(local.date(), end), None)
    for offset in range(0, LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for start, _end in day_sessions(hours, day, calendar.get(day)):
            opening = _at(day, start)
            if opening > local:
                return HallState(False, None, opening, holiday)
    return HallState(False, None, None, holiday)
