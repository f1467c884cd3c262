"""A ticket's matter belongs to its queue (issue #19, item 6): ``hall ticket issue --queue A
--matter <a matter of queue D>`` used to print an A ticket whose slip listed D's checklist and
sent the visitor to the wrong windows. The allocator refuses it and says which queue is right,
in English for the CLI and in Chinese for screens; nothing is written."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict
from shared.models import ServiceMatter, Ticket, TicketCounter
from shared.services.tickets import issue_ticket, issue_ticket_in

OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in the hall
NAME = "居民身份证换领"  # a matter of queue D (公安户政) in the demo hall


def _code(factory: sessionmaker[Session]) -> str:
    with factory() as session:
        matter = session.scalars(select(ServiceMatter).where(ServiceMatter.name == NAME)).one()
        assert matter.queue_prefix == "D"
        return matter.code


def test_a_matter_of_another_queue_is_refused_with_the_right_queue(
    sqlite_factory: sessionmaker[Session],
) -> None:
    code = _code(sqlite_factory)
    with pytest.raises(Conflict) as refused:
        issue_ticket_in(sqlite_factory, site="huarong", queue="A", matter=code, now=OPEN)
    assert str(refused.value) == f"matter {code} is served by queue D, not A"
    assert (
        refused.value.message_zh == f"“{NAME}”应取 D（公安户政）号办理，不能在 A（综合受理）取号。"
    )
    with sqlite_factory() as session:
        assert session.scalars(select(Ticket)).all() == []
        assert session.scalars(select(TicketCounter)).all() == []


def test_its_own_queue_takes_it(sqlite_factory: sessionmaker[Session]) -> None:
    code = _code(sqlite_factory)
    with sqlite_factory.begin() as session:
        view = issue_ticket(session, site="huarong", queue="d", matter=code, now=OPEN)
    assert (view.number, view.matter_code, view.matter_name) == ("D001", code, NAME)


def test_the_cli_says_why_in_one_line(
    seeded_sqlite_url: str, sqlite_factory: sessionmaker[Session]
) -> None:
    code = _code(sqlite_factory)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "ticket",
            "issue",
            "--db",
            seeded_sqlite_url,
            "--queue",
            "A",
            "--matter",
            code,
            "--override-hours",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == f"error: matter {code} is served by queue D, not A\n"
    with sqlite_factory() as session:
        assert session.scalars(select(Ticket)).all() == []
