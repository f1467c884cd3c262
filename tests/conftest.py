"""Session-wide test set-up: offscreen Qt, a private data folder, real databases.

Databases: ``sqlite_url`` is a fresh migrated SQLite file per test; ``pg_url`` a fresh
migrated database on the PostgreSQL server this session starts; ``db_url`` runs a test on
both. ``seeded_*`` variants hold the demo hall. Each is copied from a template made once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_DATA = tempfile.mkdtemp(prefix="hall-test-data-")
os.environ["HALL_DATA_DIR"] = _DATA
os.environ.pop("HALL_DATABASE_URL", None)

import pytest  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from shared.db import create_hall_engine, create_session_factory, upgrade  # noqa: E402
from tests.support.pgserver import PostgresServer  # noqa: E402

_counter = itertools.count(1)


def _make_sqlite_template(path: Path, seeded: bool) -> Path:
    engine = create_hall_engine(f"sqlite:///{path}")
    upgrade(engine)
    if seeded:
        from shared.demo.seed import seed_demo

        with sessionmaker(engine).begin() as session:
            seed_demo(session)
    # Closing the last connection checkpoints the WAL into the file, so copying it is enough.
    engine.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture(scope="session")
def _sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("templates")
    return {
        False: _make_sqlite_template(root / "empty.db", False),
        True: _make_sqlite_template(root / "seeded.db", True),
    }


def _sqlite_copy(templates: dict[bool, Path], tmp_path: Path, seeded: bool) -> str:
    target = tmp_path / f"hall-{next(_counter)}.db"
    shutil.copyfile(templates[seeded], target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_url(_sqlite_templates: dict[bool, Path], tmp_path: Path) -> str:
    """A fresh, migrated, empty SQLite file."""
    return _sqlite_copy(_sqlite_templates, tmp_path, False)


@pytest.fixture
def seeded_sqlite_url(_sqlite_templates: dict[bool, Path], tmp_path: Path) -> str:
    """A fresh SQLite file holding the demo hall."""
    return _sqlite_copy(_sqlite_templates, tmp_path, True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server of this test session, with migrated template databases."""
    server = PostgresServer()
    server.start()
    try:
        for name, seeded in (("hall_template", False), ("hall_seeded", True)):
            server.admin_execute(f"CREATE DATABASE {name}")
            engine = create_hall_engine(server.url(name))
            upgrade(engine)
            if seeded:
                from shared.demo.seed import seed_demo

                with sessionmaker(engine).begin() as session:
                    seed_demo(session)
            engine.dispose()
        yield server
    finally:
        server.stop()


def _pg_copy(server: PostgresServer, template: str) -> str:
    name = f"t{os.getpid()}_{next(_counter)}"
    server.admin_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return server.url(name)


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """A fresh, migrated, empty PostgreSQL database."""
    return _pg_copy(pg_server, "hall_template")


@pytest.fixture
def seeded_pg_url(pg_server: PostgresServer) -> str:
    """A fresh PostgreSQL database holding the demo hall."""
    return _pg_copy(pg_server, "hall_seeded")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh empty database on each backend in turn."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded_db_url(request: pytest.FixtureRequest) -> str:
    """A fresh demo-hall database on each backend in turn."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("seeded_sqlite_url"))
    return str(request.getfixturevalue("seeded_pg_url"))


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on ``db_url``; disposed after the test."""
    made = create_session_factory(db_url)
    yield made
    made.kw["bind"].dispose()


@pytest.fixture
def seeded_factory(seeded_db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on ``seeded_db_url``."""
    made = create_session_factory(seeded_db_url)
    yield made
    made.kw["bind"].dispose()


@pytest.fixture
def sqlite_factory(seeded_sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a seeded SQLite file (for tests that need only one backend)."""
    made = create_session_factory(seeded_sqlite_url)
    yield made
    made.kw["bind"].dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_DATA, ignore_errors=True)
