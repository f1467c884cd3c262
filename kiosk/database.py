"""Opening the kiosk's database in the background, after the home screen is on screen (§12).

The kiosk's start-up path imports this module but nothing heavy: SQLAlchemy, Alembic and the
services (~0.7 s of imports before any query) are imported by :class:`Preparation` on the
worker thread, while the visitor already sees the home screen. Qt-free; the controller runs
it on its :class:`~shared.qt.tasks.TaskRunner`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from shared.services.home import KioskStatus

# Imported on the worker thread once the home status is shown, so the first visitor's 取号
# does not wait for them (the ticket renderers alone import python-escpos, ~0.4 s).
VISITOR_MODULES = (
    "shared.services.kiosk_tickets",
    "shared.services.tickets",
    "shared.rendering",
    "shared.printing",
)


class DatabaseUrlError(Exception):
    """The database URL cannot be used (bad syntax, unknown or missing driver).

    A set-up mistake rather than an outage: trying again will not help.
    """


class OpenDatabase:
    """A database to open later, from its URL (``None``: ``HALL_DATABASE_URL`` or the file).

    Calling it imports the data layer and builds the write session factory; it connects to
    nothing yet.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def __call__(self) -> sessionmaker[Session]:
        from shared.db import create_session_factory

        try:
            return create_session_factory(self.url)
        except Exception as exc:  # SQLAlchemy's ArgumentError, a missing driver, …
            raise DatabaseUrlError(str(exc)) from exc

    def __repr__(self) -> str:
        return f"OpenDatabase({self.url!r})"


@dataclass(frozen=True)
class Prepared:
    """What the worker hands the GUI once the database is usable (plain data and factories).

    Attributes:
        factory: the write session factory.
        read_factory: sessions on the same engine that never take the write lock.
        status: the home screen's first status.
    """

    factory: sessionmaker[Session]
    read_factory: sessionmaker[Session]
    status: KioskStatus


class Preparation:
    """Opens, migrates and reads the first status; runs on the worker thread, retried there.

    Args:
        source: a ready session factory, or an :class:`OpenDatabase` to call first.
        site_code: the site whose status to read (``None``: the first site).
        clock: the current instant.
        migrate: apply pending migrations first (Alembic).
    """

    def __init__(
        self,
        source: sessionmaker[Session] | OpenDatabase,
        site_code: str | None,
        clock: Callable[[], datetime],
        migrate: bool = True,
    ) -> None:
        self._source = source
        self._site_code = site_code
        self._clock = clock
        self._migrate = migrate
        self._factories: tuple[sessionmaker[Session], sessionmaker[Session]] | None = None

    def __call__(self) -> Prepared:
        from shared.db import create_read_session_factory, engine_of, upgrade
        from shared.services.home import kiosk_status

        if self._factories is None:
            # Built once: a retry after an outage reuses the engine rather than leaking one.
            source = self._source
            factory = source() if isinstance(source, OpenDatabase) else source
            self._factories = (factory, create_read_session_factory(factory))
        factory, read_factory = self._factories
        if self._migrate:
            upgrade(engine_of(factory))
        with read_factory() as session:
            status = kiosk_status(session, self._site_code, now=self._clock())
        return Prepared(factory, read_factory, status)


def import_visitor_modules() -> None:
    """Import what the visitor flows need (worker thread, after the first status)."""
    for name in VISITOR_MODULES:
        importlib.import_module(name)
