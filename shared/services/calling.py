"""A ticket's life at the windows: call next, recall, no-show, transfer, finish, cancel.

叫下一位 itself (the calling order, and the plan/apply split that keeps the write lock short)
lives in :mod:`shared.services.call_order`; it is re-exported here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.models import Queue, Site, Ticket
from shared.services.call_order import call_next, call_next_in
from shared.services.settings import get_setting, site_by_code
from shared.services.tickets import (
    TicketView,
    _event,
    _require,
    _window,
    find_ticket,
    issue_ticket,
    today,
    view,
)
from shared.services.waits import estimate_wait


def recall(
    session: Session,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Call a ticket again: one that is called, or a no-show within the grace period."""
    now = now or utcnow()
    ticket = find_ticket(session, site=site, number=number, now=now)
    if ticket.state == "no_show":
        the_site = session.get_one(Site, ticket.site_id)
        grace = timedelta(minutes=int(get_setting(session, "recall_grace_minutes", the_site.id)))
        missed_at = ticket.finished_at or now
        if now - missed_at > grace:
            raise Conflict(
                f"{ticket.number} missed its call more than {grace} ago; issue a new ticket",
                f"号码{ticket.number}过号已超过{grace.seconds // 60}分钟，请重新取号。",
            )
        ticket.state = "called"
        ticket.finished_at = None
    else:
        _require(ticket, ("called",), "recall")
    ticket.recall_count += 1
    ticket.called_at = now
    _event(session, ticket, "recalled", now, window_id=ticket.window_id, staff_id=staff_id)
    return view(session, ticket, now)


@dataclass(frozen=True)
class _Move:
    """One state change by number: from which states, what it is called, where it leads."""

    allowed: tuple[str, ...]
    action: str
    state: str
    stamp: str


NO_SHOW = _Move(("called",), "mark as no-show", "no_show", "finished_at")
SERVE = _Move(("called",), "start serving", "serving", "serving_at")
FINISH = _Move(("called", "serving"), "finish", "done", "finished_at")
CANCEL = _Move(("issued", "called"), "cancel", "cancelled", "finished_at")


def _move(
    session: Session,
    move: _Move,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None,
    now: datetime | None,
) -> TicketView:
    """Apply a state change to a ticket found by number: check, set, stamp, record."""
    now = now or utcnow()
    ticket = find_ticket(session, site=site, number=number, now=now)
    _require(ticket, move.allowed, move.action)
    ticket.state = move.state
    setattr(ticket, move.stamp, now)
    _event(session, ticket, move.state, now, window_id=ticket.window_id, staff_id=staff_id)
    return view(session, ticket, now)


