"""A ticket's life after issue: finding it by number, guards, events, print outcomes."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import business_date, utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import Queue, Site, Ticket, TicketEvent, Window
from shared.services.settings import get_setting, site_by_code
from shared.services.tickets.views import format_number

ACTIVE_STATES = ("called", "serving")
NUMBER_RE = re.compile(r"^([A-Z]{1,4})(\d{1,6})$")


def cutover_time(session: Session, site: Site) -> time:
    """The site's business-day cut-over (hall-local)."""
    hours, minutes = str(get_setting(session, "business_day_cutover", site.id)).split(":")
    return time(int(hours), int(minutes))


def today(session: Session, site: Site, now: datetime | None = None) -> date:
    """The site's current business day."""
    return business_date(now or utcnow(), cutover_time(session, site))


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
