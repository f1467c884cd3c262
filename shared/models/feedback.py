"""Citizens' ratings (好差评) and 办不成事 reports."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedMixin, IdMixin

EVALUATION_LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


class Evaluation(IdMixin, CreatedMixin, Base):
    """A five-level rating of one ticket's service or of the hall (level 5 best, 1 worst)."""

    __tablename__ = "evaluations"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"))
    window_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("windows.id"))
    level: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20), default="kiosk")


class Feedback(IdMixin, CreatedMixin, Base):
    """A 办不成事 report: something a citizen could not get done."""

    __tablename__ = "feedback"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_matters.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="new")
