"""A deliberately broken ticket allocator: the control run of the concurrency test (issue #3).

Test support only — it must never move into ``shared/``. It numbers tickets the way the queue
systems we studied did: read ``max(sequence) + 1``, then insert, into a scratch table that has
no unique constraint, on a plain engine without the hall's ``BEGIN IMMEDIATE`` hook:

- SQLite: SQLAlchemy's default pysqlite handling runs the ``SELECT`` outside any transaction
  and opens a deferred one only for the ``INSERT``;
- PostgreSQL: one READ COMMITTED transaction, no ``FOR UPDATE`` (``max()`` cannot lock anyway).

Run under the same harness as the real allocator, it hands out duplicate numbers; that shows
the harness can fail, so its passing the real allocator means something (pretix's habit).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
)
from sqlalchemy.engine import make_url

metadata = MetaData()

# No unique constraint on (site, day, queue, sequence): nothing stops a duplicate.
naive_tickets = Table(
    "naive_tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("queue_id", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
)


def naive_engine(url: str) -> Engine:
    """A plain engine on the hall's database: no BEGIN IMMEDIATE, no row locks."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Only a busy timeout, so writers wait instead of failing; otherwise the defaults.
        return create_engine(parsed, connect_args={"timeout": 15})
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed)


def create_naive_table(engine: Engine) -> None:
    """Create the scratch table (idempotent)."""
    metadata.create_all(engine)


def naive_issue(engine: Engine, *, site_id: str, queue_id: str, day: date) -> int:
    """Allocate the "next" number by ``max + 1`` and store it; returns the sequence."""
    with engine.begin() as conn:
        current = conn.scalar(
            select(func.coalesce(func.max(naive_tickets.c.sequence), 0)).where(
                naive_tickets.c.site_id == site_id,
                naive_tickets.c.business_date == day,
                naive_tickets.c.queue_id == queue_id,
            )
        )
        sequence = int(current or 0) + 1
        conn.execute(
            naive_tickets.insert().values(
                site_id=site_id, business_date=day, queue_id=queue_id, sequence=sequence
            )
        )
    return sequence
