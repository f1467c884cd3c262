"""The allocation: the only writes an issue makes while it holds the write lock.

The counter upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``: a row lock on PostgreSQL,
the database write lock on SQLite), the ticket under its unique constraints, its ``issued``
event and its change record — from a :class:`TicketPlan` decided before the lock. A request
key lost to a concurrent retry is caught by the unique constraint; a savepoint undoes the
counter bump, so no number is skipped, and the ticket that won is returned.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.changes import CHANGE_INSERT, insert_change
from shared.clock import utcnow
from shared.models import Ticket, TicketCounter, TicketEvent
from shared.models.base import new_id
from shared.services.tickets.driver import DriverStatement
from shared.services.tickets.views import format_number

_TICKETS = cast(Table, Ticket.__table__)
_EVENTS = cast(Table, TicketEvent.__table__)
_COUNTERS = cast(Table, TicketCounter.__table__)


@dataclass(frozen=True)
class TicketPlan:
    """Everything the allocation writes, decided before the write lock is taken.

    ``existing_id`` is set when the request key already has a ticket: nothing is to be
    allocated (the queue and day fields then describe that ticket).
    """

    site_id: uuid.UUID
    queue_id: uuid.UUID
    prefix: str
    business_date: date
    priority: str | None
    matter_id: uuid.UUID | None
    channel: str
    request_key: str | None
    staff_id: uuid.UUID | None
    now: datetime
    existing_id: uuid.UUID | None = None
    bundle_id: uuid.UUID | None = None


def _upsert(dialect: Any) -> Any:
    insert_ = postgresql.insert if dialect is postgresql else sqlite.insert
    return (
        insert_(_COUNTERS)
        .on_conflict_do_update(
            index_elements=["site_id", "business_date", "queue_id"],
            set_={"last_sequence": _COUNTERS.c.last_sequence + 1},
        )
        .returning(_COUNTERS.c.last_sequence)
    )


# Built once: the statements are compiled once per engine and reused (the lock is held while
# they run, so even SQLAlchemy's statement building is kept out of it).
_BUMP = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
_INSERT_TICKET = insert(_TICKETS)
_INSERT_EVENT = insert(_EVENTS)


@dataclass(frozen=True)
class _Writes:
    """The values of the allocation's four writes (the ticket's sequence and number come
    from the counter)."""

    counter: dict[str, Any]
    ticket: dict[str, Any]
    event: dict[str, Any]
    change: dict[str, Any]


def _writes(plan: TicketPlan, ticket_id: uuid.UUID) -> _Writes:
    return _Writes(
        counter={
            "site_id": plan.site_id,
            "business_date": plan.business_date,
            "queue_id": plan.queue_id,
            "last_sequence": 1,
        },
        ticket={
            "id": ticket_id,
            "site_id": plan.site_id,
            "queue_id": plan.queue_id,
            "business_date": plan.business_date,
            "sequence": 0,
            "number": "",
            "priority": plan.priority,
            "matter_id": plan.matter_id,
            "bundle_id": plan.bundle_id,
            "channel": plan.channel,
            "request_key": plan.request_key,
            "state": "issued",
            "issued_at": plan.now,
            "recall_count": 0,
            "print_state": "pending",
        },
        event={
            "id": new_id(),
            "ticket_id": ticket_id,
            "kind": "issued",
            "at": plan.now,
            "window_id": None,
            "staff_id": plan.staff_id,
            "detail": {"channel": plan.channel, "priority": plan.priority},
        },
        change={
            "kind": "ticket",
            "entity_id": str(ticket_id),
            "action": "issued",
            "site_id": plan.site_id,
            "at": plan.now,
        },
    )


class _SQLite:
    """The four writes compiled for SQLite (see :mod:`.driver`)."""

    def __init__(self, dialect: Any) -> None:
        some = uuid.uuid4()
        sample = _writes(
            TicketPlan(
                site_id=some,
                queue_id=some,
                prefix="A",
                business_date=date.today(),
                priority=None,
                matter_id=None,
                channel="kiosk",
                request_key=None,
                staff_id=None,
                now=utcnow(),
            ),
            some,
        )
        self.bump = DriverStatement(_BUMP["sqlite"], dialect, sample.counter)
        self.ticket = DriverStatement(_INSERT_TICKET, dialect, sample.ticket)
        self.event = DriverStatement(_INSERT_EVENT, dialect, sample.event)
        self.change = DriverStatement(CHANGE_INSERT, dialect, sample.change)


_COMPILED: dict[str, _SQLite] = {}


def compiled_for_sqlite(dialect: Any) -> _SQLite:
    """The allocation's statements compiled for SQLite, once per process (``event`` and
    ``change`` also serve the other writers that hold the lock briefly: 叫下一位)."""
    compiled = _COMPILED.get("sqlite")
    if compiled is None:
        compiled = _COMPILED["sqlite"] = _SQLite(dialect)
    return compiled


def _allocate_sqlite(session: Session, plan: TicketPlan, ticket_id: uuid.UUID) -> uuid.UUID:
    """Convert everything first, then take the lock (the first statement) and write."""
    compiled = compiled_for_sqlite(session.get_bind().dialect)
    values = _writes(plan, ticket_id)
    bump = compiled.bump.parameters(values.counter)
    ticket = compiled.ticket.parameters(values.ticket)
    event = compiled.event.parameters(values.event)
    change = compiled.change.parameters(values.change)
    conn = session.connection()  # BEGIN IMMEDIATE: the write lock is held from here
    savepoint = conn.begin_nested() if plan.request_key is not None else None
    try:
        sequence = int(compiled.bump.run(conn, bump).scalar_one())
        number = format_number(plan.prefix, sequence)
        compiled.ticket.run(conn, compiled.ticket.replace(ticket, sequence=sequence, number=number))
    except IntegrityError:
        if savepoint is None:
            raise
        # The savepoint covers the counter too: a lost request-key race leaves no gap.
        savepoint.rollback()
        winner = _winner(session, plan)
        if winner is None:
            raise
        return winner
    if savepoint is not None:
        savepoint.commit()
    compiled.event.run(conn, event)
    compiled.change.run(conn, change)
    return ticket_id


def _winner(session: Session, plan: TicketPlan) -> uuid.UUID | None:
    """The ticket that holds the plan's request key (``None``: the conflict was another)."""
    return session.scalar(
        select(Ticket.id).where(
            Ticket.site_id == plan.site_id, Ticket.request_key == plan.request_key
        )
    )


