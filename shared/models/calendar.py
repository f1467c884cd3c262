"""The holiday calendar: public holidays, 调休 working days and extended-hours days."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, IdMixin

#: ``holiday`` closes a day that would be open; ``workday`` (调休) opens a day that would be
#: closed, with the sessions given or else the site's usual working-day sessions;
#: ``extended`` (延时服务) adds the sessions given to a day's usual ones.
CALENDAR_KINDS = ("holiday", "workday", "extended")


class CalendarDay(IdMixin, Base):
    """One dated exception to the weekly hours, hall-wide (``site_id`` null) or for a site.

    A site's own entry for a date wins over the hall-wide one.
    """

    __tablename__ = "calendar_days"
    __table_args__ = (
        UniqueConstraint("site_id", "day"),
        Index("ix_calendar_days_day", "day"),
    )

    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60), default="")
    #: ``[["HH:MM", "HH:MM"], …]`` for ``workday`` (optional) and ``extended``.
    sessions: Mapped[list[Any]] = mapped_column(default=list)
