"""Window sessions (窗口签到, issue #9 item 5): sign in, pause, resume, sign out; the rules
between clerks and windows; stale sessions; calling and the wait estimate follow them. On
SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import AuditEntry, Change, Queue, Site, WindowEvent, WindowSession
from shared.services import calling, window_sessions
from shared.services.settings import set_setting
from shared.services.tickets import issue_ticket
from shared.services.waits import estimate_wait
from shared.services.window_sessions import STALE_REASON, pause, resume, sign_in, sign_out
from tests.support.windows import clerk, open_windows

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 22:00 local
SITE = "huarong"


def _clerk(factory: sessionmaker[Session], window: int) -> object:
    with factory.begin() as session:
        return clerk(session, window)


def _states(factory: sessionmaker[Session], now: datetime = OPEN) -> dict[int, str]:
    with factory() as session:
        return {w.number: w.state for w in window_sessions.window_states(session, SITE, now=now)}


def test_each_move_is_an_event_a_change_and_an_audit_entry(
    seeded_factory: sessionmaker[Session],
) -> None:
    who = _clerk(seeded_factory, 3)
    moves = [
        lambda s: sign_in(s, site=SITE, window=3, staff_id=who, now=OPEN),
        lambda s: pause(s, site=SITE, window=3, reason=" 系统 故障 ", staff_id=who, now=OPEN),
        lambda s: resume(s, site=SITE, window=3, staff_id=who, now=OPEN + timedelta(minutes=5)),
        lambda s: sign_out(s, site=SITE, window=3, staff_id=who, now=OPEN + timedelta(hours=1)),
    ]
    seen = []
    for move in moves:
        with seeded_factory.begin() as session:
            status = move(session)
        seen.append((status.state, status.reason, status.staff_username))
    assert seen == [
        ("open", "", "clerk-huarong-3"),
        ("paused", "系统 故障", "clerk-huarong-3"),
        ("open", "", "clerk-huarong-3"),
        ("closed", "", ""),
    ]
    with seeded_factory() as session:
        events = session.execute(
            select(WindowEvent.kind, WindowEvent.reason, WindowEvent.staff_id).order_by(
                WindowEvent.at
            )
        ).all()
        changes = session.scalars(select(Change.action).where(Change.kind == "window")).all()
        audits = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_kind == "window")
        ).all()
        row = session.scalars(select(WindowSession)).one()
    assert [(k, r) for k, r, _s in events] == [
        ("signed_in", ""),
        ("paused", "系统 故障"),
        ("resumed", "系统 故障"),
        ("signed_out", ""),
    ]
    assert {s for _k, _r, s in events} == {who}
    assert changes == ["signed_in", "paused", "resumed", "signed_out"]
    assert sorted(audits) == sorted(f"window.{c}" for c in changes)
    assert row.signed_out_at == OPEN + timedelta(hours=1) and row.paused_at is None
    assert _states(seeded_factory)[3] == "closed"


def test_the_rules_between_clerks_and_windows(seeded_factory: sessionmaker[Session]) -> None:
    me, other = _clerk(seeded_factory, 3), _clerk(seeded_factory, 4)
    with seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=3, staff_id=me, now=OPEN)
    # The same clerk again (a double click): nothing changes, no second event.
    with seeded_factory.begin() as session:
        again = sign_in(session, site=SITE, window=3, staff_id=me, now=OPEN)
    assert again.state == "open" and again.since == OPEN
    # Another clerk at an open window, and this clerk at a second window, are refused.
    with pytest.raises(Conflict) as taken, seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=3, staff_id=other, now=OPEN)
    assert "已由" in taken.value.message_zh and "请先签退" in taken.value.message_zh
    with pytest.raises(Conflict) as elsewhere, seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=4, staff_id=me, now=OPEN)
    assert elsewhere.value.message_zh == "您已在3号窗口签到，请先在该窗口签退。"
    assert "window 3" in str(elsewhere.value)
    # Pauses need a reason, and only one at a time; resume needs a pause.
    with pytest.raises(ValidationError), seeded_factory.begin() as session:
        pause(session, site=SITE, window=3, reason="  ", now=OPEN)
    with pytest.raises(Conflict) as not_paused, seeded_factory.begin() as session:
        resume(session, site=SITE, window=3, now=OPEN)
    assert not_paused.value.message_zh == "3号窗口没有暂停。"
    with seeded_factory.begin() as session:
        pause(session, site=SITE, window=3, reason="休息", now=OPEN)
    with pytest.raises(Conflict), seeded_factory.begin() as session:
        pause(session, site=SITE, window=3, reason="会议", now=OPEN)
    # Nothing to pause or sign out at a closed window; no such window at all.
    with pytest.raises(Conflict) as closed, seeded_factory.begin() as session:
        pause(session, site=SITE, window=5, reason="休息", now=OPEN)
    assert closed.value.message_zh == "5号窗口尚未签到，请先签到。"
    with pytest.raises(NotFound), seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=99, staff_id=me, now=OPEN)
    # Anyone may sign a forgotten window out (audited); then the other clerk takes it.
    with seeded_factory.begin() as session:
        sign_out(session, site=SITE, window=3, staff_id=other, now=OPEN)
        sign_in(session, site=SITE, window=3, staff_id=other, now=OPEN)
    with seeded_factory() as session:
        kinds = session.scalars(select(WindowEvent.kind).order_by(WindowEvent.at)).all()
    assert kinds.count("signed_in") == 2 and kinds.count("signed_out") == 1


def test_sign_out_waits_for_the_visitor_at_the_window(
    seeded_factory: sessionmaker[Session],
) -> None:
    open_windows(seeded_factory, [3], now=OPEN)
    with seeded_factory.begin() as session:
        issue_ticket(session, site=SITE, queue="A", now=OPEN)
        calling.call_next(session, site=SITE, window=3, now=OPEN)
    with pytest.raises(Conflict) as busy, seeded_factory.begin() as session:
        sign_out(session, site=SITE, window=3, now=OPEN)
    assert "A001" in busy.value.message_zh
    with seeded_factory.begin() as session:
        calling.finish(session, site=SITE, number="A001", now=OPEN)
        assert sign_out(session, site=SITE, window=3, now=OPEN).state == "closed"


def test_calling_needs_a_signed_in_window_that_is_not_paused(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        issue_ticket(session, site=SITE, queue="A", now=OPEN)
    with pytest.raises(Conflict) as closed, seeded_factory.begin() as session:
        calling.call_next(session, site=SITE, window=3, now=OPEN)
    assert closed.value.message_zh == "3号窗口尚未签到，请先签到。"
    assert str(closed.value) == "window 3 is not signed in; sign in first"
    open_windows(seeded_factory, [3], now=OPEN)
    with seeded_factory.begin() as session:
        pause(session, site=SITE, window=3, reason="会议", now=OPEN)
    with pytest.raises(Conflict) as paused, seeded_factory.begin() as session:
        calling.call_next(session, site=SITE, window=3, now=OPEN)
    assert paused.value.message_zh == "3号窗口暂停中（会议），请先恢复。"
    with seeded_factory.begin() as session:
        resume(session, site=SITE, window=3, now=OPEN)
        called = calling.call_next(session, site=SITE, window=3, now=OPEN)
    assert called is not None and called.number == "A001"


def test_a_session_left_open_yesterday_is_closed_not_open_today(
    seeded_factory: sessionmaker[Session],
) -> None:
    yesterday = OPEN - timedelta(days=1)
    open_windows(seeded_factory, [3], now=yesterday)
    assert _states(seeded_factory, yesterday)[3] == "open"
    # Today: not open, not counted, cannot call — before anyone touches it.
    assert _states(seeded_factory, OPEN)[3] == "closed"
    with seeded_factory() as session:
        queue = session.scalars(
            select(Queue).join(Site).where(Site.code == SITE, Queue.prefix == "A")
        ).one()
        assert estimate_wait(session, queue, 3, None, OPEN).windows == 0
    with seeded_factory.begin() as session:
        issue_ticket(session, site=SITE, queue="A", now=OPEN)
    with pytest.raises(Conflict), seeded_factory.begin() as session:
        calling.call_next(session, site=SITE, window=3, now=OPEN)
    # The clerk of yesterday signs in again elsewhere: yesterday's session is no obstacle, and
    # signing window 3 in today closes it at the end of its own business day.
    who = _clerk(seeded_factory, 3)
    with seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=4, staff_id=who, now=OPEN)
        sign_out(session, site=SITE, window=4, staff_id=who, now=OPEN)
        sign_in(session, site=SITE, window=3, staff_id=who, now=OPEN)
    with seeded_factory() as session:
        rows = session.scalars(
            select(WindowSession).order_by(WindowSession.signed_in_at, WindowSession.window_id)
        ).all()
        stale = session.scalars(select(WindowEvent).where(WindowEvent.reason == STALE_REASON)).one()
    midnight = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 2026-11-26 00:00 in Shanghai
    assert rows[0].signed_out_at == midnight and stale.at == midnight
    assert stale.kind == "signed_out" and stale.session_id == rows[0].id
    assert _states(seeded_factory, OPEN)[3] == "open"


def test_estimates_count_only_open_windows(seeded_factory: sessionmaker[Session]) -> None:
    """Queue F has four windows configured (1, 2, 27, 28); only signed-in, unpaused ones
    count, and with none the estimate has no range (and the next opening out of hours)."""
    with seeded_factory.begin() as session:
        for _ in range(8):
            issue_ticket(session, site=SITE, queue="F", now=OPEN)

    def estimate(now: datetime = OPEN) -> object:
        with seeded_factory() as session:
            queue = session.scalars(
                select(Queue).join(Site).where(Site.code == SITE, Queue.prefix == "F")
            ).one()
            return estimate_wait(session, queue, 8, None, now)

    none = estimate()
    assert (none.windows, none.low, none.high, none.known) == (0, None, None, False)  # type: ignore[attr-defined]
    assert none.next_opening is None and none.minutes is None  # type: ignore[attr-defined]
    night = estimate(NIGHT)
    assert night.windows == 0 and night.next_opening == datetime(  # type: ignore[attr-defined]
        2026, 11, 27, 0, 30, tzinfo=UTC
    )
    open_windows(seeded_factory, [27, 28], now=OPEN)
    two = estimate()
    assert (two.windows, two.known) == (2, True)  # type: ignore[attr-defined]
    # 8 ahead, 2 free windows of a 10-minute queue: 6 to 7 slots of 5 minutes, ±25 %.
    assert (two.low, two.high) == (22, 44)  # type: ignore[attr-defined]
    with seeded_factory.begin() as session:
        pause(session, site=SITE, window=28, reason="休息", now=OPEN)
    assert estimate().windows == 1  # type: ignore[attr-defined]
    with seeded_factory.begin() as session:
        sign_out(session, site=SITE, window=27, now=OPEN)
    assert estimate().windows == 0  # type: ignore[attr-defined]
    with seeded_factory() as session:
        status = {q.prefix: q for q in calling.queue_status(session, site=SITE, now=OPEN)}
    assert (status["F"].windows, status["F"].wait_low, status["F"].wait_high) == (0, None, None)


def _lock_waiters(factory: sessionmaker[Session]) -> int:
    with factory() as probe:
        return int(
            probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            or 0
        )


def test_two_clerks_signing_in_one_window_at_once(seeded_factory: sessionmaker[Session]) -> None:
    """Two sessions sign different clerks in at one window concurrently; the first holds its
    transaction open while the second runs. On PostgreSQL the test waits until the second is
    blocked on the partial unique index (both passed every check), so the index, not luck,
    decides; on SQLite the write lock queues it behind the first. Either way exactly one
    session stays open and the loser gets a Conflict, never a raw database error."""
    first, second = _clerk(seeded_factory, 3), _clerk(seeded_factory, 4)
    postgres = seeded_factory.kw["bind"].dialect.name == "postgresql"
    outcome: dict[str, object] = {}

    def rival() -> None:
        try:
            with seeded_factory.begin() as session:
                outcome["rival"] = sign_in(session, site=SITE, window=7, staff_id=second)
        except Exception as exc:  # reported to the test thread
            outcome["rival"] = exc

    thread = threading.Thread(target=rival)
    with seeded_factory.begin() as session:
        sign_in(session, site=SITE, window=7, staff_id=first)
        thread.start()
        if postgres:
            deadline = time.monotonic() + 30
            while _lock_waiters(seeded_factory) == 0:
                assert time.monotonic() < deadline, "the rival never reached the index"
                time.sleep(0.01)
    thread.join(30)
    assert not thread.is_alive()
    lost = outcome["rival"]
    assert isinstance(lost, Conflict), lost
    expected = "7号窗口刚刚已由其他工作人员签到。" if postgres else "请先签退"
    assert expected in lost.message_zh
    with seeded_factory() as session:
        open_rows = session.scalars(
            select(WindowSession).where(WindowSession.signed_out_at.is_(None))
        ).all()
        events = session.scalars(select(WindowEvent.staff_id)).all()
    assert [r.staff_id for r in open_rows] == [first] and events == [first]


def test_cutover_moves_the_business_day_start(seeded_factory: sessionmaker[Session]) -> None:
    """A 03:00 cut-over: a sign-in at 01:00 belongs to the previous day and is stale at 04:00."""
    with seeded_factory.begin() as session:
        set_setting(session, "business_day_cutover", "03:00")
    one_am = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # 2026-11-27 01:00 local
    open_windows(seeded_factory, [3], now=one_am)
    assert _states(seeded_factory, one_am + timedelta(hours=1))[3] == "open"
    assert _states(seeded_factory, one_am + timedelta(hours=3))[3] == "closed"


ROUNDS = 5


def _race_worker(url: str, staff_id: str, barrier: Any, results: Any) -> None:
    """Run in a spawned process: at each round, meet the rival and sign in at window 7."""
    from shared.db import create_session_factory

    factory = create_session_factory(url)
    try:
        for _round in range(ROUNDS):
            barrier.wait(60)
            try:
                with factory.begin() as session:
                    sign_in(session, site=SITE, window=7, staff_id=uuid.UUID(staff_id))
                results.put("won")
            except Conflict:
                results.put("lost")
            except Exception as exc:  # anything else is a failure the test must see
                results.put(f"error {type(exc).__name__}: {exc}")
            barrier.wait(60)  # the test signs the winner out between rounds
            barrier.wait(60)
    finally:
        factory.kw["bind"].dispose()


def test_two_processes_racing_for_one_window(
    seeded_db_url: str, seeded_factory: sessionmaker[Session]
) -> None:
    """Issue #9: two terminals (spawned processes) sign two clerks in at the same window at the
    same moment, five times: every round ends with exactly one open session and one refusal."""
    clerks = [str(_clerk(seeded_factory, 3)), str(_clerk(seeded_factory, 4))]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    workers = [
        context.Process(target=_race_worker, args=(seeded_db_url, c, barrier, results))
        for c in clerks
    ]
    for worker in workers:
        worker.start()
    rounds = []
    try:
        for _round in range(ROUNDS):
            barrier.wait(120)
            barrier.wait(120)
            rounds.append(sorted(results.get(timeout=60) for _ in clerks))
            with seeded_factory.begin() as session:
                open_rows = session.scalars(
                    select(WindowSession).where(WindowSession.signed_out_at.is_(None))
                ).all()
                assert len(open_rows) == 1
                sign_out(session, site=SITE, window=7)
            barrier.wait(120)
    finally:
        for worker in workers:
            worker.join(120)
    assert rounds == [["lost", "won"]] * ROUNDS
