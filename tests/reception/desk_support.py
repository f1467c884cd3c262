"""Helpers for the 取号台, 叫号 and 叫号屏 tests: a console session built without the shell.

:class:`Session` holds what the shell would give a module — a task runner, a change hub fed
by a real :class:`ChangeFeedWatcher` on the same database — so a module can be built with any
member of staff in one line, and the database can be changed "from another terminal" through
a second session factory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from reception.registry import ChangeHub, ModuleContext
from shared.db import create_read_session_factory, create_session_factory, engine_of
from shared.models import Terminal, Ticket
from shared.qt.feed import ChangeFeedWatcher
from shared.qt.tasks import TaskRunner
from shared.services.settings import set_setting
from shared.services.staff import StaffInfo, list_staff
from shared.services.tickets import issue_ticket

#: Every day, all day: tests do not depend on when they run.
ALWAYS_OPEN = {"weekdays": [0, 1, 2, 3, 4, 5, 6], "sessions": [["00:00", "23:59"]]}
NEVER_OPEN = {"weekdays": [], "sessions": [["08:30", "12:00"]]}


@dataclass
class Console:
    """One console session on a database, without the shell."""

    url: str
    factory: sessionmaker[DbSession]
    runner: TaskRunner
    hub: ChangeHub
    watcher: ChangeFeedWatcher

    def staff(self, username: str) -> StaffInfo:
        with self.factory() as session:
            return next(s for s in list_staff(session) if s.username == username)

    def context(self, username: str, site_code: str | None = "huarong") -> ModuleContext:
        return ModuleContext(
            staff=self.staff(username),
            site_code=site_code,
            runner=self.runner,
            read_factory=create_read_session_factory(self.factory),
            hub=self.hub,
        )

    def issue(self, queue: str = "A", priority: str | None = None, **kwargs: Any) -> str:
        """Issue a ticket as a kiosk elsewhere would; returns its number."""
        with self.factory.begin() as session:
            return issue_ticket(
                session, site="huarong", queue=queue, priority=priority, **kwargs
            ).number

    def ticket(self, number: str) -> Ticket:
        with self.factory() as session:
            ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
            session.expunge(ticket)
            return ticket

    def set_printer(self, config: dict[str, Any], terminal: str = "desk-01") -> None:
        with self.factory.begin() as session:
            row = session.scalars(select(Terminal).where(Terminal.code == terminal)).one()
            row.printer = config

    def set_hours(self, hours: dict[str, Any]) -> None:
        with self.factory.begin() as session:
            set_setting(session, "hall_hours", hours)


def ticket_id(console: Console, number: str) -> uuid.UUID:
    return console.ticket(number).id


def called_at(console: Console, number: str) -> datetime:
    value = console.ticket(number).called_at
    assert value is not None
    return value


@pytest.fixture
def console_on(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Opens consoles on database URLs; everything is stopped after the test."""
    opened: list[Console] = []

    def open_(url: str, hours: dict[str, Any] | None = None) -> Console:
        factory = create_session_factory(url)
        read_factory = create_read_session_factory(factory)
        runner = TaskRunner(factory, read_factory)
        hub = ChangeHub()
        watcher = ChangeFeedWatcher(read_factory, interval=0.05)
        watcher.changes_arrived.connect(hub.on_feed_changes_arrived)
        console = Console(url, factory, runner, hub, watcher)
        console.set_hours(hours or ALWAYS_OPEN)
        watcher.start()
        opened.append(console)
        return console

    yield open_
    for console in opened:
        console.watcher.stop()
        console.runner.shutdown()
        engine_of(console.factory).dispose()
