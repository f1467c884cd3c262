"""What the reception desk, the window clerks and the hall display board read and do.

Thin, plain-Python composites over :mod:`shared.services.tickets` and
:mod:`shared.services.calling`: each function is one background operation of a console
screen, returns plain data (never an ORM object) and leaves the rules to the services it
calls. No Qt here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.models import Queue, Site, Terminal, Ticket, TicketEvent, Window
from shared.rendering import TicketSlip, as_reprint
from shared.services.calling import CANCEL, QueueStatus, queue_status, window_tickets
from shared.services.hours import hall_state
from shared.services.settings import default_site, site_by_code
from shared.services.ticket_codes import issue_with_slip_in, ticket_slip
from shared.services.tickets import TicketView, issue_ticket, today, view
from shared.services.window_states import WindowStatus, window_states, window_status

#: Roles that may issue a ticket outside hall hours (the 非办理时间强制取号 box).
OVERRIDE_ROLES = frozenset({"manager", "admin"})
#: Ticket events the display board shows and announces.
CALL_EVENTS = ("called", "recalled")
DESK_LIST_LIMIT = 300


def resolve_site(session: Session, code: str | None) -> str:
    """The code of site ``code`` (checked), or of the district hall when ``None``."""
    return site_by_code(session, code).code if code else default_site(session).code


@dataclass(frozen=True)
class IssuedSlip:
    """A ticket and its printable slip (with the signed QR code)."""

    ticket: TicketView
    slip: TicketSlip


def issue_at_desk(
    session: Session,
    *,
    site: str,
    queue: str,
    request_key: str,
    roles: Iterable[str],
    priority: str | None = None,
    matter: str | None = None,
    override_hours: bool = False,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> IssuedSlip:
    """Issue a ticket at the desk and build its slip, in the caller's write transaction.

    Raises:
        Conflict: ``override_hours`` asked for by someone who is not a manager or admin, or
            the hall is closed and no override was asked for.
    """
    if override_hours and OVERRIDE_ROLES.isdisjoint(roles):
        raise Conflict(
            "only a manager or admin may issue outside hall hours",
            "只有项目经理或管理员可以在非办理时间强制取号。",
        )
    ticket = issue_ticket(
        session,
        site=site,
        queue=queue,
        priority=priority,
        request_key=request_key,
        matter=matter or None,
        channel="desk",
        override_hours=override_hours,
        staff_id=staff_id,
        now=now,
    )
    return IssuedSlip(ticket, ticket_slip(session, ticket))


def issue_at_desk_in(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session],
    *,
    site: str | None,
    queue: str,
    request_key: str,
    roles: Iterable[str],
    priority: str | None = None,
    matter: str | None = None,
    override_hours: bool = False,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> IssuedSlip:
    """:func:`issue_at_desk` in transactions of its own, the write lock held only for the
    allocation; ``site=None`` is the district hall (run it with ``with_session=False``).

    Raises:
        Conflict: as :func:`issue_at_desk`.
    """
    if override_hours and OVERRIDE_ROLES.isdisjoint(roles):
        raise Conflict(
            "only a manager or admin may issue outside hall hours",
            "只有项目经理或管理员可以在非办理时间强制取号。",
        )
    if site is None:
        with read_factory() as session:
            site = default_site(session).code
    ticket, slip = issue_with_slip_in(
        factory,
        read_factory,
        site=site,
        queue=queue,
        priority=priority,
        request_key=request_key,
        matter=matter or None,
        channel="desk",
        override_hours=override_hours,
        staff_id=staff_id,
        now=now,
    )
    return IssuedSlip(ticket, slip)


def reprint_slip(
    session: Session, ticket_id: uuid.UUID, *, now: datetime | None = None
) -> IssuedSlip:
    """The slip of an existing ticket, for 补打: the same number and the same QR payload,
    marked 补打 with the time (issue #19).

    Run it in a write transaction (the first slip ever made stores the signing secret).
    """
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no such ticket: {ticket_id}", "找不到该号码。")
    if ticket.state in ("done", "cancelled", "transferred", "no_show"):
        raise Conflict(
            f"{ticket.number} is {ticket.state}; nothing to reprint",
            f"号码{ticket.number}已结束，无需补打。",
        )
    current = view(session, ticket, now)
    return IssuedSlip(current, as_reprint(ticket_slip(session, current), now))


def terminal_printer_config(session: Session, code: str) -> dict[str, Any] | None:
    """The ``printer`` settings of terminal ``code``; ``None`` when no such terminal."""
    terminal = session.scalar(select(Terminal).where(Terminal.code == code))
    return None if terminal is None else dict(terminal.printer or {})


@dataclass(frozen=True)
class DeskTicket:
    """One row of the desk's list of today's tickets (plain data, no wait estimate)."""

    id: uuid.UUID
    number: str
    queue_prefix: str
    queue_name: str
    priority: str | None
    state: str
    print_state: str
    channel: str
    issued_at: datetime
    window_number: int | None

    # What the desk's list shows at a glance (issue #19), decided here, not by the widget.

    @property
    def reprintable(self) -> bool:
        """The ticket still stands, so its slip may be printed again (as :func:`reprint_slip`
        allows)."""
        return self.state in REPRINTABLE_STATES

    @property
    def cancellable(self) -> bool:
        """The ticket may still be cancelled (:data:`shared.services.calling.CANCEL`)."""
        return self.state in CANCEL.allowed

    @property
    def needs_reprint(self) -> bool:
        """Its print failed and it still stands: the visitor has no slip."""
        return self.print_state == "print_failed" and self.reprintable

    @property
    def urgency(self) -> int:
        """How soon the desk should look at it: 2 a slip to reprint, 1 a waiting priority
        ticket, 0 anything else."""
        if self.needs_reprint:
            return 2
        return 1 if self.priority and self.state == "issued" else 0


#: States in which a ticket still stands (its slip can be reprinted).
REPRINTABLE_STATES = ("issued", "called", "serving")


def _desk_rows(session: Session, where: Any, limit: int) -> list[DeskTicket]:
    rows = session.execute(
        select(Ticket, Queue.prefix, Queue.name, Window.number)
        .join(Queue, Queue.id == Ticket.queue_id)
        .outerjoin(Window, Window.id == Ticket.window_id)
        .where(where)
        .order_by(Ticket.issued_at.desc(), Ticket.sequence.desc())
        .limit(limit)
    ).all()
    return [
        DeskTicket(
            id=t.id,
            number=t.number,
            queue_prefix=prefix,
            queue_name=name,
            priority=t.priority,
            state=t.state,
            print_state=t.print_state,
            channel=t.channel,
            issued_at=t.issued_at,
            window_number=number,
        )
        for t, prefix, name, number in rows
    ]


def desk_ticket(session: Session, ticket_id: uuid.UUID) -> DeskTicket | None:
    """One ticket as the desk lists it; ``None`` when it does not exist."""
    rows = _desk_rows(session, Ticket.id == ticket_id, 1)
    return rows[0] if rows else None


@dataclass(frozen=True)
class DeskState:
    """What the 取号台 shows: the queues, today's tickets of the site and the hall's state."""

    site_code: str
    site_name: str
    business_date: date
    queues: list[QueueStatus]
    tickets: list[DeskTicket]
    hall_open: bool
    next_opening: datetime | None


def desk_state(
    session: Session,
    *,
    site: str | None,
    limit: int = DESK_LIST_LIMIT,
    now: datetime | None = None,
) -> DeskState:
    """Queues with waiting counts and wait ranges, and today's tickets at the site, newest
    first (at most ``limit``)."""
    now = now or utcnow()
    the_site = site_by_code(session, resolve_site(session, site))
    day = today(session, the_site, now)
    state = hall_state(session, the_site, now)
    return DeskState(
        site_code=the_site.code,
        site_name=the_site.name,
        business_date=day,
        queues=queue_status(session, site=the_site.code, now=now),
        tickets=_desk_rows(
            session, (Ticket.site_id == the_site.id) & (Ticket.business_date == day), limit
        ),
        hall_open=state.is_open,
        next_opening=state.next_opening,
    )


@dataclass(frozen=True)
class WindowInfo:
    """A window and the queues it serves."""

    number: int
    name: str
    queues: tuple[str, ...]


def list_windows(session: Session, *, site: str | None) -> list[WindowInfo]:
    """The active windows of a site, by number."""
    the_site = site_by_code(session, resolve_site(session, site))
    windows = session.scalars(
        select(Window)
        .where(Window.site_id == the_site.id, Window.active.is_(True))
        .order_by(Window.number)
    )
    return [
        WindowInfo(w.number, w.name, tuple(q.prefix for q in w.queues if q.active)) for w in windows
    ]


@dataclass(frozen=True)
class WindowState:
    """What a window clerk sees: the ticket at the window, today's list, the queues, and
    whether the window is signed in, paused or closed (issue #9)."""

    window: WindowInfo
    current: TicketView | None
    tickets: list[TicketView]
    queues: list[QueueStatus]
    other_queues: list[QueueStatus]
    session: WindowStatus


def window_state(
    session: Session, *, site: str | None, window: int, now: datetime | None = None
) -> WindowState:
    """The state of window ``window``.

    ``current`` is the ticket called or being served there; else the last one handled, when
    it was a no-show (it may still be recalled within the grace period).
    """
    now = now or utcnow()
    code = resolve_site(session, site)
    info = next((w for w in list_windows(session, site=code) if w.number == window), None)
    if info is None:
        raise NotFound(f"no such window at {code}: {window}", "找不到该窗口。")
    tickets = window_tickets(session, site=code, window=window, now=now)
    active = [t for t in tickets if t.state in ("called", "serving")]
    current = active[0] if active else None
    if current is None and tickets and tickets[0].state == "no_show":
        current = tickets[0]
    statuses = queue_status(session, site=code, now=now)
    return WindowState(
        window=info,
        current=current,
        tickets=tickets,
        queues=[q for q in statuses if q.prefix in info.queues],
        other_queues=statuses,
        session=window_status(session, site=code, window=window, now=now),
    )


@dataclass(frozen=True)
class CallEntry:
    """One call shown on the display board."""

    event_id: uuid.UUID
    ticket_id: uuid.UUID
    number: str
    window_number: int
    window_name: str
    at: datetime
    recalled: bool


@dataclass(frozen=True)
class BoardState:
    """What the 叫号屏 shows: the latest calls, newest first, the queues, and every window's
    state (the board lists the paused and closed ones, issue #9)."""

    site_name: str
    calls: list[CallEntry]
    queues: list[QueueStatus]
    windows: list[WindowStatus]


def recent_calls(
    session: Session, *, site: str | None, limit: int = 8, now: datetime | None = None
) -> list[CallEntry]:
    """Today's latest calls and recalls at a site, newest first."""
    now = now or utcnow()
    the_site = site_by_code(session, resolve_site(session, site))
    day = today(session, the_site, now)
    rows = session.execute(
        select(
            TicketEvent.id,
            TicketEvent.kind,
            TicketEvent.at,
            Ticket.id,
            Ticket.number,
            Window.number,
            Window.name,
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Window, Window.id == TicketEvent.window_id)
        .where(
            Ticket.site_id == the_site.id,
            Ticket.business_date == day,
            TicketEvent.kind.in_(CALL_EVENTS),
        )
        .order_by(TicketEvent.at.desc())
        .limit(limit)
    ).all()
    return [
        CallEntry(event_id, ticket_id, number, window_number, window_name, at, kind == "recalled")
        for event_id, kind, at, ticket_id, number, window_number, window_name in rows
    ]


def board_state(
    session: Session, *, site: str | None, limit: int = 8, now: datetime | None = None
) -> BoardState:
    """The display board's data: latest calls and every queue's waiting count."""
    now = now or utcnow()
    the_site = site_by_code(session, resolve_site(session, site))
    return BoardState(
        site_name=the_site.name,
        calls=recent_calls(session, site=the_site.code, limit=limit, now=now),
        queues=queue_status(session, site=the_site.code, now=now),
        windows=window_states(session, the_site.code, now=now),
    )


def call_announcement(number: str, window_number: int) -> str:
    """The sentence spoken for a call: ``请 A012 号 到 3 号窗口办理``."""
    return f"请 {number} 号 到 {window_number} 号窗口办理"


def site_name(session: Session, code: str | None) -> str:
    """The name of a site (the district hall when ``code`` is ``None``)."""
    site: Site = site_by_code(session, code) if code else default_site(session)
    return site.name


__all__ = [
    "BoardState",
    "CallEntry",
    "DeskState",
    "DeskTicket",
    "IssuedSlip",
    "WindowInfo",
    "WindowState",
    "board_state",
    "call_announcement",
    "desk_state",
    "desk_ticket",
    "issue_at_desk",
    "issue_at_desk_in",
    "list_windows",
    "recent_calls",
    "reprint_slip",
    "resolve_site",
    "terminal_printer_config",
    "window_state",
]
