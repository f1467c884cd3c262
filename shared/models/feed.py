"""The change feed and the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import utcnow
from shared.models.base import Base, IdMixin


class Change(Base):
    """One record changed by a service write, in the same transaction as the write.

    ``revision`` is local to one database (an ordering, not an identity), so it is the one
    integer key in the schema.
    """

    __tablename__ = "changes"
    __table_args__ = (
        # "The newest change of a kind" (the catalog's freshness check) without a scan.
        Index("ix_changes_kind_revision", "kind", "revision"),
        # Pruning by age.
        Index("ix_changes_at", "at"),
    )

    revision: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[uuid.UUID | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(IdMixin, Base):
    """Who did what, when. ``detail`` never holds personal data."""

    __tablename__ = "audit_entries"

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_kind: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    site_id: Mapped[uuid.UUID | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
