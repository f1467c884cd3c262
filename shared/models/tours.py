"""Tours (参观接待) of the hall and the digital-village command centre."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, CreatedMixin, IdMixin
from shared.models.staff import Staff

TOUR_STATES = ("requested", "confirmed", "in_progress", "completed", "cancelled", "no_show")
RECEPTION_LEVELS = ("一般", "重要", "重大")

tour_docents = Table(
    "tour_docents",
    Base.metadata,
    Column("tour_id", ForeignKey("tours.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id"), primary_key=True),
)


class Venue(IdMixin, Base):
    """A place tours visit, with how many visitors it holds at once."""

    __tablename__ = "venues"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int]


class TourRoute(IdMixin, Base):
    """A route: ordered ``{"venue": code, "minutes": n}`` segments."""

    __tablename__ = "tour_routes"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    segments: Mapped[list[Any]] = mapped_column(default=list)


class Tour(IdMixin, CreatedMixin, Base):
    """A scheduled guided visit of a group, with its log once run."""

    __tablename__ = "tours"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    expected_visitors: Mapped[int]
    level: Mapped[str] = mapped_column(String(10), default="一般")
    letter_ref: Mapped[str] = mapped_column(String(60), default="")
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tour_routes.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    extended: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="requested")
    notes: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    arrived_at: Mapped[datetime | None]
    actual_start: Mapped[datetime | None]
    actual_end: Mapped[datetime | None]
    actual_visitors: Mapped[int | None]
    log_notes: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[int | None]

    route: Mapped[TourRoute] = relationship()
    docents: Mapped[list[Staff]] = relationship(secondary=tour_docents)
