"""The change feed: what each service write changed, and a follower that reads it.

Every service write calls :func:`record_change` in its own transaction, so a change is visible
exactly when the write is. Followers read changes after a revision. On PostgreSQL a sequence
value may commit after a larger one, so the follower remembers gaps for a few seconds and
reads them again; a gap left by a rolled-back transaction simply expires. A ``NOTIFY`` wakes
PostgreSQL followers early, but the table stays the truth: a follower that reconnects reads
everything it missed.

Retention: changes older than the setting ``change_retention_days`` are pruned in small
batches (:func:`prune_changes`), never the newest one (SQLite would reuse its revision). The
highest pruned revision is kept as the feed's *floor*; a follower still behind the floor has
missed changes it can no longer read, so it gets one :data:`RESYNC` record instead and every
view reloads in full (:func:`touches` answers True for it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import utcnow
from shared.models import Change, Setting

NOTIFY_CHANNEL = "hall_changes"
# Longer than SQLite's busy timeout (15 s): a writer may wait that long before it commits.
GAP_TTL_SECONDS = 30.0
MAX_GAPS = 10_000
#: The kind of the record a follower behind the pruned floor receives: reload everything.
RESYNC = "resync"
#: Where the floor is kept (a hidden setting: see shared.services.settings.specs).
FLOOR_KEY = "change_feed_floor"
PRUNE_BATCH = 2000
#: The change row's INSERT (the ticket allocator compiles it once for SQLite).
CHANGE_INSERT = insert(cast(Table, Change.__table__))
_NOTIFY = text("SELECT pg_notify(:channel, '')")


@dataclass(frozen=True)
class ChangeRecord:
    """One change as followers see it (plain data, safe to pass between threads)."""

    revision: int
    kind: str
    entity_id: str
    action: str
    site_id: str | None
    at: datetime

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "revision": self.revision,
            "kind": self.kind,
            "id": self.entity_id,
            "action": self.action,
            "site_id": self.site_id,
            "at": self.at.isoformat(),
        }


def touches(batch: Iterable[ChangeRecord], *kinds: str) -> bool:
    """Whether a batch concerns any of ``kinds`` (a resync concerns every kind)."""
    return any(record.kind in kinds or record.kind == RESYNC for record in batch)


def record_change(
    session: Session,
    kind: str,
    entity_id: uuid.UUID | str,
    action: str = "updated",
    *,
    site_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> None:
    """Record that ``kind``/``entity_id`` changed, in the caller's transaction."""
    session.add(
        Change(
            kind=kind,
            entity_id=str(entity_id),
            action=action,
            site_id=site_id,
            at=now or utcnow(),
        )
    )
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Delivered at COMMIT; duplicates within one transaction are folded by the server.
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def insert_change(
    session: Session,
    kind: str,
    entity_id: uuid.UUID | str,
    action: str = "updated",
    *,
    site_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> None:
    """:func:`record_change` as one ``INSERT`` sent at once, without the unit of work.

    For writers that hold the database lock as briefly as they can (the ticket allocator).
    """
    conn = session.connection()
    conn.execute(
        CHANGE_INSERT,
        {
            "kind": kind,
            "entity_id": str(entity_id),
            "action": action,
            "site_id": site_id,
            "at": now or utcnow(),
        },
    )
    notify_followers(conn)


def notify_followers(conn: Connection) -> None:
    """Wake PostgreSQL followers at commit (``NOTIFY``); nothing to do on SQLite, whose
    followers poll."""
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL})


def latest_revision(session: Session) -> int:
    """The newest revision in the feed, 0 when empty."""
    return int(session.scalar(select(func.coalesce(func.max(Change.revision), 0))) or 0)


def _record(row: Change) -> ChangeRecord:
    return ChangeRecord(
        revision=row.revision,
        kind=row.kind,
        entity_id=row.entity_id,
        action=row.action,
        site_id=str(row.site_id) if row.site_id else None,
        at=row.at,
    )


def changes_after(session: Session, revision: int, limit: int = 1000) -> list[ChangeRecord]:
    """Changes with a revision above ``revision``, oldest first."""
    rows = session.scalars(
        select(Change).where(Change.revision > revision).order_by(Change.revision).limit(limit)
    )
    return [_record(row) for row in rows]


