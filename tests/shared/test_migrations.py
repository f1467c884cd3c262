"""The migrations build exactly what the models declare, on both backends.

Without this, an index added to a model but not to a migration (issue #10's history-proof
indexes) would exist in tests that build from the models and be missing in every real hall.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

from shared.models import Base


def test_migrated_schema_matches_the_models(factory: sessionmaker[Session]) -> None:
    engine = factory.kw["bind"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
