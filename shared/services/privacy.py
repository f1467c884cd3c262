"""Erasing personal data after the retention period (spec §10, PIPL art. 47).

:func:`purge` erases the name, phone and address of priority requests that were finished or
cancelled more than ``privacy_retention_days`` (default 180) ago, and the text of their notes
(staff write phone numbers and addresses into notes too). Kind, visitor type, matter, site and
timestamps stay, so reports keep their anonymous figures; ``purged_at`` marks the row.

Setting a column to NULL is not enough: the old bytes stay in the database file until they
are overwritten. So:

- **SQLite**: the purge's connection runs with ``PRAGMA secure_delete=ON`` (freed cell space
  is zeroed), and after the commit :func:`scrub_database_file` runs ``VACUUM`` (a fresh copy
  of every page, no free-list leftovers) and ``wal_checkpoint(TRUNCATE)`` (the WAL, which
  still holds the old page images, is copied back and emptied). ``VACUUM`` cannot run inside
  a transaction, and the engine's ``begin`` hook always opens one (``BEGIN IMMEDIATE``), so it
  runs on a raw DB-API connection, which is in autocommit mode here.
- **PostgreSQL**: an ``UPDATE`` leaves the old row version as a dead tuple; after the commit
  ``VACUUM (FULL)`` rewrites the two tables into new files (plain ``VACUUM`` when the lock is
  not granted within a few seconds), on an autocommit connection.

:func:`purge_personal_data` does both steps; it is what ``hall privacy purge`` runs.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import ValidationError
from shared.models import Evaluation, EvaluationCase, PriorityNote, PriorityRequest
from shared.services.audit import audit
from shared.services.settings import get_setting

log = logging.getLogger(__name__)

#: What a purged note says instead of its text.
PURGED_NOTE = "（已按规定清除）"
PURGED_TABLES = ("priority_requests", "priority_notes")
CHECKPOINT_ATTEMPTS = 20
PG_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class PurgeResult:
    """What a purge erased.

    Attributes:
        requests: requests whose personal fields were erased.
        notes: notes whose text was erased.
        older_than_days: the retention period applied.
        cutoff: requests closed before this instant were purged.
        scrubbed: the database file was compacted afterwards (``None``: not attempted).
        ratings: ratings whose phone and note were erased (their case closed, or none).
    """

    requests: int
    notes: int
    older_than_days: int
    cutoff: datetime
    scrubbed: bool | None = None
    ratings: int = 0

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "requests": self.requests,
            "notes": self.notes,
            "older_than_days": self.older_than_days,
            "cutoff": self.cutoff.isoformat(),
            "scrubbed": self.scrubbed,
            "ratings": self.ratings,
        }


def retention_days(session: Session) -> int:
    """The configured retention period (``privacy_retention_days``), in days."""
    return int(get_setting(session, "privacy_retention_days"))


def purge(
    session: Session, older_than_days: int | None = None, now: datetime | None = None
) -> PurgeResult:
    """Erase personal fields of requests closed more than ``older_than_days`` ago.

    Runs in the caller's transaction. After the commit, call :func:`scrub_database_file`
    (or use :func:`purge_personal_data`, which does both) so the old bytes leave the file.

    Args:
        older_than_days: the retention period; the ``privacy_retention_days`` setting when
            ``None``. ``0`` purges everything already closed.

    Raises:
        ValidationError: a negative period.
    """
    now = now or utcnow()
    days = retention_days(session) if older_than_days is None else int(older_than_days)
    if days < 0:
        raise ValidationError("older-than-days must be 0 or more", "保留天数不能为负数。")
    cutoff = now - timedelta(days=days)
    if session.get_bind().dialect.name == "sqlite":
        # Zero the freed space of every page this transaction rewrites.
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
    closed_at = PriorityRequest.finished_at
    rows = session.execute(
        select(PriorityRequest.id, PriorityRequest.site_id).where(
            PriorityRequest.purged_at.is_(None),
            PriorityRequest.state.in_(("done", "cancelled")),
            or_(
                (PriorityRequest.state == "done") & (closed_at < cutoff),
                (PriorityRequest.state == "cancelled") & (PriorityRequest.cancelled_at < cutoff),
            ),
        )
    ).all()
    ids = [row[0] for row in rows]
    notes = 0
    if ids:
        session.execute(
            update(PriorityRequest)
            .where(PriorityRequest.id.in_(ids))
            .values(name=None, phone=None, address=None, purged_at=now)
        )
        result = session.execute(
            update(PriorityNote)
            .where(PriorityNote.request_id.in_(ids))
            .values(text=PURGED_NOTE)
            .execution_options(synchronize_session=False)
        )
        notes = int(getattr(result, "rowcount", 0) or 0)
        for request_id, site_id in rows:
            record_change(
                session, "priority_request", request_id, "purged", site_id=site_id, now=now
            )
    rated = _purge_ratings(session, cutoff, now)
    audit(
        session,
        "privacy.purged",
        entity_kind="priority_request",
        detail={"requests": len(ids), "notes": notes, "ratings": rated, "older_than_days": days},
        now=now,
    )
    log.info(
        "privacy purge: %d requests, %d notes, %d ratings (older than %d days)",
        len(ids),
        notes,
        rated,
        days,
    )
    return PurgeResult(
        requests=len(ids), notes=notes, older_than_days=days, cutoff=cutoff, ratings=rated
    )


def _purge_ratings(session: Session, cutoff: datetime, now: datetime) -> int:
    """Erase the phone and note of ratings given before ``cutoff`` whose case (if a bad
    rating opened one) is closed: an open case still needs the call back."""
    open_case = (
        select(EvaluationCase.id)
        .where(EvaluationCase.evaluation_id == Evaluation.id, EvaluationCase.state != "closed")
        .correlate(Evaluation)
        .exists()
    )
    result = session.execute(
        update(Evaluation)
        .where(
            Evaluation.purged_at.is_(None),
            Evaluation.created_at < cutoff,
            or_(Evaluation.phone.is_not(None), Evaluation.note.is_not(None)),
            ~open_case,
        )
        .values(phone=None, note=None, purged_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def scrub_database_file(engine: Engine) -> bool:
    """After a committed purge, make sure no old bytes survive in the database's files.

    Returns:
        True when the file was compacted completely (on SQLite: the WAL checkpoint was not
        blocked by a reader; on PostgreSQL: ``VACUUM FULL`` ran).
    """
    if engine.dialect.name == "sqlite":
        return _scrub_sqlite(engine)
    if engine.dialect.name == "postgresql":
        return _scrub_postgres(engine)
    return False


def _scrub_sqlite(engine: Engine) -> bool:
    # A raw DB-API connection: the engine's "begin" hook would wrap VACUUM in BEGIN
    # IMMEDIATE, and VACUUM refuses to run inside a transaction. The driver connection is
    # in autocommit mode (isolation_level=None, set on connect).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("VACUUM")
            for _ in range(CHECKPOINT_ATTEMPTS):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = cursor.fetchone()
                if row is not None and not row[0]:
                    return True
                # A reader holds an old snapshot: give it a moment and try again.
                time.sleep(0.1)
            log.warning("privacy purge: WAL checkpoint kept being blocked by a reader")
            return False
        finally:
            cursor.close()
    finally:
        raw.close()


def _scrub_postgres(engine: Engine) -> bool:
    tables = ", ".join(PURGED_TABLES)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
        try:
            conn.exec_driver_sql(f"VACUUM (FULL) {tables}")
            full = True
        except Exception as exc:  # lock not granted: the plain VACUUM takes no such lock
            log.warning("privacy purge: VACUUM FULL not possible (%s)", type(exc).__name__)
            conn.exec_driver_sql(f"VACUUM {tables}")
            full = False
        conn.exec_driver_sql("RESET lock_timeout")
    return full


def purge_personal_data(
    factory: sessionmaker[Session],
    older_than_days: int | None = None,
    now: datetime | None = None,
) -> PurgeResult:
    """:func:`purge` in its own transaction, then :func:`scrub_database_file`."""
    with factory.begin() as session:
        result = purge(session, older_than_days, now)
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    scrubbed = scrub_database_file(engine)
    return dataclasses.replace(result, scrubbed=scrubbed)
