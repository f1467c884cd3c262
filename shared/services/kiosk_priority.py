"""What the kiosk's 优先服务 flow asks of the database, each call one short transaction.

- :func:`priority_menu` (read): where this kiosk stands (an assistant comes there), how soon
  staff answer, the working days a home visit can be asked for, and the printer settings.
- :func:`common_matters` / :func:`find_matters` (read): matters for a home visit, from the
  catalog's search index (its first build takes ~0.75 s: the kiosk runs these off the GUI
  thread, and asks for the common ones as the form opens so the index is warm for a search).
- :func:`submit_request` (write): one :func:`~shared.services.priority.create_request` for an
  assistance or home-visit request, and its slip (masked) built in the same transaction.
- :func:`issue_green_ticket` (write): a ``green_ticket`` request, which issues the priority
  ticket in the same transaction, returned as the 取号 flow's :class:`IssuedTicket` so the
  kiosk shows and prints it like any ticket.

Nothing here logs or returns personal data unmasked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import to_local, utcnow
from shared.errors import Conflict
from shared.models import PriorityRequest, Terminal, Ticket
from shared.rendering.priority_slip import PrioritySlip
from shared.services import tickets
from shared.services.catalog import search_matters
from shared.services.home import resolve_site
from shared.services.hours import hall_state
from shared.services.kiosk_tickets import IssuedTicket, terminal_printer
from shared.services.priority import RequestView, create_request
from shared.services.priority_rules import (
    DEFAULT_WORKDAYS,
    HALF_LABELS,
    PREFERRED_MAX_DAYS,
)
from shared.services.settings import get_setting
from shared.services.ticket_codes import describe_with_slip, ticket_slip
from shared.services.weekly_hours import working_weekdays

#: How many working days the home-visit form offers.
DAYS_OFFERED = 5
#: What the home-visit form offers before any search: each the best hit of its words.
COMMON_QUERIES = ("高龄津贴", "残疾人证", "养老保险", "社会保障卡", "医疗保险", "最低生活保障")


@dataclass(frozen=True)
class MatterChoice:
    """A matter as a button shows it."""

    code: str
    name: str
    department: str


@dataclass(frozen=True)
class PriorityMenu:
    """What the 优先服务 flow needs to know before a visitor asks (plain data).

    Attributes:
        site_code: the site requests are made at.
        site_name: its display name.
        location: this kiosk's place (``None``: the terminal is not registered, so an
            assistant could not find it and 帮办代办 is not offered).
        response_minutes: how soon staff take a request (``priority_overdue_minutes``).
        working_days: the hall's working weekdays (Monday = 0).
        days: the next working days a home visit can be asked for.
        is_open: whether staff are in the hall now (out of hours an assistant cannot come;
            a home visit can still be asked for).
        printer: this terminal's ``printer`` settings.
    """

    site_code: str
    site_name: str
    location: str | None
    response_minutes: int
    working_days: tuple[int, ...]
    days: tuple[date, ...]
    is_open: bool = True
    printer: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmittedRequest:
    """A request just made at the kiosk: its masked view, what happens next, and its slip."""

    request: RequestView
    next_step: str
    slip: PrioritySlip


def next_working_days(
    today: date, working_days: tuple[int, ...], count: int = DAYS_OFFERED
) -> tuple[date, ...]:
    """The first ``count`` working days after ``today`` (within the allowed range)."""
    days: list[date] = []
    day = today
    while len(days) < count and day < today + timedelta(days=PREFERRED_MAX_DAYS):
        day += timedelta(days=1)
        if day.weekday() in working_days:
            days.append(day)
    return tuple(days)


def priority_menu(
    session: Session, *, site: str | None, terminal: str | None, now: datetime | None = None
) -> PriorityMenu:
    """The flow's menu for a site (the first site when ``site`` is ``None``).

    Raises:
        NotFound: no such site.
    """
    now = now or utcnow()
    the_site = resolve_site(session, site)
    hours = get_setting(session, "hall_hours", the_site.id)
    working = working_weekdays(hours) or DEFAULT_WORKDAYS
    location = None
    if terminal:
        place = session.scalar(select(Terminal.location).where(Terminal.code == terminal))
        location = (place or terminal) if place is not None else None
    minutes = int(float(get_setting(session, "priority_overdue_minutes", the_site.id)))
    return PriorityMenu(
        site_code=the_site.code,
        site_name=the_site.name,
        location=location,
        response_minutes=minutes,
        working_days=working,
        days=next_working_days(to_local(now).date(), working),
        is_open=hall_state(session, the_site, now).is_open,
        printer=terminal_printer(session, terminal),
    )


def _choices(hits: Any) -> tuple[MatterChoice, ...]:
    return tuple(MatterChoice(h.code, h.name, h.department) for h in hits)


def common_matters(
    session: Session, *, site: str | None, queries: tuple[str, ...] = COMMON_QUERIES
) -> tuple[MatterChoice, ...]:
    """The matters home visits are most often for: the best hit of each query, once each
    (a request is for one matter, never a 一件事 bundle)."""
    seen: dict[str, MatterChoice] = {}
    for query in queries:
        for choice in _choices(search_matters(session, query, site=site, limit=1, bundles=False)):
            seen.setdefault(choice.code, choice)
    return tuple(seen.values())


def find_matters(
    session: Session, query: str, *, site: str | None, limit: int = 6
) -> tuple[MatterChoice, ...]:
    """Matters matching ``query`` (Chinese, pinyin or initials), best first."""
    if not query.strip():
        return ()
    return _choices(search_matters(session, query, site=site, limit=limit, bundles=False))


def next_step_text(view: RequestView, response_minutes: int) -> str:
    """What happens next, as the end screen and the slip say it."""
    if view.kind == "assistance":
        place = view.location or "本机"
        return f"工作人员将在{response_minutes}分钟内到{place}为您服务，请在本机旁稍候。"
    if view.kind == "home_visit" and view.preferred_date is not None:
        day = view.preferred_date
        half = HALF_LABELS.get(view.preferred_half or "", "")
        return (
            f"工作人员将先与您电话联系确认，于{day.month}月{day.day}日{half}上门服务。"
            "请保持电话畅通。"
        )
    return "工作人员会尽快为您办理。"


def submit_request(
    session: Session,
    *,
    site: str,
    kind: str,
    visitor: str,
    terminal: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    matter: str | None = None,
    preferred: str | None = None,
    now: datetime | None = None,
) -> SubmittedRequest:
    """Make an assistance or home-visit request, whole or not at all, and its slip.

    Raises:
        RequestInvalid: a field breaks the rules (``errors`` per field, in Chinese).
        NotFound: the site does not exist.
    """
    now = now or utcnow()
    the_site = resolve_site(session, site)
    view = create_request(
        session,
        site=the_site.code,
        kind=kind,
        visitor=visitor,
        name=name,
        phone=phone,
        address=address,
        matter=matter,
        preferred=preferred,
        terminal=terminal if kind == "assistance" else None,
        now=now,
    )
    minutes = int(float(get_setting(session, "priority_overdue_minutes", the_site.id)))
    step = next_step_text(view, minutes)
    slip = PrioritySlip(
        hall_name=the_site.name,
        site_code=the_site.code,
        reference=view.reference,
        kind_label=view.kind_label,
        visitor_label=view.visitor_label,
        created_at=view.created_at,
        next_step=step,
        masked_name=view.masked_name,
        masked_phone=view.masked_phone,
        masked_address=view.masked_address,
        matter_name=view.matter_name,
        preferred_text=view.preferred_text,
        location=view.location,
    )
    return SubmittedRequest(view, step, slip)


def issue_green_ticket(
    session: Session,
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None,
    now: datetime | None = None,
    matter: str | None = None,
) -> IssuedTicket:
    """A green-channel request (``priority`` is the visitor type) and its priority ticket.

    Takes :func:`~shared.services.kiosk_tickets.issue_kiosk_ticket`'s keywords, so the 取号
    flow issues through it unchanged (``matter``: a matter code the ticket is for).

    The request and the ticket are made in the caller's transaction; the same
    ``request_key`` returns the same ticket (a double tap or a retry makes no second one).

    Raises:
        Conflict: the hall is closed (``message_zh`` says when it opens).
        NotFound: the site or queue does not exist.
    """
    now = now or utcnow()
    ticket = session.get_one(
        Ticket,
        _green_ticket(
            session,
            site=site,
            queue=queue,
            request_key=request_key,
            priority=priority,
            now=now,
            matter=matter,
        ),
    )
    ticket_view = tickets.view(session, ticket, now)
    return IssuedTicket(ticket=ticket_view, slip=ticket_slip(session, ticket_view))


def _green_ticket(
    session: Session,
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None,
    now: datetime,
    matter: str | None,
) -> uuid.UUID:
    """The green-channel request and its ticket, in the caller's transaction: the ticket's id."""
    view = create_request(
        session,
        site=site,
        kind="green_ticket",
        visitor=priority or "other",
        queue=queue,
        request_key=request_key,
        matter=matter,
        now=now,
    )
    ticket_id = session.scalar(
        select(PriorityRequest.ticket_id).where(PriorityRequest.id == view.id)
    )
    if ticket_id is None:  # create_request always issues one; never silently print nothing
        raise Conflict("green-channel request without a ticket", "系统繁忙，请稍后再试。")
    return ticket_id


def issue_green_ticket_in(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session],
    *,
    site: str,
    queue: str,
    request_key: str,
    priority: str | None,
    now: datetime | None = None,
    matter: str | None = None,
) -> IssuedTicket:
    """:func:`issue_green_ticket` with the request and the ticket in one write transaction,
    and the ticket's view and slip read after commit (run it with ``with_session=False``)."""
    now = now or utcnow()
    with factory.begin() as session:
        issued = _green_ticket(
            session,
            site=site,
            queue=queue,
            request_key=request_key,
            priority=priority,
            now=now,
            matter=matter,
        )
    ticket, slip = describe_with_slip(factory, read_factory, issued, now)
    return IssuedTicket(ticket=ticket, slip=slip)


__all__ = [
    "COMMON_QUERIES",
    "MatterChoice",
    "PriorityMenu",
    "SubmittedRequest",
    "common_matters",
    "find_matters",
    "issue_green_ticket",
    "issue_green_ticket_in",
    "next_step_text",
    "next_working_days",
    "priority_menu",
    "submit_request",
]