def no_show(
    session: Session,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Mark a called ticket as not present."""
    return _move(session, NO_SHOW, site=site, number=number, staff_id=staff_id, now=now)


def start_service(
    session: Session,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """The visitor has arrived at the window."""
    return _move(session, SERVE, site=site, number=number, staff_id=staff_id, now=now)


def _finish(
    session: Session,
    ticket: Ticket,
    now: datetime,
    *,
    staff_id: uuid.UUID | None,
) -> None:
    """The window's current ticket ends as served when the clerk calls the next one."""
    ticket.state = "done"
    ticket.finished_at = now
    _event(
        session,
        ticket,
        "done",
        now,
        window_id=ticket.window_id,
        staff_id=staff_id,
        detail={"auto": True},
    )


def finish(
    session: Session,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """The ticket has been served."""
    return _move(session, FINISH, site=site, number=number, staff_id=staff_id, now=now)


def cancel(
    session: Session,
    *,
    site: str,
    number: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Withdraw a ticket that has not been served."""
    return _move(session, CANCEL, site=site, number=number, staff_id=staff_id, now=now)


def transfer(
    session: Session,
    *,
    site: str,
    number: str,
    to_queue: str,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Move a ticket to another queue, keeping its place by issue time.

    The old ticket ends as ``transferred``; the new one takes the target queue's next number
    (numbers are never shared between queues) but keeps the original issue time, so nobody
    overtakes the visitor.
    """
    now = now or utcnow()
    old = find_ticket(session, site=site, number=number, now=now)
    _require(old, ("issued", "called", "serving"), "transfer")
    target = session.scalar(
        select(Queue).where(Queue.site_id == old.site_id, Queue.prefix == to_queue.upper())
    )
    if target is None:
        raise NotFound(f"no such queue: {to_queue}", "找不到目标业务。")
    if target.id == old.queue_id:
        raise Conflict("the ticket is already in that queue", "号码已在该业务中。")
    new = issue_ticket(
        session,
        site=site,
        queue=target.prefix,
        priority=old.priority,
        channel="desk",
        override_hours=True,
        staff_id=staff_id,
        now=now,
    )
    fresh = session.get_one(Ticket, new.id)
    fresh.issued_at = old.issued_at
    fresh.matter_id = old.matter_id
    fresh.transferred_from_id = old.id
    old.state = "transferred"
    old.finished_at = now
    _event(
        session,
        old,
        "transferred",
        now,
        window_id=old.window_id,
        staff_id=staff_id,
        detail={"to": fresh.number},
    )
    session.flush()
    return view(session, fresh, now)


@dataclass(frozen=True)
class QueueStatus:
    """One queue's state for the day; ``windows`` are the open ones, and without any the
    wait is ``None`` (with the hall's ``next_opening`` when it is closed)."""

    prefix: str
    name: str
    waiting: int
    priority_waiting: int
    issued_today: int
    done_today: int
    windows: int
    wait_low: int | None
    wait_high: int | None
    next_opening: datetime | None = None


def queue_status(session: Session, *, site: str, now: datetime | None = None) -> list[QueueStatus]:
    """Every active queue of a site, with today's counts and the wait for a new ticket."""
    the_site = site_by_code(session, site)
    day = today(session, the_site, now)
    counts: dict[tuple[object, str, bool], int] = {}
    rows = session.execute(
        select(Ticket.queue_id, Ticket.state, Ticket.priority.is_not(None), func.count())
        .where(Ticket.site_id == the_site.id, Ticket.business_date == day)
        .group_by(Ticket.queue_id, Ticket.state, Ticket.priority.is_not(None))
    )
    for queue_id, state, is_priority, count in rows:
        counts[(queue_id, state, bool(is_priority))] = int(count)
    result = []
    for queue in session.scalars(
        select(Queue)
        .where(Queue.site_id == the_site.id, Queue.active.is_(True))
        .order_by(Queue.sort_order, Queue.prefix)
    ):
        waiting = sum(v for (q, s, _p), v in counts.items() if q == queue.id and s == "issued")
        estimate = estimate_wait(session, queue, waiting, day, now)
        result.append(
            QueueStatus(
                prefix=queue.prefix,
                name=queue.name,
                waiting=waiting,
                priority_waiting=counts.get((queue.id, "issued", True), 0),
                issued_today=sum(v for (q, _s, _p), v in counts.items() if q == queue.id),
                done_today=sum(
                    v for (q, s, _p), v in counts.items() if q == queue.id and s == "done"
                ),
                windows=estimate.windows,
                wait_low=estimate.low,
                wait_high=estimate.high,
                next_opening=estimate.next_opening,
            )
        )
    return result


def window_tickets(
    session: Session, *, site: str, window: int, now: datetime | None = None
) -> list[TicketView]:
    """Today's tickets handled at a window, newest first."""
    the_site = site_by_code(session, site)
    the_window = _window(session, the_site, window)
    day = today(session, the_site, now)
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.window_id == the_window.id, Ticket.business_date == day)
        .order_by(Ticket.called_at.desc())
    )
    return [view(session, t, now) for t in tickets]


__all__ = [
    "QueueStatus",
    "call_next",
    "call_next_in",
    "cancel",
    "finish",
    "no_show",
    "queue_status",
    "recall",
    "start_service",
    "transfer",
    "window_tickets",
]
