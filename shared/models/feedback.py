"""Citizens' ratings (好差评), the cases bad ratings open, and 办不成事 reports.

A rating (:class:`Evaluation`) is of one finished ticket — at most one, whatever the channel —
or of the hall as a whole. A 不满意 or 非常不满意 opens an :class:`EvaluationCase` for the manager
(回访 → 核实 → 整改 / 说明 / 申诉 → closed), due within a number of working days. Phones and
notes are personal data: masked on screen and erased by the purge (``purged_at``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedMixin, IdMixin

#: The national 好差评 levels, best first; stored as 5 (非常满意) down to 1 (非常不满意).
EVALUATION_LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
#: Levels that are 差评 and open a case.
BAD_LEVELS = (2, 1)
#: The offline indicators each rated on the same five levels (optional).
EVALUATION_INDICATORS = ("服务效率", "服务水平", "服务态度")
EVALUATION_CHANNELS = ("pad", "kiosk", "console")
#: A case's states, in the order they are normally passed.
CASE_STATES = ("open", "visited", "verified", "appealed", "closed")
#: How a case ends: 整改 (put right), 说明 (explained: no legal basis to do otherwise), or an
#: appeal decided by a second person (the rating was mistaken or malicious, or it stands).
CASE_OUTCOMES = ("rectified", "explained", "appeal_upheld", "appeal_rejected")


class Evaluation(IdMixin, CreatedMixin, Base):
    """A five-level rating of one ticket's service, or of the hall (``ticket_id`` empty)."""

    __tablename__ = "evaluations"
    __table_args__ = (
        # Reports and lists: a site's ratings over a period, in order.
        Index("ix_evaluations_site_created", "site_id", "created_at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    # One rating per ticket: the database refuses a second, whichever terminal sends it.
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
    window_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("windows.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_matters.id"))
    level: Mapped[int]
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    # A retried submission (a double tap, a lost answer) finds the rating it already made.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    purged_at: Mapped[datetime | None]


class EvaluationCase(IdMixin, CreatedMixin, Base):
    """The manager's follow-up of one bad rating, due on ``due_on`` (working days)."""

    __tablename__ = "evaluation_cases"
    __table_args__ = (
        # The manager's list and the overdue check: a site's cases by state and due date.
        Index("ix_evaluation_cases_site_state_due", "site_id", "state", "due_on"),
    )

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    due_on: Mapped[date]
    visited_at: Mapped[datetime | None]
    visit_note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None]
    finding: Mapped[str | None] = mapped_column(Text)
    appeal_reason: Mapped[str | None] = mapped_column(Text)
    appeal_evidence: Mapped[str | None] = mapped_column(Text)
    appealed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None]


class Feedback(IdMixin, CreatedMixin, Base):
    """A 办不成事 report: something a citizen could not get done."""

    __tablename__ = "feedback"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_matters.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="new")
