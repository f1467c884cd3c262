"""The ticket allocator and a ticket's life (issue #3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import Queue, Site, Ticket, TicketCounter, TicketEvent
from shared.services import calling
from shared.services.settings import set_setting
from shared.services.tickets import format_number, issue_ticket
from tests.support.windows import open_windows, open_windows_in

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 22:00 local


def issue(factory: sessionmaker[Session], now: datetime = OPEN, **kw: object) -> object:
    args: dict[str, object] = {"site": "huarong", "queue": "A", "now": now}
    args.update(kw)
    with factory.begin() as session:
        return issue_ticket(session, **args)  # type: ignore[arg-type]


def test_numbers_count_up_per_queue(seeded_factory: sessionmaker[Session]) -> None:
    numbers = [issue(seeded_factory).number for _ in range(3)]  # type: ignore[attr-defined]
    other = issue(seeded_factory, queue="B").number  # type: ignore[attr-defined]
    assert numbers == ["A001", "A002", "A003"] and other == "B001"


def test_issue_reports_people_ahead_and_a_wait_range(
    seeded_factory: sessionmaker[Session],
) -> None:
    # Queue F (tax) has 4 windows and a default of 10 minutes a visitor; all four are open
    # (issue #9: only signed-in windows count).
    open_windows(seeded_factory, (1, 2, 27, 28), now=OPEN)
    first = issue(seeded_factory, queue="F")
    assert first.wait.low == first.wait.high == 0  # type: ignore[attr-defined]
    for _ in range(9):
        issue(seeded_factory, queue="F")
    eleventh = issue(seeded_factory, queue="F")
    assert eleventh.people_ahead == 10  # type: ignore[attr-defined]
    wait = eleventh.wait  # type: ignore[attr-defined]
    assert wait.windows == 4
    # 10 ahead, 4 windows free: 6 slots of 2.5 min to 7 slots, widened by 25 %.
    assert (wait.low, wait.high) == (11, 22)
    assert eleventh.estimated_wait_minutes == 16  # type: ignore[attr-defined]
    assert eleventh.business_date.isoformat() == "2026-11-26"  # type: ignore[attr-defined]


def test_same_request_key_gives_the_same_ticket(seeded_factory: sessionmaker[Session]) -> None:
    first = issue(seeded_factory, request_key="tap-1")
    again = issue(seeded_factory, request_key="tap-1")
    other = issue(seeded_factory, request_key="tap-2")
    assert first.id == again.id and first.number == again.number == "A001"  # type: ignore[attr-defined]
    assert other.number == "A002"  # type: ignore[attr-defined]
    with seeded_factory() as session:
        assert len(session.scalars(select(Ticket)).all()) == 2


def test_after_999_comes_1000(seeded_factory: sessionmaker[Session]) -> None:
    assert format_number("A", 999) == "A999" and format_number("A", 1000) == "A1000"
    with seeded_factory.begin() as session:
        site = session.scalar(select(Site).where(Site.code == "huarong"))
        queue = session.scalar(select(Queue).where(Queue.site_id == site.id, Queue.prefix == "A"))  # type: ignore[union-attr]
        session.add(
            TicketCounter(
                site_id=site.id,
                business_date=OPEN.date(),  # type: ignore[union-attr]
                queue_id=queue.id,
                last_sequence=999,
            )
        )  # type: ignore[union-attr]
    assert issue(seeded_factory).number == "A1000"  # type: ignore[attr-defined]


def test_numbers_restart_each_business_day_and_history_stays(
    seeded_factory: sessionmaker[Session],
) -> None:
    issue(seeded_factory)
    issue(seeded_factory)
    next_day = OPEN + timedelta(days=1)
    assert issue(seeded_factory, now=next_day).number == "A001"  # type: ignore[attr-defined]
    with seeded_factory() as session:
        days = sorted(t.business_date.isoformat() for t in session.scalars(select(Ticket)))
    assert days == ["2026-11-26", "2026-11-26", "2026-11-27"]


def test_business_day_cutover_is_configurable(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        set_setting(session, "business_day_cutover", "03:00")
    # 02:30 local on Friday still belongs to Thursday's business day.
    early = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
    ticket = issue(seeded_factory, now=early, channel="desk", override_hours=True)
    assert ticket.business_date.isoformat() == "2026-11-26"  # type: ignore[attr-defined]


def test_kiosk_is_refused_outside_hours_desk_may_override(
    seeded_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(Conflict) as refused:
        issue(seeded_factory, now=NIGHT)
    assert "closed" in str(refused.value) and "8:30" in refused.value.message_zh.replace(
        "08:30", "8:30"
    )
    with pytest.raises(Conflict):
        issue(seeded_factory, now=NIGHT, channel="kiosk", override_hours=True)
    desk = issue(seeded_factory, now=NIGHT, channel="desk", override_hours=True)
    assert desk.number == "A001"  # type: ignore[attr-defined]


def test_bad_input_is_refused(seeded_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationError):
        issue(seeded_factory, priority="vip")
    with pytest.raises(NotFound):
        issue(seeded_factory, queue="Z")
    with pytest.raises(NotFound):
        issue(seeded_factory, site="mars")
    with pytest.raises(NotFound):
        issue(seeded_factory, matter="no-such-code")
    with seeded_factory() as session:
        assert session.scalars(select(Ticket)).all() == []
        assert session.scalars(select(TicketCounter)).all() == []


def call(factory: sessionmaker[Session], window: int = 1, minutes: int = 0) -> str | None:
    with factory.begin() as session:
        open_windows_in(session, [window], now=OPEN)  # a window calls once signed in (#9)
        called = calling.call_next(
            session, site="huarong", window=window, now=OPEN + timedelta(minutes=minutes)
        )
        return called.number if called else None


def test_strict_policy_calls_priority_first(seeded_factory: sessionmaker[Session]) -> None:
    issue(seeded_factory, queue="B")
    issue(seeded_factory, queue="B", now=OPEN + timedelta(seconds=1))
    issue(seeded_factory, queue="B", priority="elderly", now=OPEN + timedelta(seconds=2))
    window = _window_for(seeded_factory, "B")
    order = [call(seeded_factory, window, n) for n in range(4)]
    assert order == ["B003", "B001", "B002", None]


def test_interleave_policy(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        queue = session.scalar(
            select(Queue).where(Queue.prefix == "B").join(Site).where(Site.code == "huarong")
        )
        queue.policy, queue.interleave_n = "interleave", 2  # type: ignore[union-attr]
    for n in range(5):
        issue(seeded_factory, queue="B", now=OPEN + timedelta(seconds=n))
    for n in range(2):
        issue(seeded_factory, queue="B", priority="disabled", now=OPEN + timedelta(seconds=10 + n))
    window = _window_for(seeded_factory, "B")
    order = [call(seeded_factory, window, n) for n in range(8)]
    # At most two normal tickets between two priority ones.
    assert order == ["B001", "B002", "B006", "B003", "B004", "B007", "B005", None]


def _window_for(factory: sessionmaker[Session], prefix: str) -> int:
    from shared.models import Window

    with factory() as session:
        windows = session.scalars(
            select(Window).join(Site).where(Site.code == "huarong").order_by(Window.number)
        )
        for window in windows:
            if [q.prefix for q in window.queues] == [prefix]:
                return window.number
    raise AssertionError(prefix)


def test_life_events_and_states(seeded_factory: sessionmaker[Session]) -> None:
    issue(seeded_factory, queue="C")
    issue(seeded_factory, queue="C")
    window = _window_for(seeded_factory, "C")
    assert call(seeded_factory, window) == "C001"
    with seeded_factory.begin() as session:
        assert calling.recall(session, site="huarong", number="C001", now=OPEN).recall_count == 1
        calling.no_show(session, site="huarong", number="c001", now=OPEN)
    # Within the grace period a no-show can be recalled…
    with seeded_factory.begin() as session:
        back = calling.recall(
            session, site="huarong", number="C001", now=OPEN + timedelta(minutes=5)
        )
        assert back.state == "called"
        calling.start_service(session, site="huarong", number="C001", now=OPEN)
        assert calling.finish(session, site="huarong", number="C001", now=OPEN).state == "done"
    # …but not after it.
    assert call(seeded_factory, window) == "C002"
    with seeded_factory.begin() as session:
        calling.no_show(session, site="huarong", number="C002", now=OPEN)
    with pytest.raises(Conflict), seeded_factory.begin() as session:
        calling.recall(session, site="huarong", number="C002", now=OPEN + timedelta(minutes=16))
    with pytest.raises(Conflict), seeded_factory.begin() as session:
        calling.finish(session, site="huarong", number="C002", now=OPEN)
    with seeded_factory() as session:
        kinds = [e.kind for e in session.scalars(select(TicketEvent).order_by(TicketEvent.at))]
    assert kinds.count("issued") == 2 and "recalled" in kinds and "no_show" in kinds
    assert "serving" in kinds and "done" in kinds


def test_calling_next_finishes_the_windows_current_ticket(
    seeded_factory: sessionmaker[Session],
) -> None:
    issue(seeded_factory, queue="D")
    issue(seeded_factory, queue="D")
    window = _window_for(seeded_factory, "D")
    call(seeded_factory, window)
    call(seeded_factory, window, 3)
    with seeded_factory() as session:
        states = {t.number: t.state for t in session.scalars(select(Ticket))}
    assert states == {"D001": "done", "D002": "called"}


def test_transfer_keeps_the_place_by_issue_time(seeded_factory: sessionmaker[Session]) -> None:
    issue(seeded_factory, queue="A")  # A001, earliest
    issue(seeded_factory, queue="C", now=OPEN + timedelta(minutes=1))  # C001
    with seeded_factory.begin() as session:
        moved = calling.transfer(
            session, site="huarong", number="A001", to_queue="C", now=OPEN + timedelta(minutes=2)
        )
    assert moved.number == "C002" and moved.queue_prefix == "C"
    assert moved.people_ahead == 0  # issued before C001, so it stays first
    window = _window_for(seeded_factory, "C")
    assert call(seeded_factory, window, 3) == "C002"
    with seeded_factory() as session:
        old = session.scalar(select(Ticket).where(Ticket.number == "A001"))
        assert old is not None and old.state == "transferred"


def test_cancel(seeded_factory: sessionmaker[Session]) -> None:
    issue(seeded_factory)
    with seeded_factory.begin() as session:
        assert calling.cancel(session, site="huarong", number="A001", now=OPEN).state == "cancelled"
    with pytest.raises(Conflict), seeded_factory.begin() as session:
        calling.cancel(session, site="huarong", number="A001", now=OPEN)


def test_queue_status(seeded_factory: sessionmaker[Session]) -> None:
    open_windows(seeded_factory, (3,), now=OPEN)
    issue(seeded_factory)
    issue(seeded_factory, priority="pregnant")
    with seeded_factory() as session:
        status = {q.prefix: q for q in calling.queue_status(session, site="huarong", now=OPEN)}
    assert status["A"].waiting == 2 and status["A"].priority_waiting == 1
    assert status["B"].waiting == 0 and status["A"].windows >= 1
