"""Queue tickets: the one allocator, and a ticket's life at the windows.

Numbering (spec §5): one short transaction bumps a per (site, business day, queue) counter
with an atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` — a row lock on PostgreSQL, the
database write lock (``BEGIN IMMEDIATE``) on SQLite — then inserts the ticket under a unique
constraint on (site, business day, queue, sequence). Nothing is computed from ``max()`` or
``count()``, no lock spans sites, and history is never deleted: a new business day simply
starts a new counter row.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import business_date, to_local, utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import Queue, ServiceMatter, Site, Ticket, TicketCounter, TicketEvent, Window
from shared.models.tickets import PRIORITIES
from shared.services.hours import hall_state
from shared.services.settings import get_setting, site_by_code
from shared.services.waits import WaitEstimate, estimate_wait, people_ahead

CHANNELS = ("kiosk", "desk", "cli", "priority")
ACTIVE_STATES = ("called", "serving")
NUMBER_RE = re.compile(r"^([A-Z]{1,4})(\d{1,6})$")


@dataclass(frozen=True)
class TicketView:
    """A ticket as screens, printers and the CLI see it (plain data)."""

    id: uuid.UUID
    number: str
    site_code: str
    site_name: str
    queue_prefix: str
    queue_name: str
    business_date: date
    sequence: int
    priority: str | None
    state: str
    channel: str
    issued_at: datetime
    people_ahead: int
    wait: WaitEstimate
    matter_code: str | None
    matter_name: str | None
    materials: tuple[dict[str, Any], ...]
    window_number: int | None
    print_state: str
    recall_count: int

    @property
    def estimated_wait_minutes(self) -> int | None:
        """The estimate's middle, in whole minutes (``None`` with no window open)."""
        return self.wait.minutes

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": str(self.id),
            "number": self.number,
            "site": self.site_code,
            "queue": self.queue_prefix,
            "queue_name": self.queue_name,
            "business_date": self.business_date.isoformat(),
            "priority": self.priority,
            "state": self.state,
            "channel": self.channel,
            "issued_at": self.issued_at.isoformat(),
            "people_ahead": self.people_ahead,
            "estimated_wait_minutes": self.wait.minutes,
            "wait_range": list(self.wait.range) if self.wait.range else None,
            "windows_open": self.wait.windows,
            "next_opening": (
                self.wait.next_opening.isoformat() if self.wait.next_opening else None
            ),
            "matter": self.matter_code,
            "window": self.window_number,
            "print_state": self.print_state,
        }


def cutover_time(session: Session, site: Site) -> time:
    """The site's business-day cut-over (hall-local)."""
    hours, minutes = str(get_setting(session, "business_day_cutover", site.id)).split(":")
    return time(int(hours), int(minutes))


def today(session: Session, site: Site, now: datetime | None = None) -> date:
    """The site's current business day."""
    return business_date(now or utcnow(), cutover_time(session, site))


def format_number(prefix: str, sequence: int) -> str:
    """``A`` + 7 → ``A007``; after 999 comes ``A1000`` (never wraps)."""
    return f"{prefix}{sequence:03d}"


def _queue(session: Session, site: Site, prefix: str) -> Queue:
    queue = session.scalar(select(Queue).where(Queue.site_id == site.id, Queue.prefix == prefix))
    if queue is None or not queue.active:
        raise NotFound(f"no such queue at {site.code}: {prefix}", "该业务暂不办理。")
    return queue


def _bump_counter(session: Session, site: Site, day: date, queue: Queue) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TicketCounter)
        .values(site_id=site.id, business_date=day, queue_id=queue.id, last_sequence=1)
        .on_conflict_do_update(
            index_elements=["site_id", "business_date", "queue_id"],
            set_={"last_sequence": TicketCounter.last_sequence + 1},
        )
        .returning(TicketCounter.last_sequence)
    )
    return int(session.execute(statement).scalar_one())


def view(session: Session, ticket: Ticket, now: datetime | None = None) -> TicketView:
    """The plain view of a ticket, with people ahead and the wait estimate as of now."""
    site = session.get_one(Site, ticket.site_id)
    queue = session.get_one(Queue, ticket.queue_id)
    matter = session.get(ServiceMatter, ticket.matter_id) if ticket.matter_id else None
    window = session.get(Window, ticket.window_id) if ticket.window_id else None
    ahead = people_ahead(session, ticket) if ticket.state == "issued" else 0
    return TicketView(
        id=ticket.id,
        number=ticket.number,
        site_code=site.code,
        site_name=site.name,
        queue_prefix=queue.prefix,
        queue_name=queue.name,
        business_date=ticket.business_date,
        sequence=ticket.sequence,
        priority=ticket.priority,
        state=ticket.state,
        channel=ticket.channel,
        issued_at=ticket.issued_at,
        people_ahead=ahead,
        wait=estimate_wait(session, queue, ahead, ticket.business_date, now),
        matter_code=matter.code if matter else None,
        matter_name=matter.name if matter else None,
        materials=tuple(matter.materials) if matter else (),
        window_number=window.number if window else None,
        print_state=ticket.print_state,
        recall_count=ticket.recall_count,
    )


