"""Whether a site's hall is open now, and when it opens next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from shared.clock import HALL_TZ, to_local, utcnow
from shared.models import Site
from shared.services.settings import get_setting


@dataclass(frozen=True)
class HallState:
    """Open or closed, with the next change; instants are timezone-aware."""

    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None


def _parse(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def hall_state(session: Session, site: Site, now: datetime | None = None) -> HallState:
    """The hall's state at ``now`` from its configured hours."""
    hours = get_setting(session, "hall_hours", site.id)
    return state_from_hours(hours, now or utcnow())


def state_from_hours(hours: dict[str, Any], now: datetime) -> HallState:
    """Pure form of :func:`hall_state`, for a given hours setting."""
    weekdays = set(hours["weekdays"])
    sessions = [(_parse(a), _parse(b)) for a, b in hours["sessions"]]
    local = to_local(now)
    if local.weekday() in weekdays:
        for start, end in sessions:
            if start <= local.time() < end:
                closes = datetime.combine(local.date(), end, HALL_TZ)
                return HallState(True, closes, None)
    for day_offset in range(0, 15):
        day = local.date() + timedelta(days=day_offset)
        if day.weekday() not in weekdays:
            continue
        for start, _end in sessions:
            opening = datetime.combine(day, start, HALL_TZ)
            if opening > local:
                return HallState(False, None, opening)
    return HallState(False, None, None)
