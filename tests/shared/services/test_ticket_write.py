"""The lean ticket write (issue #10, item 3), on SQLite and PostgreSQL.

Only the allocation runs while the write lock is held: the statements between BEGIN and
COMMIT of every write transaction are captured with engine events. The lookups come from a
per-database cache that the change feed keeps honest (a queue deactivated or a cut-over
changed on another terminal is seen by the next issue), and people ahead and the wait are
read after commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from shared.db import create_read_session_factory, create_session_factory, engine_of
from shared.errors import Conflict, NotFound
from shared.models import ServiceMatter, Ticket, TicketEvent
from shared.services.call_order import CallOutcome, apply_call, call_next_in, plan_call
from shared.services.holidays import remove_day, set_day
from shared.services.org import get_queue, save_queue
from shared.services.settings import change_setting
from shared.services.tickets import (
    allocate_ticket,
    issue_ticket,
    issue_ticket_in,
    plan_ticket,
)
from shared.services.window_sessions import pause
from tests.support.windows import open_windows

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
#: Reads the allocation must not make while it holds the lock.
LOOKUP_TABLES = ("sites", "queues", "settings", "service_matters", "calendar_days")


@dataclass
class Capture:
    """Statements per write transaction (BEGIN … COMMIT) and every statement on the engine."""

    transactions: list[list[str]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    _open: list[str] | None = None

    def reset(self) -> None:
        self.transactions.clear()
        self.statements.clear()


def _is_write(conn: Any) -> bool:
    return not conn.get_execution_options().get("hall_readonly")


@pytest.fixture
def capture(seeded_db_url: str) -> Iterator[tuple[sessionmaker[Session], Capture]]:
    factory = create_session_factory(seeded_db_url)
    engine: Engine = engine_of(factory)
    seen = Capture()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        if _is_write(conn):
            seen._open = []

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)
        if _is_write(conn) and seen._open is not None:
            seen._open.append(statement)

    @event.listens_for(engine, "commit")
    def on_commit(conn: Any) -> None:
        if _is_write(conn) and seen._open is not None:
            seen.transactions.append(seen._open)
            seen._open = None

    @event.listens_for(engine, "rollback")
    def on_rollback(conn: Any) -> None:
        if _is_write(conn):
            seen._open = None

    yield factory, seen
    engine.dispose()


def _reads_lookups(statement: str) -> bool:
    text = " ".join(statement.split()).lower()
    if not text.startswith("select"):
        return False
    return any(re.search(rf"\bfrom {table}\b|\bjoin {table}\b", text) for table in LOOKUP_TABLES)


def _kinds(transaction: list[str]) -> list[str]:
    """Each statement as its verb and table (``INSERT tickets``), savepoints left out."""
    kinds = []
    for statement in transaction:
        words = statement.split()
        verb = words[0].upper()
        if verb in ("SAVEPOINT", "RELEASE"):
            continue
        if verb == "INSERT":
            kinds.append("INSERT " + words[2].strip('"'))
        elif "pg_notify" in statement:
            kinds.append("NOTIFY")
        else:
            kinds.append(" ".join(words[:4]))
    return kinds


ALLOCATION = ["INSERT ticket_counters", "INSERT tickets", "INSERT ticket_events", "INSERT changes"]


def _allocation(factory: sessionmaker[Session]) -> list[str]:
    expected = list(ALLOCATION)
    if engine_of(factory).dialect.name == "postgresql":
        expected.append("NOTIFY")
    return expected


def test_the_write_transaction_holds_only_the_allocation(
    capture: tuple[sessionmaker[Session], Capture],
) -> None:
    factory, seen = capture
    reads = create_read_session_factory(factory)
    with reads() as session:
        matter = session.scalar(  # a matter of queue B: its ticket must be a B ticket
            select(ServiceMatter.code)
            .where(ServiceMatter.queue_prefix == "B")
            .order_by(ServiceMatter.code)
            .limit(1)
        )
    issue_ticket_in(factory, reads, site="huarong", queue="A", now=OPEN)  # warm the cache
    seen.reset()
    ticket = issue_ticket_in(
        factory, reads, site="huarong", queue="B", request_key="tap-1", matter=matter, now=OPEN
    )
    assert ticket.number == "B001" and ticket.matter_code == matter
    assert len(seen.transactions) == 1
    (allocation,) = seen.transactions
    assert _kinds(allocation) == _allocation(factory)
    assert not [s for s in allocation if _reads_lookups(s)]
    assert not [s for s in allocation if "count(" in s.lower()]  # no people-ahead count
    # The savepoint covers the counter for a request key (a lost race leaves no gap).
    assert any(s.upper().startswith("SAVEPOINT") for s in allocation)

    # A retry with the same key writes nothing at all.
    seen.reset()
    again = issue_ticket_in(
        factory, reads, site="huarong", queue="B", request_key="tap-1", now=OPEN
    )
    assert again.id == ticket.id and seen.transactions == []


def test_a_request_key_lost_to_a_retry_returns_the_winner_and_leaves_no_gap(
    capture: tuple[sessionmaker[Session], Capture],
) -> None:
    factory, seen = capture
    reads = create_read_session_factory(factory)
    with reads() as session:  # planned before the other attempt committed
        plan = plan_ticket(session, site="huarong", queue="A", request_key="tap-9", now=OPEN)
    assert plan.existing_id is None
    winner = issue_ticket_in(
        factory, reads, site="huarong", queue="A", request_key="tap-9", now=OPEN
    )
    seen.reset()
    with factory.begin() as session:
        assert allocate_ticket(session, plan) == winner.id
    (late,) = seen.transactions
    assert "INSERT tickets" in _kinds(late)  # tried, refused by the unique key, rolled back
    assert not [s for s in late if _reads_lookups(s)]
    after = issue_ticket_in(factory, reads, site="huarong", queue="A", now=OPEN)
    assert (winner.number, after.number) == ("A001", "A002")
    with reads() as session:
        assert len(session.scalars(select(Ticket)).all()) == 2


def test_the_cache_sees_a_queue_deactivated_on_another_terminal(seeded_db_url: str) -> None:
    kiosk = create_session_factory(seeded_db_url)
    desk = create_session_factory(seeded_db_url)  # another engine: another terminal's writes
    reads = create_read_session_factory(kiosk)
    try:
        assert issue_ticket_in(kiosk, reads, site="huarong", queue="C", now=OPEN).number == "C001"
        with desk.begin() as session:
            info = get_queue(session, "huarong", "C")
            save_queue(session, site="huarong", prefix="C", name=info.name, active=False)
        with pytest.raises(NotFound) as refused:
            issue_ticket_in(kiosk, reads, site="huarong", queue="C", now=OPEN)
        assert refused.value.message_zh == "该业务暂不办理。"
        # The one-session path uses the same cache.
        with kiosk.begin() as session, pytest.raises(NotFound):
            issue_ticket(session, site="huarong", queue="C", now=OPEN)
        with desk.begin() as session:
            save_queue(session, site="huarong", prefix="C", name=info.name, active=True)
        assert issue_ticket_in(kiosk, reads, site="huarong", queue="C", now=OPEN).number == "C002"
    finally:
        engine_of(kiosk).dispose()
        engine_of(desk).dispose()


def test_the_cache_sees_a_new_cutover(seeded_db_url: str) -> None:
    kiosk = create_session_factory(seeded_db_url)
    desk = create_session_factory(seeded_db_url)
    reads = create_read_session_factory(kiosk)
    # Friday 2026-11-27 02:30 in Shanghai, with the desk overriding the hours.
    night = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
    args: dict[str, Any] = {"site": "huarong", "queue": "A", "channel": "desk"}
    try:
        first = issue_ticket_in(kiosk, reads, override_hours=True, now=night, **args)
        assert first.business_date == date(2026, 11, 27)
        with desk.begin() as session:
            change_setting(session, "business_day_cutover", "03:00")
        second = issue_ticket_in(kiosk, reads, override_hours=True, now=night, **args)
        assert second.business_date == date(2026, 11, 26)  # before 03:00: still Thursday
        assert second.number == "A001"
    finally:
        engine_of(kiosk).dispose()
        engine_of(desk).dispose()


def test_the_cache_sees_a_holiday_set_on_another_terminal(seeded_db_url: str) -> None:
    kiosk = create_session_factory(seeded_db_url)
    desk = create_session_factory(seeded_db_url)
    reads = create_read_session_factory(kiosk)
    try:
        assert issue_ticket_in(kiosk, reads, site="huarong", queue="A", now=OPEN).number == "A001"
        with desk.begin() as session:  # the hall closes for the day (临时闭厅)
            set_day(session, day=date(2026, 11, 26), kind="holiday", name="临时闭厅")
        with pytest.raises(Conflict) as refused:
            issue_ticket_in(kiosk, reads, site="huarong", queue="A", now=OPEN)
        assert "现在不是办理时间" in refused.value.message_zh
        with desk.begin() as session:
            remove_day(session, day=date(2026, 11, 26))
        assert issue_ticket_in(kiosk, reads, site="huarong", queue="A", now=OPEN).number == "A002"
    finally:
        engine_of(kiosk).dispose()
        engine_of(desk).dispose()


def test_people_ahead_and_the_wait_are_read_after_commit(
    capture: tuple[sessionmaker[Session], Capture],
) -> None:
    factory, seen = capture
    reads = create_read_session_factory(factory)
    # Queue F (tax): 4 windows, 10 minutes a visitor by default; all four signed in.
    open_windows(factory, (1, 2, 27, 28), now=OPEN)
    seen.reset()
    tickets = [
        issue_ticket_in(factory, reads, site="huarong", queue="F", now=OPEN + timedelta(seconds=n))
        for n in range(11)
    ]
    assert [t.people_ahead for t in tickets] == list(range(11))
    last = tickets[-1]
    assert last.wait.windows == 4 and (last.wait.low, last.wait.high) == (11, 22)
    assert last.estimated_wait_minutes == 16
    # A priority ticket waits only behind earlier priority tickets.
    green = issue_ticket_in(
        factory,
        reads,
        site="huarong",
        queue="F",
        priority="elderly",
        now=OPEN + timedelta(minutes=1),
    )
    assert green.people_ahead == 0 and green.priority == "elderly"
    # Every one of the twelve write transactions held the allocation only.
    assert len(seen.transactions) == 12
    assert all(_kinds(t) == _allocation(factory) for t in seen.transactions)


# -- 叫下一位: the same split (plan, apply, describe) -------------------------------------------

#: What a call that finishes the current visitor and calls the next writes under the lock.
CALL = [
    "UPDATE tickets",
    "UPDATE tickets",
    "INSERT ticket_events",
    "INSERT changes",
]


def _event_kinds(reads: sessionmaker[Session], number: str) -> list[str]:
    with reads() as session:
        return sorted(
            session.scalars(
                select(TicketEvent.kind)
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(Ticket.number == number)
            )
        )


def _call_kinds(transaction: list[str]) -> list[str]:
    """As :func:`_kinds`, with a SELECT named by its table and an UPDATE by its table."""
    kinds = []
    for kind, statement in zip(_kinds(transaction), transaction, strict=False):
        words = statement.split()
        if kind.startswith("SELECT"):
            kind = "SELECT " + words[words.index("FROM") + 1]
        elif kind.startswith("UPDATE"):
            kind = "UPDATE " + words[1]
        kinds.append(kind)
    return kinds


def test_a_call_holds_only_its_writes(capture: tuple[sessionmaker[Session], Capture]) -> None:
    factory, seen = capture
    reads = create_read_session_factory(factory)
    open_windows(factory, (1,), now=OPEN)
    for n in range(2):
        issue_ticket_in(factory, reads, site="huarong", queue="F", now=OPEN + timedelta(seconds=n))
    first = call_next_in(factory, reads, site="huarong", window=1, now=OPEN + timedelta(minutes=1))
    assert first is not None and (first.number, first.state) == ("F001", "called")
    seen.reset()
    second = call_next_in(factory, reads, site="huarong", window=1, now=OPEN + timedelta(minutes=5))
    assert second is not None and (second.number, second.window_number) == ("F002", 1)
    (call,) = seen.transactions
    kinds = _call_kinds(call)
    expected = CALL + (["NOTIFY"] if engine_of(factory).dialect.name == "postgresql" else [])
    assert kinds == expected
    assert not [s for s in call if _reads_lookups(s)]
    assert not [s for s in call if "count(" in s.lower()]
    with reads() as session:
        assert session.scalar(select(Ticket.state).where(Ticket.number == "F001")) == "done"
    assert _event_kinds(reads, "F001") == ["called", "done", "issued"]
    # Nobody left: the current visitor is still finished, and nothing is called.
    assert (
        call_next_in(factory, reads, site="huarong", window=1, now=OPEN + timedelta(minutes=9))
        is None
    )
    with reads() as session:
        states = {n: st for n, st in session.execute(select(Ticket.number, Ticket.state))}
    assert states == {"F001": "done", "F002": "done"}


def test_a_ticket_planned_by_two_windows_is_called_once(
    capture: tuple[sessionmaker[Session], Capture],
) -> None:
    factory, _seen = capture
    reads = create_read_session_factory(factory)
    open_windows(factory, (1, 2), now=OPEN)
    for n in range(2):
        issue_ticket_in(factory, reads, site="huarong", queue="F", now=OPEN + timedelta(seconds=n))
    at = OPEN + timedelta(minutes=1)
    with reads() as session:  # both windows decide on F001 before either writes
        one = plan_call(session, site="huarong", window=1, now=at)
        two = plan_call(session, site="huarong", window=2, now=at)
    assert one.ticket_id == two.ticket_id is not None
    with factory.begin() as session:
        assert apply_call(session, one) == CallOutcome(one.ticket_id)
    with factory.begin() as session:
        assert apply_call(session, two) == CallOutcome(None, lost=True)
    # The whole call plans again and gets the next ticket.
    again = call_next_in(factory, reads, site="huarong", window=2, now=at)
    assert again is not None and (again.number, again.window_number) == ("F002", 2)
    with reads() as session:
        first = session.scalar(select(Ticket).where(Ticket.number == "F001"))
        assert first is not None and first.window_id is not None
    assert _event_kinds(reads, "F001") == ["called", "issued"]


def test_a_pause_committed_after_the_plan_wins(
    capture: tuple[sessionmaker[Session], Capture],
) -> None:
    factory, _seen = capture
    reads = create_read_session_factory(factory)
    open_windows(factory, (1,), now=OPEN)
    issue_ticket_in(factory, reads, site="huarong", queue="F", now=OPEN)
    at = OPEN + timedelta(minutes=1)
    with reads() as session:
        plan = plan_call(session, site="huarong", window=1, now=at)
    with factory.begin() as session:
        pause(session, site="huarong", window=1, reason="休息", now=at)
    with factory.begin() as session, pytest.raises(Conflict) as refused:
        apply_call(session, plan)
    assert refused.value.message_zh == "1号窗口暂停中，请先恢复。"
    with reads() as session:
        assert session.scalar(select(Ticket.state).where(Ticket.number == "F001")) == "issued"
    with pytest.raises(Conflict) as again:
        call_next_in(factory, reads, site="huarong", window=1, now=at)
    assert again.value.message_zh == "1号窗口暂停中（休息），请先恢复。"
