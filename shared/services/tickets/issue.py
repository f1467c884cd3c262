"""The one allocator, split so that only its writes hold the write lock.

Numbering (spec §5): one short transaction bumps a per (site, business day, queue) counter
with an atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` — a row lock on PostgreSQL, the
database write lock (``BEGIN IMMEDIATE``) on SQLite — then inserts the ticket under a unique
constraint on (site, business day, queue, sequence). Nothing is computed from ``max()`` or
``count()``, no lock spans sites, and history is never deleted: a new business day simply
starts a new counter row.

An issue has three steps, each in the transaction it needs:

1. :func:`plan_ticket` (read): checks the input, finds the site and queue in the cached
   :mod:`~shared.services.tickets.directory`, looks up a retried request key and the matter,
   checks the hall hours and fixes the business day.
2. :func:`allocate_ticket` (write): the counter upsert, the ticket, its ``issued`` event and
   the change record — nothing else while the lock is held. A request key lost to a
   concurrent retry is caught by the unique constraint; a savepoint undoes the counter bump,
   so no number is skipped, and the ticket that won is returned.
3. :func:`~shared.services.tickets.views.describe_ticket` (read, after commit): people ahead
   and the wait.

:func:`issue_ticket_in` runs the three in their own transactions (kiosk, desk, CLI);
:func:`issue_ticket` runs them on one session for callers that issue inside a larger write
(the green channel's request, a transfer).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import business_date, to_local, utcnow
from shared.db import create_read_session_factory
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import ServiceMatter, Ticket
from shared.models.catalog import MatterBundle
from shared.models.tickets import PRIORITIES
from shared.services.hours import HallState, state_from_hours
from shared.services.tickets.allocate import TicketPlan, allocate_ticket
from shared.services.tickets.directory import Directory, QueueEntry, directory
from shared.services.tickets.views import TicketView, describe_ticket

CHANNELS = ("kiosk", "desk", "cli", "priority")


def _check_input(priority: str | None, channel: str, request_key: str | None) -> None:
    if priority is not None and priority not in PRIORITIES:
        raise ValidationError(
            f"unknown priority: {priority} (one of {', '.join(PRIORITIES)})", "优先类型无效。"
        )
    if channel not in CHANNELS:
        raise ValidationError(f"unknown channel: {channel}")
    if request_key is not None and not 1 <= len(request_key) <= 80:
        raise ValidationError("request key must be 1-80 characters")


def hall_state_at(
    session: Session, known: Directory, site_id: uuid.UUID, now: datetime
) -> HallState:
    """:func:`~shared.services.hours.hall_state` with the hall hours from the directory."""
    calendar = known.calendar(session, site_id, to_local(now).date())
    return state_from_hours(known.setting("hall_hours", site_id), now, calendar)


def _refuse_closed(state: HallState) -> None:
    opening = state.next_opening
    when = to_local(opening).strftime("%m月%d日 %H:%M") if opening else ""
    raise Conflict(
        "the hall is closed"
        + (f"; it opens at {to_local(opening):%Y-%m-%d %H:%M}" if opening else ""),
        f"现在不是办理时间，请于{when}后取号。" if when else "现在不是办理时间。",
    )


def plan_ticket(
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
) -> TicketPlan:
    """Check an issue and decide what to write; run it in a read transaction.

    ``matter`` is the code of a matter or of a 一件事 bundle, chosen in 办事指南: the slip
    lists its materials.

    Raises:
        ValidationError: a bad priority, channel or request key.
        NotFound: no such site, queue (or it no longer takes tickets) or matter.
        Conflict: the matter belongs to another queue; the hall is closed (the kiosk always;
            others unless ``override_hours``).
    """
    now = now or utcnow()
    _check_input(priority, channel, request_key)
    known = directory(session)
    the_site = known.site(site)
    common: dict[str, Any] = {
        "site_id": the_site.id,
        "priority": priority,
        "channel": channel,
        "request_key": request_key,
        "staff_id": staff_id,
        "now": now,
    }
    if request_key:
        row = session.execute(
            select(
                Ticket.id, Ticket.queue_id, Ticket.business_date, Ticket.matter_id, Ticket.bundle_id
            ).where(Ticket.site_id == the_site.id, Ticket.request_key == request_key)
        ).first()
        if row is not None:
            ticket_id, queue_id, day, matter_id, bundle_id = row
            return TicketPlan(
                queue_id=queue_id,
                prefix=queue.strip().upper(),
                business_date=day,
                matter_id=matter_id,
                bundle_id=bundle_id,
                existing_id=ticket_id,
                **common,
            )
    the_queue = known.queue(the_site, queue.strip().upper())
    matter_id, bundle_id = (
        _matter_of_queue(session, known, the_queue, matter) if matter else (None, None)
    )
    if channel == "kiosk" or not override_hours:
        state = hall_state_at(session, known, the_site.id, now)
        if not state.is_open:
            _refuse_closed(state)
    return TicketPlan(
        queue_id=the_queue.id,
        prefix=the_queue.prefix,
        business_date=business_date(now, known.cutover(the_site.id)),
        matter_id=matter_id,
        bundle_id=bundle_id,
        **common,
    )


def _matter_of_queue(
    session: Session, known: Directory, queue: QueueEntry, code: str
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The matter with ``code``, else the 一件事 bundle (its ticket lists the bundle's
    materials); each a look-up by a unique code. It must be served by ``queue``: a ticket
    for a matter of queue D in queue A would send the visitor to the wrong windows with the
    wrong checklist (issue #19).

    Raises:
        NotFound: neither has that code.
        Conflict: it belongs to another queue (the message names the right one).
    """
    row = session.execute(
        select(ServiceMatter.id, ServiceMatter.name, ServiceMatter.queue_prefix).where(
            ServiceMatter.code == code
        )
    ).first()
    bundle = False
    if row is None:
        row = session.execute(
            select(MatterBundle.id, MatterBundle.name, MatterBundle.queue_prefix).where(
                MatterBundle.code == code
            )
        ).first()
        bundle = True
    if row is None:
        raise NotFound(f"no such matter: {code}", "找不到该事项。")
    found_id, name, prefix = row
    if prefix != queue.prefix:
        right = known.queues.get((queue.site_id, prefix))
        served = f"{prefix}（{right.name}）" if right is not None else prefix
        raise Conflict(
            f"matter {code} is served by queue {prefix}, not {queue.prefix}",
            f"“{name}”应取 {served}号办理，不能在 {queue.prefix}（{queue.name}）取号。",
        )
    return (None, found_id) if bundle else (found_id, None)


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
    """Issue the next ticket of a queue in the caller's write transaction.

    The same ``request_key`` returns the same ticket. Outside hall hours the kiosk is
    refused; the desk and the CLI may pass ``override_hours=True``. Prefer
    :func:`issue_ticket_in` unless the ticket must be part of a larger write (the green
    channel's request, a transfer): here the lookups and the read-back share the write
    transaction.
    """
    plan = plan_ticket(
        session,
        site=site,
        queue=queue,
        priority=priority,
        request_key=request_key,
        matter=matter,
        channel=channel,
        override_hours=override_hours,
        staff_id=staff_id,
        now=now,
    )
    return describe_ticket(session, allocate_ticket(session, plan), plan.now)


def allocate_ticket_in(
    factory: sessionmaker[Session], read_factory: sessionmaker[Session], **kwargs: Any
) -> tuple[uuid.UUID, datetime]:
    """Plan in a read transaction, then allocate in a short write transaction of its own.

    Takes :func:`plan_ticket`'s keywords; returns the ticket's id and the instant it was
    issued at (for the read-back). A retried request key writes nothing.
    """
    with read_factory() as session:
        plan = plan_ticket(session, **kwargs)
    if plan.existing_id is not None:
        return plan.existing_id, plan.now
    with factory.begin() as session:
        return allocate_ticket(session, plan), plan.now


def issue_ticket_in(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session] | None = None,
    **kwargs: Any,
) -> TicketView:
    """Issue a ticket in transactions of its own: plan (read), allocate (write), describe
    (read, after commit). Takes :func:`plan_ticket`'s keywords.

    Args:
        factory: the write session factory.
        read_factory: sessions that never take the write lock (made from ``factory`` when
            ``None``: see ``shared.db.create_read_session_factory``).
    """
    reads = read_factory or create_read_session_factory(factory)
    ticket_id, now = allocate_ticket_in(factory, reads, **kwargs)
    with reads() as session:
        return describe_ticket(session, ticket_id, now)
