"""Who is ahead of a ticket, and how long the wait will be (spec §5 "Wait estimate").

Estimate = people ahead × mean service time of the queue (its last finished tickets; the
queue's default when there are none) ÷ windows open for the queue, shown as a range in minutes
so the screen never claims false precision. Windows still busy with a visitor count too: a
newcomer waits for ``ahead - free windows`` services to end, and the one in progress may end
at once or only after a whole slot (mean ÷ windows). A simulation test checks the range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from shared.models import Queue, Ticket, Window, window_queues

RECENT_FINISHED = 20
RANGE_SPREAD = 0.25


@dataclass(frozen=True)
class WaitEstimate:
    """A wait range in whole minutes, with what it was computed from."""

    low: int
    high: int
    mean_service_minutes: float
    windows: int

    @property
    def minutes(self) -> int:
        """The middle of the range."""
        return (self.low + self.high) // 2


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


def open_windows(session: Session, queue: Queue) -> int:
    """Active windows that serve the queue (at least one, so an estimate exists)."""
    count = session.scalar(
        select(func.count())
        .select_from(Window)
        .join(window_queues, window_queues.c.window_id == Window.id)
        .where(window_queues.c.queue_id == queue.id, Window.active.is_(True))
    )
    return max(1, int(count or 0))


def busy_windows(session: Session, queue: Queue, day: date | None) -> int:
    """Windows serving the queue that have a visitor called or at the counter now."""
    condition = [
        window_queues.c.queue_id == queue.id,
        Ticket.state.in_(("called", "serving")),
    ]
    if day is not None:
        condition.append(Ticket.business_date == day)
    count = session.scalar(
        select(func.count(func.distinct(Ticket.window_id)))
        .select_from(Ticket)
        .join(window_queues, window_queues.c.window_id == Ticket.window_id)
        .where(*condition)
    )
    return int(count or 0)


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
    session: Session, queue: Queue, ahead: int, day: date | None = None
) -> WaitEstimate:
    """The wait for someone with ``ahead`` people before them in ``queue`` on ``day``."""
    mean = mean_service_minutes(session, queue)
    windows = open_windows(session, queue)
    low, high = wait_range(ahead, mean, windows, busy_windows(session, queue, day))
    return WaitEstimate(low, high, round(mean, 2), windows)