def feed_floor(session: Session) -> int:
    """The highest pruned revision (0 when nothing was ever pruned)."""
    value = session.scalar(
        select(Setting.value).where(Setting.key == FLOOR_KEY, Setting.site_id.is_(None))
    )
    return int(value or 0)


def prune_changes(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    batch: int = PRUNE_BATCH,
    max_batches: int = 500,
) -> int:
    """Delete changes older than the retention, a short transaction per batch; returns how many.

    Short batches keep the write lock free for ticket writers between them. The newest change
    is never deleted, so revisions keep growing (SQLite reuses the highest free one).
    """
    from shared.services.settings import get_setting  # the settings service records changes

    now = now or utcnow()
    pruned = 0
    for _ in range(max_batches):
        with factory.begin() as session:
            days = int(get_setting(session, "change_retention_days"))
            cutoff = now - timedelta(days=days)
            newest = latest_revision(session)
            revisions = session.scalars(
                select(Change.revision)
                .where(Change.at < cutoff, Change.revision < newest)
                .order_by(Change.revision)
                .limit(batch)
            ).all()
            if not revisions:
                break
            session.execute(delete(Change).where(Change.revision.in_(revisions)))
            _raise_floor(session, max(revisions))
            pruned += len(revisions)
        if len(revisions) < batch:
            break
    return pruned


def _raise_floor(session: Session, revision: int) -> None:
    row = session.scalar(select(Setting).where(Setting.key == FLOOR_KEY, Setting.site_id.is_(None)))
    if row is None:
        session.add(Setting(key=FLOOR_KEY, value=revision, site_id=None))
    elif int(row.value or 0) < revision:
        row.value = revision


class ChangeFollower:
    """Reads the feed after a revision, batch by batch, without losing late commits.

    Args:
        factory: a sessionmaker (a read-only one is best: see ``create_read_session_factory``).
        after: start after this revision; ``None`` starts at the current end of the feed.
    """

    def __init__(self, factory: sessionmaker[Session], after: int | None = None) -> None:
        self._factory = factory
        self._gaps: dict[int, float] = {}
        self._listener: Any = None
        if after is None:
            with factory() as session:
                after = latest_revision(session)
        self.revision = after

    def poll(self) -> list[ChangeRecord]:
        """The changes that became visible since the last poll, in revision order."""
        now = time.monotonic()
        self._gaps = {r: t for r, t in self._gaps.items() if now - t < GAP_TTL_SECONDS}
        with self._factory() as session:
            floor = feed_floor(session)
            if self.revision < floor:
                return [self._resync(session, floor)]
            fresh = changes_after(session, self.revision)
            late: list[ChangeRecord] = []
            if self._gaps:
                rows = session.scalars(
                    select(Change).where(Change.revision.in_(sorted(self._gaps)))
                )
                late = [_record(row) for row in rows]
        for record in late:
            self._gaps.pop(record.revision, None)
        expected = self.revision + 1
        for record in fresh:
            for missing in range(expected, min(record.revision, expected + MAX_GAPS)):
                self._gaps[missing] = now
            expected = record.revision + 1
        if fresh:
            self.revision = fresh[-1].revision
        return sorted(late + fresh, key=lambda r: r.revision)

    def _resync(self, session: Session, floor: int) -> ChangeRecord:
        """Skip to the end of the feed: what lay behind the floor is gone."""
        self._gaps.clear()
        self.revision = max(floor, latest_revision(session))
        return ChangeRecord(self.revision, RESYNC, "all", RESYNC, None, utcnow())

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, waking early on a PostgreSQL notification."""
        engine = self._factory.kw["bind"]
        if engine.dialect.name != "postgresql":
            time.sleep(timeout)
            return
        try:
            if self._listener is None:
                self._listener = _open_listener(engine)
            for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                pass
        except Exception:
            # The feed table is the truth; a lost listener only costs latency.
            self.close()
            time.sleep(timeout)

    def follow(self, interval: float = 0.2) -> Iterator[ChangeRecord]:
        """Yield changes forever as they arrive."""
        while True:
            yield from self.poll()
            self.wait(interval)

    def close(self) -> None:
        """Drop the PostgreSQL listening connection, if any."""
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None


def _open_listener(engine: Any) -> Any:
    import psycopg

    url = engine.url.set(drivername="postgresql")
    conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
    return conn
