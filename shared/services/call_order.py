"""叫下一位, split like the allocator so that only its writes hold the write lock.

Calling order (spec §5): per queue, priority tickets first under the queue's policy —
``strict`` (always first) or ``interleave`` (at most N normal tickets between two priority
ones) — then by issue time; across a window's queues, priority first, then issue time.

A call has three steps, each in the transaction it needs (issue #10, item 3):

1. :func:`plan_call` (read): the window, its open session, the business day, the tickets the
   window still has called or at the counter, and the next ticket by the order above.
2. :func:`apply_call` (write): calls the planned ticket and finishes the window's current
   one — each a conditional ``UPDATE`` on the ticket's state, so two windows calling at once
   never get the same ticket: the loser sees no row changed and plans again — with their
   events and change records, and nothing else while the lock is held. The call's ``UPDATE``
   also requires the window to be still open (a pause that committed after the plan wins).
3. :func:`~shared.services.tickets.views.describe_ticket` (read, after commit).

:func:`call_next_in` runs the three in their own transactions (console, CLI);
:func:`call_next` runs them on one session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Table, bindparam, insert, or_, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import CHANGE_INSERT, notify_followers
from shared.clock import business_date, business_day_start, utcnow
from shared.db import create_read_session_factory
from shared.errors import Conflict, NotFound
from shared.models import Queue, Ticket, TicketEvent, Window, WindowSession
from shared.models.base import new_id
from shared.services.tickets import ACTIVE_STATES, TicketView, describe_ticket, directory
from shared.services.tickets.allocate import compiled_for_sqlite
from shared.services.tickets.driver import DriverStatement
from shared.services.window_states import open_today

MAX_CALL_ATTEMPTS = 10

_EVENTS = cast(Table, TicketEvent.__table__)
_INSERT_EVENT = insert(_EVENTS)


@dataclass(frozen=True)
class CallPlan:
    """What a call writes, decided before the write lock is taken.

    ``current`` are the window's tickets still called or at the counter (finished as served
    by the call); ``ticket_id`` is the ticket to call, ``None`` when nobody waits.
    """

    site_id: uuid.UUID
    window_id: uuid.UUID
    window_number: int
    business_date: date
    day_start: datetime
    current: tuple[uuid.UUID, ...]
    ticket_id: uuid.UUID | None
    staff_id: uuid.UUID | None
    now: datetime


@dataclass(frozen=True)
class CallOutcome:
    """What :func:`apply_call` did: the ticket called (``None``: nobody waited), or
    ``lost`` when another window called the planned ticket first."""

    ticket_id: uuid.UUID | None
    lost: bool = False


def next_in_queue(session: Session, queue: Queue, day: date) -> Ticket | None:
    """The ticket ``queue`` calls next on ``day`` under its policy (``None``: nobody)."""
    waiting = (
        select(Ticket)
        .where(
            Ticket.queue_id == queue.id,
            Ticket.business_date == day,
            Ticket.state == "issued",
        )
        .order_by(Ticket.issued_at, Ticket.sequence)
    )
    first_priority = session.scalar(waiting.where(Ticket.priority.is_not(None)).limit(1))
    first_normal = session.scalar(waiting.where(Ticket.priority.is_(None)).limit(1))
    if first_priority is None or first_normal is None:
        return first_priority or first_normal
    if queue.policy != "interleave":
        return first_priority
    # Interleave: normal tickets called since the last priority ticket of the day; no more
    # than interleave_n rows are ever read (ix_tickets_queue_day_called, newest first).
    recent = session.scalars(
        select(Ticket.priority)
        .where(
            Ticket.queue_id == queue.id,
            Ticket.business_date == day,
            Ticket.called_at.is_not(None),
        )
        .order_by(Ticket.called_at.desc())
        .limit(queue.interleave_n)
    ).all()
    normals_since = 0
    for priority in recent:
        if priority is not None:
            break
        normals_since += 1
    return first_priority if normals_since >= queue.interleave_n else first_normal


def _not_open(number: int) -> Conflict:
    return Conflict(
        f"window {number} is not signed in; sign in first",
        f"{number}号窗口尚未签到，请先签到。",
    )


def _require_open(session: Session, window: Window, day_start: datetime) -> None:
    """Refuse a window not signed in today or paused (a read: a stale session from an
    earlier day is simply not open; the next sign-in or sign-out closes it)."""
    row = session.execute(
        select(WindowSession.paused_at, WindowSession.pause_reason).where(
            WindowSession.window_id == window.id, open_today(day_start)
        )
    ).first()
    if row is None:
        raise _not_open(window.number)
    if row.paused_at is not None:
        raise Conflict(
            f"window {window.number} is paused ({row.pause_reason}); resume first",
            f"{window.number}号窗口暂停中（{row.pause_reason}），请先恢复。",
        )


def plan_call(
    session: Session,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> CallPlan:
    """Decide what 叫下一位 at ``window`` writes; run it in a read transaction.

    Raises:
        NotFound: no such site or window.
        Conflict: the window is not signed in today, or is paused (issue #9).
    """
    now = now or utcnow()
    known = directory(session)
    the_site = known.site(site)
    the_window = session.scalar(
        select(Window).where(Window.site_id == the_site.id, Window.number == window)
    )
    if the_window is None or not the_window.active:
        raise NotFound(f"no such window at {the_site.code}: {window}", "找不到该窗口。")
    cut = known.cutover(the_site.id)
    day = business_date(now, cut)
    start = business_day_start(day, cut)
    _require_open(session, the_window, start)
    current = tuple(
        session.scalars(
            select(Ticket.id).where(
                Ticket.window_id == the_window.id,
                Ticket.business_date == day,
                Ticket.state.in_(ACTIVE_STATES),
            )
        )
    )
    candidates = [
        t
        for q in the_window.queues
        if q.active
        if (t := next_in_queue(session, q, day)) is not None
    ]
    best = min(
        candidates,
        key=lambda t: (t.priority is None, t.issued_at, t.sequence),
        default=None,
    )
    return CallPlan(
        site_id=the_site.id,
        window_id=the_window.id,
        window_number=the_window.number,
        business_date=day,
        day_start=start,
        current=current,
        ticket_id=best.id if best is not None else None,
        staff_id=staff_id,
        now=now,
    )


def _rows(result: Any) -> int:
    return int(cast("CursorResult[Any]", result).rowcount)


# The call's writes, built once with named parameters: on SQLite they are compiled once and
# run through the driver with values converted before the lock (see tickets.driver); on
# PostgreSQL they go through Core as they are.
_CALL = (
    update(Ticket)
    .where(
        Ticket.id == bindparam("ticket"),
        Ticket.state == "issued",
        select(WindowSession.id)
        .where(
            WindowSession.window_id == bindparam("window"),
            WindowSession.signed_out_at.is_(None),
            WindowSession.signed_in_at >= bindparam("since"),
            WindowSession.paused_at.is_(None),
        )
        .exists(),
    )
    .values(state="called", called_at=bindparam("at"), window_id=bindparam("window"))
)
_FINISH = (
    update(Ticket)
    .where(
        Ticket.id == bindparam("ticket"),
        or_(Ticket.state == "called", Ticket.state == "serving"),
    )
    .values(state="done", finished_at=bindparam("at"))
)


class _Writes:
    """The call's four kinds of write for one dialect: ``prepare`` converts the values (run
    it before the lock), ``run`` executes them."""

    def __init__(self, dialect: Dialect) -> None:
        self.driver = dialect.name == "sqlite"
        self.statements: dict[str, Any] = {
            "call": _CALL,
            "finish": _FINISH,
            "event": _INSERT_EVENT,
            "change": CHANGE_INSERT,
        }
        if self.driver:
            shared = compiled_for_sqlite(dialect)
            self.statements = {
                "call": DriverStatement(_CALL, dialect, ()),
                "finish": DriverStatement(_FINISH, dialect, ()),
                "event": shared.event,
                "change": shared.change,
            }

    def prepare(self, name: str, values: dict[str, Any]) -> Any:
        if self.driver:
            return cast(DriverStatement, self.statements[name]).parameters(values)
        return values

    def run(self, conn: Connection, name: str, prepared: Any) -> Any:
        statement = self.statements[name]
        if self.driver:
            return cast(DriverStatement, statement).run(conn, prepared)
        return conn.execute(statement, prepared)


_COMPILED: dict[str, _Writes] = {}


def _writes_for(dialect: Dialect) -> _Writes:
    found = _COMPILED.get(dialect.name)
    if found is None:
        found = _COMPILED[dialect.name] = _Writes(dialect)
    return found


def _refuse_not_open(conn: Connection, plan: CallPlan) -> None:
    """Raise why the window may not call now: signed out or paused after the plan."""
    row = conn.execute(
        select(WindowSession.paused_at).where(
            WindowSession.window_id == plan.window_id, open_today(plan.day_start)
        )
    ).first()
    if row is None:
        raise _not_open(plan.window_number)
    if row.paused_at is not None:
        raise Conflict(
            f"window {plan.window_number} is paused; resume first",
            f"{plan.window_number}号窗口暂停中，请先恢复。",
        )


def _event_rows(
    writes: _Writes, plan: CallPlan, ticket_id: uuid.UUID, kind: str, detail: dict[str, Any]
) -> tuple[Any, Any]:
    event = {
        "id": new_id(),
        "ticket_id": ticket_id,
        "kind": kind,
        "at": plan.now,
        "window_id": plan.window_id,
        "staff_id": plan.staff_id,
        "detail": detail,
    }
    change = {
        "kind": "ticket",
        "entity_id": str(ticket_id),
        "action": kind,
        "site_id": plan.site_id,
        "at": plan.now,
    }
    return writes.prepare("event", event), writes.prepare("change", change)


def apply_call(session: Session, plan: CallPlan) -> CallOutcome:
    """Write the call ``plan`` decides, in the caller's write transaction.

    Only the call's statements run here, usually four: the planned ticket called (on
    condition that it still waits and the window is still open), the window's current
    visitor finished, their events, their change records. Every value is converted before
    the lock is taken. The window is read on its own only when nothing is to be called or
    the call changed no row.

    Raises:
        Conflict: the window was paused or signed out after the plan.
    """
    writes = _writes_for(session.get_bind().dialect)
    call = None
    if plan.ticket_id is not None:
        call = writes.prepare(
            "call",
            {
                "ticket": plan.ticket_id,
                "window": plan.window_id,
                "since": plan.day_start,
                "at": plan.now,
            },
        )
        called_rows = _event_rows(writes, plan, plan.ticket_id, "called", {})
    finishes = [
        (ticket_id, writes.prepare("finish", {"ticket": ticket_id, "at": plan.now}))
        for ticket_id in plan.current
    ]
    done_rows = {t: _event_rows(writes, plan, t, "done", {"auto": True}) for t in plan.current}

    conn = session.connection()  # on SQLite, BEGIN IMMEDIATE: the write lock is held here
    if call is None:
        _refuse_not_open(conn, plan)
    elif _rows(writes.run(conn, "call", call)) == 0:
        _refuse_not_open(conn, plan)
        return CallOutcome(None, lost=True)  # another window called it first
    # The window's current visitor ends as served when the clerk calls the next one.
    rows = [
        done_rows[ticket_id]
        for ticket_id, finish in finishes
        if _rows(writes.run(conn, "finish", finish)) == 1
    ]
    if call is not None:
        rows.append(called_rows)
    if rows:
        writes.run(conn, "event", [event for event, _change in rows])
        writes.run(conn, "change", [change for _event, change in rows])
        notify_followers(conn)
    return CallOutcome(plan.ticket_id)


def call_next(
    session: Session,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView | None:
    """Call the next ticket for a window in the caller's write transaction; the window's
    current ticket is finished first. Returns ``None`` when nobody waits.

    Prefer :func:`call_next_in`, which holds the write lock only for the writes.

    Raises:
        Conflict: the window is not signed in today, or is paused (issue #9).
    """
    now = now or utcnow()
    for _attempt in range(MAX_CALL_ATTEMPTS):
        plan = plan_call(session, site=site, window=window, staff_id=staff_id, now=now)
        outcome = apply_call(session, plan)
        if not outcome.lost:
            session.expire_all()
            if outcome.ticket_id is None:
                return None
            return describe_ticket(session, outcome.ticket_id, now)
        session.expire_all()  # another window took it: look again
    raise Conflict("too much contention calling the next ticket; try again", "请稍后再试。")


def call_next_in(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session] | None = None,
    *,
    site: str,
    window: int,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView | None:
    """:func:`call_next` in transactions of its own: plan (read), apply (write), describe
    (read, after commit). A planned ticket lost to another window is planned again.

    Args:
        factory: the write session factory.
        read_factory: sessions that never take the write lock (made from ``factory`` when
            ``None``).
    """
    reads = read_factory or create_read_session_factory(factory)
    now = now or utcnow()
    for _attempt in range(MAX_CALL_ATTEMPTS):
        with reads() as session:
            plan = plan_call(session, site=site, window=window, staff_id=staff_id, now=now)
        with factory.begin() as session:
            outcome = apply_call(session, plan)
        if not outcome.lost:
            if outcome.ticket_id is None:
                return None
            with reads() as session:
                return describe_ticket(session, outcome.ticket_id, now)
    raise Conflict("too much contention calling the next ticket; try again", "请稍后再试。")


__all__ = [
    "MAX_CALL_ATTEMPTS",
    "CallOutcome",
    "CallPlan",
    "apply_call",
    "call_next",
    "call_next_in",
    "next_in_queue",
    "plan_call",
]
