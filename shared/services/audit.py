"""The audit trail: who did what, when. Never pass personal data in ``detail``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.models import AuditEntry

SYSTEM_ACTOR = "system"


def audit(
    session: Session,
    action: str,
    *,
    actor: str = SYSTEM_ACTOR,
    actor_id: uuid.UUID | None = None,
    entity_kind: str = "",
    entity_id: uuid.UUID | str = "",
    site_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Add an audit entry in the caller's transaction."""
    session.add(
        AuditEntry(
            at=now or utcnow(),
            actor=actor,
            actor_id=actor_id,
            action=action,
            entity_kind=entity_kind,
            entity_id=str(entity_id),
            site_id=site_id,
            detail=detail or {},
        )
    )