def _event(
    session: Session,
    ticket: Ticket,
    kind: str,
    now: datetime,
    *,
    window_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind=kind,
            at=now,
            window_id=window_id,
            staff_id=staff_id,
            detail=detail or {},
        )
    )
    record_change(session, "ticket", ticket.id, kind, site_id=ticket.site_id, now=now)


def issue_ticket(
    session: Session,
    *,
    site: str,
    queue: str,
    priority: str | None = None,
    request_key: str | None = None,
    matter: str | None = None,
    channel: str = "kiosk",
    override_hours: bool = False,
    staff_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Issue the next ticket of a queue; the same ``request_key`` returns the same ticket.

    Outside hall hours the kiosk is refused; the desk and the CLI may pass
    ``override_hours=True``.
    """
    now = now or utcnow()
    if priority is not None and priority not in PRIORITIES:
        raise ValidationError(
            f"unknown priority: {priority} (one of {', '.join(PRIORITIES)})", "优先类型无效。"
        )
    if channel not in CHANNELS:
        raise ValidationError(f"unknown channel: {channel}")
    if request_key is not None and not 1 <= len(request_key) <= 80:
        raise ValidationError("request key must be 1-80 characters")
    the_site = site_by_code(session, site)
    if request_key:
        existing = session.scalar(
            select(Ticket).where(Ticket.site_id == the_site.id, Ticket.request_key == request_key)
        )
        if existing is not None:
            return view(session, existing, now)
    the_queue = _queue(session, the_site, queue.strip().upper())
    the_matter = None
    if matter:
        the_matter = session.scalar(select(ServiceMatter).where(ServiceMatter.code == matter))
        if the_matter is None:
            raise NotFound(f"no such matter: {matter}", "找不到该事项。")
    if channel == "kiosk" or not override_hours:
        state = hall_state(session, the_site, now)
        if not state.is_open:
            opening = state.next_opening
            when = to_local(opening).strftime("%m月%d日 %H:%M") if opening else ""
            raise Conflict(
                "the hall is closed"
                + (f"; it opens at {to_local(opening):%Y-%m-%d %H:%M}" if opening else ""),
                f"现在不是办理时间，请于{when}后取号。" if when else "现在不是办理时间。",
            )
    day = business_date(now, cutover_time(session, the_site))
    try:
        # The savepoint covers the counter too: a lost request-key race leaves no gap.
        with session.begin_nested():
            sequence = _bump_counter(session, the_site, day, the_queue)
            ticket = Ticket(
                site_id=the_site.id,
                queue_id=the_queue.id,
                business_date=day,
                sequence=sequence,
                number=format_number(the_queue.prefix, sequence),
                priority=priority,
                matter_id=the_matter.id if the_matter else None,
                channel=channel,
                request_key=request_key,
                state="issued",
                issued_at=now,
            )
            session.add(ticket)
            session.flush()
    except IntegrityError:
        if not request_key:
            raise
        existing = session.scalar(
            select(Ticket).where(Ticket.site_id == the_site.id, Ticket.request_key == request_key)
        )
        if existing is None:
            raise
        return view(session, existing, now)
    _event(
        session,
        ticket,
        "issued",
        now,
        staff_id=staff_id,
        detail={"channel": channel, "priority": priority},
    )
    return view(session, ticket, now)


def find_ticket(
    session: Session,
    *,
    site: str,
    number: str,
    day: date | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A ticket by its number on a business day (today by default)."""
    the_site = site_by_code(session, site)
    match = NUMBER_RE.match(number.strip().upper())
    if not match:
        raise ValidationError(f"not a ticket number: {number}", "号码格式不正确。")
    prefix, digits = match.groups()
    day = day or today(session, the_site, now)
    ticket = session.scalar(
        select(Ticket)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(
            Ticket.site_id == the_site.id,
            Ticket.business_date == day,
            Ticket.number == format_number(prefix, int(digits)),
        )
        .order_by(Ticket.issued_at.desc())
    )
    if ticket is None:
        raise NotFound(f"no ticket {number} on {day} at {site}", "找不到该号码。")
    return ticket


def _window(session: Session, site: Site, number: int) -> Window:
    window = session.scalar(
        select(Window).where(Window.site_id == site.id, Window.number == number)
    )
    if window is None or not window.active:
        raise NotFound(f"no such window at {site.code}: {number}", "找不到该窗口。")
    return window


def _require(ticket: Ticket, allowed: tuple[str, ...], action: str) -> None:
    if ticket.state not in allowed:
        raise Conflict(
            f"cannot {action} {ticket.number}: it is {ticket.state}",
            f"号码{ticket.number}当前状态无法执行该操作。",
        )


def mark_printed(
    session: Session, ticket_id: uuid.UUID, ok: bool, *, now: datetime | None = None
) -> None:
    """Record a print's outcome; a failure reaches staff through the change feed."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no such ticket: {ticket_id}", "找不到该号码。")
    ticket.print_state = "printed" if ok else "print_failed"
    _event(session, ticket, "printed" if ok else "print_failed", now or utcnow())


def count_waiting(session: Session, site: Site, day: date) -> int:
    """Tickets waiting at a site on a business day."""
    return int(
        session.scalar(
            select(func.count()).where(
                Ticket.site_id == site.id, Ticket.business_date == day, Ticket.state == "issued"
            )
        )
        or 0
    )
