"""Window sessions (窗口签到): a clerk signs a window in, pauses it, resumes and signs out.

A window is *open* while it has a session of today's business day with no sign-out, and
*paused* while that session has a ``paused_at``. Open windows are what the wait estimate
divides by, what 叫下一位 requires and what the display board lists; every move is also kept as
a :class:`~shared.models.WindowEvent` (never rewritten) for 在岗率, recorded in the change feed
(kind ``window``) and audited.

Rules decided here (issue #9, item 5):

- **One open session per window.** The partial unique index ``uq_window_sessions_open``
  enforces it on both backends; a sign-in that loses a race at the insert is refused as a
  :class:`Conflict`, never a duplicate.
- **The same clerk signing in again** at a window already open under their name changes
  nothing (a double click or a retry is harmless). **Another clerk** is refused: the window is
  signed out first (any member of staff may sign a window out, audited, so a session someone
  forgot can always be closed).
- **One window per clerk.** A clerk open at another window today is refused with that
  window's number. Sign-ins of one clerk are serialised by locking their staff row (``FOR
  UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises every writer).
- **Stale sessions.** A session left open from an earlier business day is not open today:
  reads only count sessions signed in since the current business day began (the partial
  index narrows each window to its one open row, so no history is scanned). The next move at
  that window closes it, signed out at the end of its own business day with the reason
  :data:`STALE_REASON`, so a forgotten sign-out never counts the night as staffed.

The reads (:class:`WindowStatus`, :func:`window_states`) live in
:mod:`shared.services.window_states` and are re-exported here.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import business_date, business_day_start, utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import Site, Staff, Ticket, Window, WindowEvent, WindowSession
from shared.services.audit import audit
from shared.services.settings import site_by_code
from shared.services.window_states import (
    WindowStatus,
    cutover,
    day_bounds,
    open_today,
    status_of,
    window_states,
    window_status,
)

#: The reason written when a session from an earlier business day is closed.
STALE_REASON = "自动签退"
MAX_REASON = 60


def _window(session: Session, site: Site, number: int) -> Window:
    window = session.scalar(
        select(Window).where(Window.site_id == site.id, Window.number == number)
    )
    if window is None or not window.active:
        raise NotFound(f"no such window at {site.code}: {number}", "找不到该窗口。")
    return window


def _open_row(
    session: Session, window: Window, now: datetime, *, lock: bool = False
) -> WindowSession | None:
    """The window's open session of today; a stale one is closed on the way (a write)."""
    query = select(WindowSession).where(
        WindowSession.window_id == window.id, WindowSession.signed_out_at.is_(None)
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        return None
    _day, start = day_bounds(session, window.site_id, now)
    if row.signed_in_at >= start:
        return row
    cut = cutover(session, window.site_id)
    ended = business_day_start(business_date(row.signed_in_at, cut) + timedelta(1), cut)
    _close(session, row, window, min(ended, now), None, STALE_REASON, actor="system")
    return None


def _record(
    session: Session,
    row: WindowSession,
    window: Window,
    kind: str,
    at: datetime,
    staff_id: uuid.UUID | None,
    reason: str = "",
    *,
    actor: str | None = None,
) -> None:
    """The event, the change feed entry and the audit entry of one move."""
    session.add(
        WindowEvent(
            site_id=row.site_id,
            window_id=window.id,
            session_id=row.id,
            staff_id=staff_id,
            kind=kind,
            reason=reason,
            at=at,
        )
    )
    record_change(session, "window", window.id, kind, site_id=row.site_id, now=at)
    if actor is None:
        member = session.get(Staff, staff_id) if staff_id else None
        actor = member.username if member else "system"
    audit(
        session,
        f"window.{kind}",
        actor=actor,
        actor_id=staff_id,
        entity_kind="window",
        entity_id=window.id,
        site_id=row.site_id,
        detail={"window": window.number, "reason": reason} if reason else {"window": window.number},
        now=at,
    )


def _close(
    session: Session,
    row: WindowSession,
    window: Window,
    at: datetime,
    staff_id: uuid.UUID | None,
    reason: str = "",
    *,
    actor: str | None = None,
) -> None:
    row.signed_out_at = at
    row.paused_at = None
    row.pause_reason = None
    session.flush()  # the partial unique index must see the window free before a new sign-in
    _record(session, row, window, "signed_out", at, staff_id, reason, actor=actor)


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    member = session.scalar(select(Staff).where(Staff.id == staff_id).with_for_update())
    if member is None or member.disabled:
        raise NotFound(f"no such staff account: {staff_id}", "找不到该工作人员账号。")
    return member


def _member(session: Session, row: WindowSession | None) -> Staff | None:
    return session.get(Staff, row.staff_id) if row is not None and row.staff_id else None


def sign_in(
    session: Session,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID,
    now: datetime | None = None,
) -> WindowStatus:
    """Open window ``window`` for the clerk ``staff_id`` (see the module's rules).

    Raises:
        NotFound: no such site, window or (enabled) staff account.
        Conflict: the window is open under another clerk, or this clerk is open elsewhere.
    """
    now = now or utcnow()
    the_site = site_by_code(session, site)
    the_window = _window(session, the_site, window)
    member = _staff(session, staff_id)
    row = _open_row(session, the_window, now)
    if row is not None:
        if row.staff_id == staff_id:
            return status_of(the_window, row, member)
        other = _member(session, row)
        name = other.display_name if other else "其他工作人员"
        raise Conflict(
            f"window {window} is already signed in by {other.username if other else 'someone'}",
            f"{window}号窗口已由{name}签到，请先签退。",
        )
    _day, start = day_bounds(session, the_site.id, now)
    elsewhere = session.scalar(
        select(Window.number)
        .join(WindowSession, WindowSession.window_id == Window.id)
        .where(WindowSession.staff_id == staff_id, open_today(start))
    )
    if elsewhere is not None:
        raise Conflict(
            f"{member.username} is signed in at window {elsewhere}; sign out there first",
            f"您已在{elsewhere}号窗口签到，请先在该窗口签退。",
        )
    row = WindowSession(
        site_id=the_site.id, window_id=the_window.id, staff_id=staff_id, signed_in_at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"window {window} was signed in at the same moment by someone else",
            f"{window}号窗口刚刚已由其他工作人员签到。",
        ) from None
    _record(session, row, the_window, "signed_in", now, staff_id, actor=member.username)
    return status_of(the_window, row, member)


def _require_open(
    session: Session, site: str, window: int, now: datetime
) -> tuple[Window, WindowSession]:
    the_window = _window(session, site_by_code(session, site), window)
    row = _open_row(session, the_window, now, lock=True)
    if row is None:
        raise Conflict(f"window {window} is not signed in", f"{window}号窗口尚未签到，请先签到。")
    return the_window, row


def pause(
    session: Session,
    *,
    site: str,
    window: int,
    reason: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> WindowStatus:
    """Pause an open window with a reason (休息, 会议, 系统故障 or typed); it calls nobody."""
    now = now or utcnow()
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        raise ValidationError(
            f"a pause needs a reason of 1-{MAX_REASON} characters",
            f"请填写暂停原因（不超过{MAX_REASON}个字）。",
        )
    the_window, row = _require_open(session, site, window, now)
    if row.paused_at is not None:
        raise Conflict(
            f"window {window} is already paused ({row.pause_reason})",
            f"{window}号窗口已在暂停中（{row.pause_reason}）。",
        )
    row.paused_at, row.pause_reason = now, reason
    _record(session, row, the_window, "paused", now, staff_id, reason)
    return status_of(the_window, row, _member(session, row))


def resume(
    session: Session,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> WindowStatus:
    """End a pause: the window calls again."""
    now = now or utcnow()
    the_window, row = _require_open(session, site, window, now)
    if row.paused_at is None:
        raise Conflict(f"window {window} is not paused", f"{window}号窗口没有暂停。")
    reason = row.pause_reason or ""
    row.paused_at, row.pause_reason = None, None
    _record(session, row, the_window, "resumed", now, staff_id, reason)
    return status_of(the_window, row, _member(session, row))


def sign_out(
    session: Session,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> WindowStatus:
    """Close the window's session (open or paused).

    Refused while a ticket is called or served there: it is finished, marked no-show or
    transferred first, so nobody is left standing at a closed window.
    """
    now = now or utcnow()
    the_window, row = _require_open(session, site, window, now)
    active = session.scalar(
        select(Ticket.number)
        .where(Ticket.window_id == the_window.id, Ticket.state.in_(("called", "serving")))
        .limit(1)
    )
    if active is not None:
        raise Conflict(
            f"window {window} still has {active} called or in service; finish it first",
            f"{window}号窗口还有号码{active}未办结，请先办结、过号或转移。",
        )
    _close(session, row, the_window, now, staff_id)
    return status_of(the_window, None, None)


def require_open_window(session: Session, window: Window, now: datetime) -> None:
    """Refuse a window that may not call: not signed in today, or paused (for 叫下一位)."""
    row = _open_row(session, window, now)
    if row is None:
        raise Conflict(
            f"window {window.number} is not signed in; sign in first",
            f"{window.number}号窗口尚未签到，请先签到。",
        )
    if row.paused_at is not None:
        raise Conflict(
            f"window {window.number} is paused ({row.pause_reason}); resume first",
            f"{window.number}号窗口暂停中（{row.pause_reason}），请先恢复。",
        )


def staff_id_of(session: Session, username: str) -> uuid.UUID:
    """The id of the staff account ``username`` (for ``hall window … --as``)."""
    found = session.scalar(select(Staff.id).where(Staff.username == username))
    if found is None:
        raise NotFound(f"no such user: {username}", "找不到该用户。")
    return found


__all__ = [
    "STALE_REASON",
    "WindowStatus",
    "day_bounds",
    "open_today",
    "pause",
    "require_open_window",
    "resume",
    "sign_in",
    "sign_out",
    "staff_id_of",
    "window_states",
    "window_status",
]
