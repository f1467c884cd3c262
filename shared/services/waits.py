"""Who is ahead of a ticket, and how long the wait will be (spec §5 "Wait estimate").

Estimate = people ahead × mean service time of the queue (its last finished tickets; the
queue's default when there are none) ÷ windows open for the queue, shown as a range in minutes
so the screen never claims false precision. Windows still busy with a visitor count too: a
newcomer waits for ``ahead - free windows`` services to end, and the one in progress may end
at once or only after a whole slot (mean ÷ windows). A simulation test checks the range.

"Open" means signed in today and not paused (:mod:`shared.services.window_sessions`), never
merely configured (issue #9): with no window open the estimate has no range at all, and carries
the hall's next opening when the hall is closed, so no screen can say 即将叫号 to a visitor
with people ahead and nobody at the windows.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from shared.clock import business_date, business_day_start, utcnow
from shared.models import Queue, Site, Ticket, Window, WindowSession, window_queues
from shared.services.hours import hall_state
from shared.services.window_states import day_bounds, open_today

RECENT_FINISHED = 20
RANGE_SPREAD = 0.25


@dataclass(frozen=True)
class WaitEstimate:
    """A wait range in whole minutes, with what it was computed from.

    Attributes:
        low: the low end of the range; ``None`` when no window is open (no estimate).
        high: the high end; ``None`` likewise.
        mean_service_minutes: the queue's mean service time used.
        windows: windows open for the queue now (signed in, not paused).
        next_opening: with no window open and the hall closed, when the hall opens next
            (timezone-aware); else ``None`` (no window open in hours: nobody knows when).
    """

    low: int | None
    high: int | None
    mean_service_minutes: float
    windows: int
    next_opening: datetime | None = None

    @property
    def known(self) -> bool:
        """Whether there is a range to show (some window is open)."""
        return self.low is not None and self.high is not None

    @property
    def minutes(self) -> int | None:
        """The middle of the range (``None`` without an estimate)."""
        if self.low is None or self.high is None:
            return None
        return (self.low + self.high) // 2

    @property
    def range(self) -> tuple[int, int] | None:
        """``(low, high)``, or ``None`` without an estimate."""
        if self.low is None or self.high is None:
            return None
        return (self.low, self.high)


def people_ahead(session: Session, ticket: Ticket) -> int:
    """Waiting tickets that will be called before this one under a strict policy.

    Priority tickets wait only behind earlier priority tickets; normal tickets behind every
    priority ticket and earlier normal ones.
    """
    same_queue = and_(
        Ticket.queue_id == ticket.queue_id,
        Ticket.site_id == ticket.site_id,
        Ticket.business_date == ticket.business_date,
        Ticket.state == "issued",
        Ticket.id != ticket.id,
    )
    earlier = or_(
        Ticket.issued_at < ticket.issued_at,
        and_(Ticket.issued_at == ticket.issued_at, Ticket.sequence < ticket.sequence),
    )
    if ticket.priority:
        condition = and_(same_queue, Ticket.priority.is_not(None), earlier)
    else:
        condition = and_(same_queue, or_(Ticket.priority.is_not(None), earlier))
    return int(session.scalar(select(func.count()).where(condition)) or 0)


def mean_service_minutes(session: Session, queue: Queue) -> float:
    """Rolling mean service time of the queue's recent finished tickets, else its default."""
    rows = session.execute(
        select(Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.queue_id == queue.id,
            Ticket.state == "done",
            Ticket.called_at.is_not(None),
            Ticket.finished_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(RECENT_FINISHED)
    ).all()
    durations = [
        (finished - called).total_seconds() / 60
        for called, finished in rows
        if called is not None and finished is not None and finished > called
    ]
    if not durations:
        return float(queue.default_service_minutes)
    return sum(durations) / len(durations)


def _open_windows(queue: Queue, since: datetime) -> Select[uuid.UUID]:
    """Active windows serving ``queue`` that are signed in since ``since`` and not paused;
    the join goes through the partial index of open sessions, one row per window."""
    return (
        select(Window.id)
        .join(window_queues, window_queues.c.window_id == Window.id)
        .join(WindowSession, WindowSession.window_id == Window.id)
        .where(
            window_queues.c.queue_id == queue.id,
            Window.active.is_(True),
            open_today(since),
            WindowSession.paused_at.is_(None),
        )
    )


def window_counts(
    session: Session,
    queue: Queue,
    day: date | None,
    now: datetime | None = None,
    *,
    cut: time | None = None,
) -> tuple[int, int]:
    """``(open, busy)``: windows serving the queue that are open now (signed in today, not
    paused), and how many of those have a visitor called or at the counter — one query
    (two without ``cut``, the site's business-day cut-over, which is then read)."""
    now = now or utcnow()
    if cut is None:
        _today, since = day_bounds(session, queue.site_id, now)
    else:
        since = business_day_start(business_date(now, cut), cut)
    active = [Ticket.window_id == Window.id, Ticket.state.in_(("called", "serving"))]
    if day is not None:
        active.append(Ticket.business_date == day)
    row = session.execute(
        _open_windows(queue, since)
        .outerjoin(Ticket, and_(*active))
        .with_only_columns(
            func.count(func.distinct(Window.id)), func.count(func.distinct(Ticket.window_id))
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def wait_range(ahead: int, mean_minutes: float, windows: int, busy: int = 0) -> tuple[int, int]:
    """The pure arithmetic, in whole minutes.

    With ``free`` idle windows, ``ahead - free`` services must end first; the wait lies
    between that many slots and one more (the service in progress may end at once or last a
    whole slot), widened by ±25 %.
    """
    windows = max(1, windows)
    position = ahead - max(0, windows - busy)
    if position < 0:
        return (0, 0)
    slot = mean_minutes / windows
    low = math.floor(position * slot * (1 - RANGE_SPREAD))
    high = max(low + 1, math.ceil((position + 1) * slot * (1 + RANGE_SPREAD)))
    return (low, high)


def estimate_wait(
    session: Session,
    queue: Queue,
    ahead: int,
    day: date | None = None,
    now: datetime | None = None,
    *,
    cut: time | None = None,
) -> WaitEstimate:
    """The wait for someone with ``ahead`` people before them in ``queue`` on ``day``.

    With no window open there is no range (``low``/``high`` are ``None``); when the hall is
    closed too, ``next_opening`` says when it opens. ``cut``, the site's business-day
    cut-over when the caller knows it, saves reading it.
    """
    now = now or utcnow()
    mean = mean_service_minutes(session, queue)
    windows, busy = window_counts(session, queue, day, now, cut=cut)
    if windows == 0:
        state = hall_state(session, session.get_one(Site, queue.site_id), now)
        opening = None if state.is_open else state.next_opening
        return WaitEstimate(None, None, round(mean, 2), 0, opening)
    low, high = wait_range(ahead, mean, windows, busy)
    return WaitEstimate(low, high, round(mean, 2), windows)
