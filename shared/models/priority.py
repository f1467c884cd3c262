"""Priority-service requests (优先服务): green channel, on-site help, home visits.

Personal fields (name, phone, address) are the minimum the product needs and are erased by
the purge after the retention period; ``purged_at`` marks that.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedMixin, IdMixin

REQUEST_KINDS = ("green_ticket", "assistance", "home_visit")
VISITOR_KINDS = ("elderly", "disabled", "pregnant", "other")
REQUEST_STATES = ("new", "accepted", "done", "cancelled")


class PriorityRequest(IdMixin, CreatedMixin, Base):
    """A visitor's request for priority or home service."""

    __tablename__ = "priority_requests"
    __table_args__ = (
        # The inbox: a site's newest requests, all or in some states (one range per state),
        # without a sort; and every site's, by state (the district view).
        Index("ix_priority_requests_site_created", "site_id", "created_at"),
        Index("ix_priority_requests_site_state_created", "site_id", "state", "created_at"),
        Index("ix_priority_requests_state_created", "state", "created_at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    visitor: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    name: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_matters.id"))
    preferred_date: Mapped[date | None]
    preferred_half: Mapped[str | None] = mapped_column(String(4))
    terminal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("terminals.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]


class PriorityNote(IdMixin, CreatedMixin, Base):
    """A staff note on a request."""

    __tablename__ = "priority_notes"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("priority_requests.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text)
