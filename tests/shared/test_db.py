"""Engines, migrations and column types on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from shared.db import (
    SCHEMA_HEAD,
    create_hall_engine,
    create_read_session_factory,
    create_session_factory,
    current_revision,
    head_revision,
    resolve_url,
    upgrade,
)
from shared.models import AuditEntry, Site


def test_migrated_database_is_at_head(factory: sessionmaker[Session]) -> None:
    assert current_revision(factory.kw["bind"]) == head_revision()


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    engine = create_hall_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_instants_round_trip_as_aware_utc(factory: sessionmaker[Session]) -> None:
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 26, 9, 30, tzinfo=shanghai)
    with factory.begin() as session:
        session.add(AuditEntry(actor="t", action="x", at=moment))
    with factory() as session:
        stored = session.scalar(select(AuditEntry.at))
    assert stored == moment
    assert stored is not None and stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(factory: sessionmaker[Session]) -> None:
    with pytest.raises(Exception, match="naive datetime"), factory.begin() as session:
        session.add(AuditEntry(actor="t", action="x", at=datetime(2026, 1, 1)))
        session.flush()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = create_hall_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # 2 = FULL: committed tickets survive a power cut.
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_foreign_keys_are_enforced(factory: sessionmaker[Session]) -> None:
    import uuid

    from shared.models import Queue

    with pytest.raises(Exception, match=r"(?i)foreign key"), factory.begin() as session:
        session.add(Queue(site_id=uuid.uuid4(), prefix="A", name="x"))
        session.flush()


def test_read_sessions_do_not_block_a_writer(sqlite_url: str) -> None:
    writes = create_session_factory(sqlite_url)
    reads = create_read_session_factory(writes)
    with reads() as reader:
        reader.execute(text("SELECT count(*) FROM sites")).scalar()
        with writes.begin() as writer:
            writer.add(Site(code="x", name="x", kind="district", created_at=datetime.now(UTC)))
    with reads() as reader:
        assert reader.scalar(select(Site.code)) == "x"
    writes.kw["bind"].dispose()


def test_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALL_DATABASE_URL", raising=False)
    assert resolve_url(None).startswith("sqlite:///")
    assert resolve_url(None).endswith("servicehall.db")
    monkeypatch.setenv("HALL_DATABASE_URL", "postgresql://h/db")
    assert resolve_url(None) == "postgresql://h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_shipped_head_constant_is_alembics_head() -> None:
    """Issue #10 item 5: start-up trusts SCHEMA_HEAD to skip Alembic; a new migration must
    move it."""
    assert head_revision() == SCHEMA_HEAD


def test_a_current_schema_starts_without_importing_alembic(sqlite_url: str) -> None:
    """Issue #10 item 5: the check is one query; Alembic loads only when an upgrade is due."""
    import subprocess
    import sys

    code = (
        "import sys; from shared.db import create_hall_engine, upgrade, stored_revision;"
        f"e = create_hall_engine({sqlite_url!r}); upgrade(e);"
        "print(stored_revision(e), 'alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [SCHEMA_HEAD, "False"]
    empty = sqlite_url.replace(".db", "-new.db")
    code = code.replace(repr(sqlite_url), repr(empty))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [SCHEMA_HEAD, "True"]
