"""Queue tickets, their per-day counters and their life events."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.clock import utcnow
from shared.models.base import Base, IdMixin
from shared.models.org import Queue, Window

TICKET_STATES = ("issued", "called", "serving", "done", "no_show", "cancelled", "transferred")
WAITING_STATES = ("issued",)
PRIORITIES = ("elderly", "disabled", "pregnant", "other")


class TicketCounter(Base):
    """The last sequence handed out for one queue on one business day at one site.

    The allocator locks and bumps this row; the unique constraint on tickets is the backstop.
    """

    __tablename__ = "ticket_counters"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    business_date: Mapped[date] = mapped_column(primary_key=True)
    queue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(default=0)


class Ticket(IdMixin, Base):
    """A numbered place in a queue for one business day (号票)."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("site_id", "business_date", "queue_id", "sequence"),
        UniqueConstraint("site_id", "request_key"),
        Index("ix_tickets_site_day_state", "site_id", "business_date", "state"),
        # The day's waiting line of a queue, in calling order: next in queue, people ahead.
        Index("ix_tickets_queue_day_state", "queue_id", "business_date", "state", "issued_at"),
        # The interleave check: the queue's calls of the day, newest first.
        Index("ix_tickets_queue_day_called", "queue_id", "business_date", "called_at"),
        # The rolling mean service time: a queue's last finished tickets, without a sort.
        Index("ix_tickets_queue_state_finished", "queue_id", "state", "finished_at"),
        # Who is at a window today (call next, the window view, busy windows).
        Index("ix_tickets_window_day_state", "window_id", "business_date", "state"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    queue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queues.id"))
    business_date: Mapped[date]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str | None] = mapped_column(String(20))
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_matters.id"))
    # A 一件事 bundle chosen instead of a single matter (its queue, its combined checklist).
    bundle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("matter_bundles.id"))
    channel: Mapped[str] = mapped_column(String(20), default="kiosk")
    request_key: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default="issued")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    called_at: Mapped[datetime | None]
    serving_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    window_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("windows.id"))
    recall_count: Mapped[int] = mapped_column(default=0)
    print_state: Mapped[str] = mapped_column(String(20), default="pending")
    transferred_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"))

    queue: Mapped[Queue] = relationship()
    window: Mapped[Window | None] = relationship()


class TicketEvent(IdMixin, Base):
    """One timestamped change in a ticket's life."""

    __tablename__ = "ticket_events"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    window_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("windows.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
