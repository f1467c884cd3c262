"""A ticket as screens, printers and the CLI see it, with people ahead and the wait.

The read-back of an issue (:func:`describe_ticket`) runs after the allocation committed, in a
read transaction of its own, so the people-ahead count and the wait estimate never hold the
write lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import NotFound
from shared.models import Queue, ServiceMatter, Site, Ticket, Window
from shared.models.catalog import MatterBundle
from shared.services.catalog_guide import bundle_materials
from shared.services.tickets.directory import recent_directory
from shared.services.waits import WaitEstimate, estimate_wait, people_ahead


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


def format_number(prefix: str, sequence: int) -> str:
    """``A`` + 7 → ``A007``; after 999 comes ``A1000`` (never wraps)."""
    return f"{prefix}{sequence:03d}"


def view(session: Session, ticket: Ticket, now: datetime | None = None) -> TicketView:
    """The plain view of a ticket, with people ahead and the wait estimate as of now."""
    site = session.get_one(Site, ticket.site_id)
    queue = session.get_one(Queue, ticket.queue_id)
    return _view(session, ticket, site, queue, now, None)


def _view(
    session: Session,
    ticket: Ticket,
    site: Site,
    queue: Queue,
    now: datetime | None,
    cut: time | None,
) -> TicketView:
    matter = session.get(ServiceMatter, ticket.matter_id) if ticket.matter_id else None
    chosen = _chosen(session, ticket, matter)
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
        wait=estimate_wait(session, queue, ahead, ticket.business_date, now, cut=cut),
        matter_code=chosen[0],
        matter_name=chosen[1],
        materials=chosen[2],
        window_number=window.number if window else None,
        print_state=ticket.print_state,
        recall_count=ticket.recall_count,
    )


def _chosen(
    session: Session, ticket: Ticket, matter: ServiceMatter | None
) -> tuple[str | None, str | None, tuple[dict[str, Any], ...]]:
    """The code, name and checklist of what the visitor chose: a matter, a 一件事 bundle, or
    nothing."""
    if matter is not None:
        return matter.code, matter.name, tuple(matter.materials)
    if ticket.bundle_id is not None:
        bundle = session.get(MatterBundle, ticket.bundle_id)
        if bundle is not None:
            return bundle.code, bundle.name, bundle_materials(bundle)
    return None, None, ()


def describe_ticket(
    session: Session, ticket_id: uuid.UUID, now: datetime | None = None
) -> TicketView:
    """The view of ticket ``ticket_id`` as of ``now``; run it in a read transaction.

    The read-back of every issue and call: the ticket, its queue and site in one query, and
    the business-day cut-over from the directory snapshot the plan has just checked.

    Raises:
        NotFound: no such ticket.
    """
    row = session.execute(
        select(Ticket, Queue, Site)
        .join(Queue, Queue.id == Ticket.queue_id)
        .join(Site, Site.id == Ticket.site_id)
        .where(Ticket.id == ticket_id)
    ).first()
    if row is None:
        raise NotFound(f"no such ticket: {ticket_id}", "找不到该号码。")
    ticket, queue, site = row
    cut = recent_directory(session).cutover(site.id)
    return _view(session, ticket, site, queue, now, cut)
