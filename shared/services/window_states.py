"""What a window is now — open, paused or closed — as plain data (issue #9).

The read half of :mod:`shared.services.window_sessions`: the wait estimate, the 叫号 page, the
display board and ``hall window status`` all ask here. "Open" is one condition,
:func:`open_today`: a session with no sign-out, signed in since the current business day
began. The partial unique index on open sessions narrows each window to at most one row, and
the lower bound on ``signed_in_at`` makes a session left open on an earlier day count as
closed without reading any history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from shared.clock import business_date, business_day_start, utcnow
from shared.errors import NotFound
from shared.models import Staff, Window, WindowSession
from shared.services.settings import get_setting, site_by_code

STATES = ("open", "paused", "closed")


@dataclass(frozen=True)
class WindowStatus:
    """A window as screens, the board and the CLI show it (plain data).

    Attributes:
        number: the window's number.
        name: its name, e.g. ``"3号窗口"``.
        location: where a citizen is told to go, e.g. ``"一楼公安户政区"``.
        queues: prefixes of the active queues it serves.
        state: ``open``, ``paused`` or ``closed``.
        reason: the pause reason (``""`` unless paused).
        since: when the state began (sign-in, pause or resume); ``None`` when closed.
        staff_name: the display name of the clerk signed in (``""`` when closed).
        staff_username: their username (``""`` when closed).
    """

    number: int
    name: str
    location: str
    queues: tuple[str, ...]
    state: str
    reason: str = ""
    since: datetime | None = None
    staff_name: str = ""
    staff_username: str = ""

    @property
    def is_open(self) -> bool:
        """Signed in and not paused: the window may call tickets."""
        return self.state == "open"

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "window": self.number,
            "name": self.name,
            "location": self.location,
            "queues": list(self.queues),
            "state": self.state,
            "reason": self.reason,
            "since": self.since.isoformat() if self.since else None,
            "staff": self.staff_username or None,
            "staff_name": self.staff_name or None,
        }


def cutover(session: Session, site_id: uuid.UUID) -> time:
    hours, minutes = str(get_setting(session, "business_day_cutover", site_id)).split(":")
    return time(int(hours), int(minutes))


def day_bounds(session: Session, site_id: uuid.UUID, now: datetime) -> tuple[date, datetime]:
    """The site's current business day and the instant it began (UTC)."""
    cut = cutover(session, site_id)
    day = business_date(now, cut)
    return day, business_day_start(day, cut)


def open_today(since: datetime | ColumnElement[Any]) -> ColumnElement[bool]:
    """The condition on :class:`WindowSession` rows for "open in the business day from
    ``since``": not signed out (the partial unique index) and signed in since then."""
    return and_(WindowSession.signed_out_at.is_(None), WindowSession.signed_in_at >= since)


def status_of(window: Window, row: WindowSession | None, member: Staff | None) -> WindowStatus:
    queues = tuple(q.prefix for q in window.queues if q.active)
    if row is None:
        return WindowStatus(window.number, window.name, window.location, queues, "closed")
    paused = row.paused_at is not None
    return WindowStatus(
        window.number,
        window.name,
        window.location,
        queues,
        state="paused" if paused else "open",
        reason=(row.pause_reason or "") if paused else "",
        since=row.paused_at if paused else row.signed_in_at,
        staff_name=member.display_name if member else "",
        staff_username=member.username if member else "",
    )


def window_states(
    session: Session, site_code: str, *, now: datetime | None = None
) -> list[WindowStatus]:
    """Every active window of a site with its state now, by number (read-only)."""
    now = now or utcnow()
    the_site = site_by_code(session, site_code)
    _day, start = day_bounds(session, the_site.id, now)
    rows = session.execute(
        select(Window, WindowSession, Staff)
        .outerjoin(WindowSession, and_(WindowSession.window_id == Window.id, open_today(start)))
        .outerjoin(Staff, Staff.id == WindowSession.staff_id)
        .where(Window.site_id == the_site.id, Window.active.is_(True))
        .order_by(Window.number)
    ).all()
    return [status_of(window, row, member) for window, row, member in rows]


def window_status(
    session: Session, *, site: str, window: int, now: datetime | None = None
) -> WindowStatus:
    """One window's state now (read-only)."""
    found = next((w for w in window_states(session, site, now=now) if w.number == window), None)
    if found is None:
        raise NotFound(f"no such window at {site}: {window}", "找不到该窗口。")
    return found


__all__ = [
    "STATES",
    "WindowStatus",
    "cutover",
    "day_bounds",
    "open_today",
    "status_of",
    "window_states",
    "window_status",
]
