"""Alembic environment: runs on the engine handed in by ``shared.db.upgrade``.

Several terminals may start at once against one database, so the whole upgrade runs in one
transaction under a lock: ``BEGIN IMMEDIATE`` on SQLite (from the engine's begin hook), an
advisory transaction lock on PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from shared.db import create_hall_engine
from shared.models import Base

MIGRATION_LOCK_KEY = 7_340_001


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = create_hall_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))
            context.run_migrations()


run_migrations_online()
