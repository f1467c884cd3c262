"""Engines, sessions and migrations for SQLite (default) and PostgreSQL.

SQLite is opened in WAL mode with a busy timeout and foreign keys on. Write transactions
start with ``BEGIN IMMEDIATE`` so two writers queue on the database lock instead of failing
half-way (the driver's own deferred BEGIN gave "database is locked" under load); a writer
waiting for that lock polls it in steps of 0.2–2 ms rather than SQLite's back-off of up to
100 ms (see :func:`_poll_begin_immediate`). Read-only sessions from
:func:`create_read_session_factory` use a plain deferred ``BEGIN`` so followers never block
writers.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from shared.paths import default_database_path, migrations_dir

SQLITE_BUSY_TIMEOUT_MS = 15_000
#: How long a writer polls for the write lock before falling back to SQLite's own busy wait.
SQLITE_POLL_SECONDS = 5.0
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
SQLITE_SYNCHRONOUS = "FULL"
_READONLY = "hall_readonly"


def resolve_url(url: str | None = None) -> str:
    """``url``, else ``HALL_DATABASE_URL``, else the default SQLite file."""
    if url:
        return url
    env = os.environ.get("HALL_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{default_database_path()}"


def _normalise(url: str) -> URL:
    parsed = make_url(url)
    # Plain postgresql:// means psycopg 3 here; psycopg2 is not a dependency.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_hall_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine configured the way the hall needs for the URL's backend."""
    parsed = _normalise(resolve_url(url))
    # Statement parameters hold personal data (names, phone numbers): keep them out of SQL
    # logs and exception texts even when someone turns SQL logging on.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to us: the driver would otherwise BEGIN lazily and read
        # outside the transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed ticket survives a power cut. With NORMAL, WAL may lose the last
        # commits, and a number already printed on a slip could be handed out again.
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_READONLY):
            conn.exec_driver_sql("BEGIN")
        elif not _poll_begin_immediate(conn.connection.driver_connection):
            # Still busy after the polling: SQLite's own wait, and its error if that fails.
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _poll_begin_immediate(dbapi_connection: Any) -> bool:
    """``BEGIN IMMEDIATE``, waiting for the write lock in short steps; False if still busy.

    SQLite's busy handler sleeps 1, 2, 5, 10 … then 100 ms between tries, so with several
    writers the lock often sits free while they all sleep, and an unlucky writer waits for
    hundreds of milliseconds behind transactions that hold it for one. Here the busy timeout
    is off for the BEGIN alone and the lock is tried again every 0.2–2 ms.
    """
    deadline = time.monotonic() + SQLITE_POLL_SECONDS
    delay = 0.0002
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.Error as error:
                # Anything but "busy" (or busy for too long) is left to the caller's
                # ordinary BEGIN IMMEDIATE, which reports it as SQLAlchemy's error.
                if getattr(error, "sqlite_errorcode", None) not in _BUSY:
                    return False
                if time.monotonic() > deadline:
                    return False
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.5, 0.002)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def create_session_factory(url: str | None = None) -> sessionmaker[Session]:
    """A sessionmaker for write work (``None`` means ``HALL_DATABASE_URL`` or the default file).

    Use one session per user action: ``with factory.begin() as session: ...``.
    """
    return sessionmaker(create_hall_engine(url), expire_on_commit=False)


def create_read_session_factory(write_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """A sessionmaker on the same engine whose transactions never take the write lock."""
    engine = write_factory.kw["bind"]
    return sessionmaker(engine.execution_options(**{_READONLY: True}), expire_on_commit=False)


def engine_of(factory: sessionmaker[Session]) -> Engine:
    """The engine a sessionmaker is bound to."""
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def is_postgres(engine: Engine) -> bool:
    """True for a PostgreSQL engine."""
    return engine.dialect.name == "postgresql"


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


#: The newest migration shipped (a test checks it against Alembic's head). Knowing it lets a
#: terminal whose schema is current start without importing Alembic, Mako and Pygments.
SCHEMA_HEAD = "0008"


def stored_revision(engine: Engine) -> str | None:
    """The database's migration read with one query; ``None`` when it has none yet."""
    with engine.execution_options(**{_READONLY: True}).connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; safe when several terminals start at once.

    When the schema is already at the shipped head, nothing is imported or locked.
    """
    if revision == "head" and stored_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def head_revision() -> str:
    """The newest migration shipped with this code."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations_dir()))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ping(engine: Engine) -> None:
    """Raise if the database cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
