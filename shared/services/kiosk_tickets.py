"""What the kiosk's 取号 flow asks of the database: the queues to choose from, and the ticket.

Two calls, each one short transaction run off the GUI thread:

- :func:`ticket_menu` (read): the site's open queues as big buttons need them — people ahead
  and the wait range *for the visitor about to take a ticket* (a green-channel ticket waits only
  behind earlier priority tickets), whether the hall issues tickets now, and this terminal's
  printer settings.
- :func:`issue_kiosk_ticket_in`: the ticket on the kiosk channel with the confirmation's
  request key, through :func:`~shared.services.tickets.issue_ticket_in` — lookups before the
  write lock, only the allocation inside it, people ahead, the wait and the printable slip
  read after commit (the first slip ever made writes the installation's signing secret).
  :func:`issue_kiosk_ticket` does the same in the caller's write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import to_local, utcnow
from shared.errors import ValidationError
from shared.models import Queue, Site, Terminal
from shared.models.tickets import PRIORITIES
from shared.rendering import TicketSlip
from shared.services.calling import queue_status
from shared.services.home import resolve_site
from shared.services.hours import hall_state
from shared.services.ticket_codes import issue_with_slip_in, ticket_slip
from shared.services.tickets import TicketView, issue_ticket, today
from shared.services.waits import estimate_wait
from shared.services.wayfinding import Way, hall_windows, way_to

CLOSED_TITLE_ZH = "现在不是取号时间"
ASK_DESK_ZH = "开放时间请咨询服务台。"


@dataclass(frozen=True)
class QueueChoice:
    """One queue as a 取号 button shows it.

    Attributes:
        prefix: the queue's letter, e.g. ``"A"``.
        name: its name (业务类型), e.g. ``"综合受理"``.
        description: what it serves, one line.
        waiting: every ticket of the queue still waiting today.
        people_ahead: who would be called before a ticket taken now (with its priority).
        wait_low: the low end of the wait range for that ticket, in minutes; ``None`` when
            no window serving the queue is open (no estimate, issue #9).
        wait_high: the high end, in minutes (``None`` likewise).
        next_opening: with no window open and the hall closed, when it opens next.
        way: where the queue is served (windows in words and on the hall map), for the
            result screen and the "where to go" map.
    """

    prefix: str
    name: str
    description: str
    waiting: int
    people_ahead: int
    wait_low: int | None
    wait_high: int | None
    next_opening: datetime | None = None
    way: Way | None = None


@dataclass(frozen=True)
class TicketMenu:
    """Everything the 取号 flow shows before the visitor confirms (plain data).

    Attributes:
        site_code: the site tickets are taken at.
        site_name: its display name.
        business_date: the business day a ticket taken now belongs to.
        is_open: whether the kiosk may issue tickets now.
        closed_message_zh: when closed, when tickets can be taken again (else ``None``).
        priority: the green-channel priority the tickets would carry, or ``None``.
        queues: the site's active queues in display order.
        printer: this terminal's ``printer`` settings (``{}`` for none or no such terminal).
    """

    site_code: str
    site_name: str
    business_date: date
    is_open: bool
    closed_message_zh: str | None
    priority: str | None
    queues: tuple[QueueChoice, ...]
    printer: dict[str, Any] = field(default_factory=dict)

    def choice(self, prefix: str) -> QueueChoice | None:
        """The queue with ``prefix``, if it is on the menu."""
        return next((q for q in self.queues if q.prefix == prefix), None)


@dataclass(frozen=True)
class IssuedTicket:
    """A ticket the kiosk just issued, with its slip ready for the printer."""

    ticket: TicketView
    slip: TicketSlip


def closed_message_zh(now: datetime, next_opening: datetime | None) -> str:
    """When tickets can be taken again, in the home screen's words.

    Args:
        now: the current instant.
        next_opening: the hall's next opening (``None`` when none is configured).
    """
    if next_opening is None:
        return f"{CLOSED_TITLE_ZH}，{ASK_DESK_ZH}"
    local, opening = to_local(now), to_local(next_opening)
    at = opening.strftime("%H:%M")
    if opening.date() == local.date():
        when = f"今天 {at}"
    elif opening.date() == local.date() + timedelta(days=1):
        when = f"明天 {at}"
    else:
        when = f"{opening.month}月{opening.day}日 {at}"
    return f"{CLOSED_TITLE_ZH}，请于{when}后再来取号。"


def terminal_printer(session: Session, terminal: str | None) -> dict[str, Any]:
    """A terminal's ``printer`` settings; ``{}`` when it has none or is not registered."""
    if not terminal:
        return {}
    config = session.scalar(select(Terminal.printer).where(Terminal.code == terminal))
    return dict(config) if isinstance(config, dict) else {}


def _choices(
    session: Session, site: Site, priority: str | None, now: datetime
) -> tuple[QueueChoice, ...]:
    queues = {
        q.prefix: q
        for q in session.scalars(
            select(Queue).where(Queue.site_id == site.id, Queue.active.is_(True))
        )
    }
    day = today(session, site, now)
    windows = hall_windows(session, site.id)
    choices = []
    for status in queue_status(session, site=site.code, now=now):
        queue = queues[status.prefix]
        if priority is None:
            ahead, low, high = status.waiting, status.wait_low, status.wait_high
            opening = status.next_opening
        else:
            # Strict order: a green-channel ticket waits only behind earlier priority tickets.
            ahead = status.priority_waiting
            estimate = estimate_wait(session, queue, ahead, day, now)
            low, high, opening = estimate.low, estimate.high, estimate.next_opening
        choices.append(
            QueueChoice(
                prefix=status.prefix,
                name=status.name,
                description=queue.description,
                waiting=status.waiting,
                people_ahead=ahead,
                wait_low=low,
                wait_high=high,
                next_opening=opening,
                way=way_to(windows, status.prefix),
            )
        )
    return tuple(choices)


def ticket_menu(
    session: Session,
    *,
    site: str | None,
    terminal: str | None = None,
    priority: str | None = None,
    now: datetime | None = None,
) -> TicketMenu:
    """The 取号 flow's menu for a site (the first site when ``site`` is ``None``).

    A closed hall still lists its queues (so the screen can say what it offers) but
    ``is_open`` is false and ``closed_message_zh`` says when to come back.

    Raises:
        NotFound: no such site.
        ValidationError: an unknown priority.
    """
    if priority is not None and priority not in PRIORITIES:
        raise ValidationError(f"unknown priority: {priority}", "优先类型无效。")
    now = now or utcnow()
    the_site = resolve_site(session, site)
    state = hall_state(session, the_site, now)
    return TicketMenu(
        site_code=the_site.code,
        site_name=the_site.name,
        business_date=today(session, the_site, now),
        is_open=state.is_open,
        closed_message_zh=None if state.is_open else closed_message_zh(now, state.next_opening),
        priority=priority,
        queues=_choices(session, the_site, priority, now),
        printer=terminal_printer(session, terminal),
    )


def issue_kiosk_ticket(
    session: Session,
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None = None,
    now: datetime | None = None,
    matter: str | None = None,
) -> IssuedTicket:
    """Issue a kiosk ticket and build its slip, in the caller's (write) transaction.

    ``matter`` (a matter code, from 办事指南's 取号办理) goes on the ticket, so the slip
    lists the matter and its materials.

    The same ``request_key`` (one per confirmation screen) returns the same ticket and slip, so
    a double tap or a retry after a lost answer never makes a second ticket.

    Raises:
        Conflict: the hall is closed (``message_zh`` says when it opens).
        NotFound: the site or queue does not exist or no longer takes tickets.
    """
    ticket = issue_ticket(
        session,
        site=site,
        queue=queue,
        priority=priority,
        request_key=request_key,
        matter=matter,
        channel="kiosk",
        now=now or utcnow(),
    )
    return IssuedTicket(ticket=ticket, slip=ticket_slip(session, ticket))


def issue_kiosk_ticket_in(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session],
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None = None,
    now: datetime | None = None,
    matter: str | None = None,
) -> IssuedTicket:
    """:func:`issue_kiosk_ticket` in transactions of its own, the write lock held only for
    the allocation (run it with the runner's ``with_session=False``).

    Raises:
        Conflict: the hall is closed (``message_zh`` says when it opens).
        NotFound: the site or queue does not exist or no longer takes tickets.
    """
    ticket, slip = issue_with_slip_in(
        factory,
        read_factory,
        site=site,
        queue=queue,
        priority=priority,
        request_key=request_key,
        matter=matter,
        channel="kiosk",
        now=now or utcnow(),
    )
    return IssuedTicket(ticket=ticket, slip=slip)


__all__ = [
    "IssuedTicket",
    "QueueChoice",
    "TicketMenu",
    "closed_message_zh",
    "issue_kiosk_ticket",
    "issue_kiosk_ticket_in",
    "terminal_printer",
    "ticket_menu",
]
