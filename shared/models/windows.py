"""Window sessions (窗口签到): who staffs a window, and when it is open, paused or closed.

A window is *open* while it has a session with no ``signed_out_at``, and *paused* while that
session has a ``paused_at``. Every sign-in, pause, resume and sign-out is also kept as a
:class:`WindowEvent`, never rewritten: attendance (在岗率) is computed from these events.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import utcnow
from shared.models.base import Base, IdMixin

WINDOW_EVENT_KINDS = ("signed_in", "paused", "resumed", "signed_out")
#: Pause reasons offered on screen; a typed reason is allowed too.
PAUSE_REASONS = ("休息", "会议", "系统故障")


class WindowSession(IdMixin, Base):
    """One stretch of a window being staffed, from sign-in to sign-out."""

    __tablename__ = "window_sessions"
    __table_args__ = (
        # At most one open session per window, enforced by the database on both backends.
        Index(
            "uq_window_sessions_open",
            "window_id",
            unique=True,
            sqlite_where=text("signed_out_at IS NULL"),
            postgresql_where=text("signed_out_at IS NULL"),
        ),
        Index("ix_window_sessions_site_out", "site_id", "signed_out_at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    window_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("windows.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    signed_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_out_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(String(60))


class WindowEvent(IdMixin, Base):
    """One sign-in, pause, resume or sign-out at a window (kept for 在岗率)."""

    __tablename__ = "window_events"
    __table_args__ = (
        Index("ix_window_events_site_at", "site_id", "at"),
        Index("ix_window_events_window_at", "window_id", "at"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    window_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("windows.id"))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("window_sessions.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(60), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