def _insert_ticket(session: Session, values: _Writes, prefix: str) -> None:
    conn = session.connection()
    sequence = conn.execute(_BUMP["postgresql"], values.counter).scalar_one()
    number = format_number(prefix, sequence)
    conn.execute(_INSERT_TICKET, {**values.ticket, "sequence": sequence, "number": number})


def _allocate_core(session: Session, plan: TicketPlan, ticket_id: uuid.UUID) -> uuid.UUID:
    """PostgreSQL: the counter row is locked by the upsert until COMMIT."""
    values = _writes(plan, ticket_id)
    if plan.request_key is None:
        _insert_ticket(session, values, plan.prefix)
    else:
        try:
            # The savepoint covers the counter too: a lost request-key race leaves no gap.
            with session.begin_nested():
                _insert_ticket(session, values, plan.prefix)
        except IntegrityError:
            winner = _winner(session, plan)
            if winner is None:
                raise
            return winner
    conn = session.connection()
    conn.execute(_INSERT_EVENT, values.event)
    insert_change(session, "ticket", ticket_id, "issued", site_id=plan.site_id, now=plan.now)
    return ticket_id


def allocate_ticket(session: Session, plan: TicketPlan) -> uuid.UUID:
    """Write the ticket ``plan`` decides, in the caller's write transaction; returns its id.

    Only the allocation statements run here: the counter upsert, the ticket, its ``issued``
    event and the change record (and, when a concurrent retry won the request key, one read
    of the ticket that won). Everything they need was decided by :func:`plan_ticket`.
    """
    if plan.existing_id is not None:
        return plan.existing_id
    ticket_id = new_id()
    if session.get_bind().dialect.name == "sqlite":
        return _allocate_sqlite(session, plan, ticket_id)
    return _allocate_core(session, plan, ticket_id)
