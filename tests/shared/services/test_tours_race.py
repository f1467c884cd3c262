"""Two consoles booking the last docent or the last places at the same moment (issue #6, item 2).

Two OS processes (``spawn``), each with its own engine, meet at a barrier before every round
and then book the same slot. To make the race certain rather than lucky, both processes pause
50 ms between checking the rules and writing the tour — inside the schedule lock, so with the
lock the second one simply waits and then sees the first one's tour. Each round must end with
exactly one booking and one refusal that names the reason.

The control run uses the same harness without the lock (PostgreSQL: no advisory lock;
SQLite: a plain engine whose driver reads outside the transaction, as in
``tests/support/naive_allocator.py``) and must double-book — otherwise a green run would prove
nothing. Figures are printed (``pytest -s``) for the issue's closing note.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import time
import traceback
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from shared.db import create_session_factory
from shared.models import Tour
from shared.services.tours import book_tour
from tests.support import naive_allocator

pytestmark = pytest.mark.timeout(600)

ROUNDS = 20
PAUSE = 0.05
BARRIER_TIMEOUT = 60.0
JOIN_TIMEOUT = 240.0
FIRST_DAY = dt.date(2026, 12, 1)


def _weekdays(count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


DAYS = _weekdays(ROUNDS)


def _attempts(worker: int) -> list[tuple[str, dict[str, Any]]]:
    """Per round: the last docent (09:00, auto-picked on even rounds, named on odd ones), then
    the last places in the command centre (14:30, each worker with its own docent)."""
    plan = []
    for n, day in enumerate(DAYS):
        common = {"date": day, "org": "竞速测试", "route": "hall"}
        plan.append(
            (
                "docent",
                {
                    **common,
                    "start": "09:00",
                    "end": "10:00",
                    "visitors": 5,
                    "group": f"docent-{n}-w{worker}",
                    "docents": None if n % 2 == 0 else ["docent3"],
                },
            )
        )
        plan.append(
            (
                "capacity",
                {
                    **common,
                    "route": "centre",
                    "start": "14:30",
                    "end": "15:30",
                    "visitors": 15,
                    "group": f"capacity-{n}-w{worker}",
                    "docents": ["docent2" if worker == 0 else "docent3"],
                },
            )
        )
    return plan


def _worker(url: str, mode: str, worker: int, barrier: Any, out: str) -> None:
    """Run in a spawned process: book each attempt right after the barrier; report outcomes."""
    result: dict[str, Any] = {"outcomes": [], "errors": []}
    try:
        from shared.services import tours

        real_evaluate = tours.evaluate

        def slow_evaluate(*args: Any, **kwargs: Any) -> Any:
            verdict = real_evaluate(*args, **kwargs)
            time.sleep(PAUSE)  # widen the window between the check and the write
            return verdict

        tours.evaluate = slow_evaluate  # type: ignore[assignment]
        if mode == "control":
            tours.lock_schedule = lambda session: None  # type: ignore[assignment]
            factory: sessionmaker[Session] = sessionmaker(
                naive_allocator.naive_engine(url), expire_on_commit=False
            )
        else:
            factory = create_session_factory(url)
        with factory() as session:  # connect and warm up before the first round
            session.execute(select(Tour.id).limit(1)).all()
        for kind, values in _attempts(worker):
            barrier.wait(BARRIER_TIMEOUT)
            try:
                with factory.begin() as session:
                    view = book_tour(session, **values)
                    outcome = {"kind": kind, "ok": True, "docents": [u for u, _ in view.docents]}
            except Exception as error:  # a refusal is an expected outcome; report every one
                outcome = {
                    "kind": kind,
                    "ok": False,
                    "error": type(error).__name__,
                    "message": str(error)[:300],
                }
            outcome["day"] = values["date"].isoformat()
            result["outcomes"].append(outcome)
    except Exception:
        result["errors"].append(traceback.format_exc()[-2000:])
        barrier.abort()
    Path(out).write_text(json.dumps(result))


def _prepare(url: str) -> None:
    """Before the race: docent1 and docent2 busy at 09:00; 10 of the centre's 30 places taken
    at 14:30 (by docent1)."""
    factory = create_session_factory(url)
    try:
        with factory.begin() as session:
            for day in DAYS:
                for docent in ("docent1", "docent2"):
                    book_tour(
                        session,
                        date=day,
                        start="09:00",
                        end="10:00",
                        group=f"先到-{docent}",
                        org="预约",
                        visitors=5,
                        route="hall",
                        docents=[docent],
                    )
                book_tour(
                    session,
                    date=day,
                    start="14:30",
                    end="15:30",
                    group="先到-中心",
                    org="预约",
                    visitors=10,
                    route="centre",
                    docents=["docent1"],
                )
    finally:
        factory.kw["bind"].dispose()


def _race(url: str, mode: str, tmp_path: Path) -> list[list[dict[str, Any]]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    outs = [tmp_path / f"{mode}-{n}.json" for n in range(2)]
    processes = [
        context.Process(target=_worker, args=(url, mode, n, barrier, str(out)), daemon=True)
        for n, out in enumerate(outs)
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
    hung = [p.pid for p in processes if p.is_alive()]
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    assert not hung, f"workers still running after {JOIN_TIMEOUT}s: {hung}"
    results = [json.loads(out.read_text()) for out in outs]
    errors = [e for r in results for e in r["errors"]]
    assert not errors, errors[0]
    return [r["outcomes"] for r in results]


def _tally(outcomes: list[list[dict[str, Any]]], kind: str) -> dict[str, int]:
    rounds = [(a, b) for a, b in zip(outcomes[0], outcomes[1], strict=True) if a["kind"] == kind]
    wins = [int(a["ok"]) + int(b["ok"]) for a, b in rounds]
    return {
        "rounds": len(rounds),
        "one_winner": wins.count(1),
        "both_booked": wins.count(2),
        "none_booked": wins.count(0),
        "w0_won": sum(1 for a, b in rounds if a["ok"] and not b["ok"]),
    }


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def _stored(url: str) -> list[Tour]:
    factory = create_session_factory(url)
    try:
        with factory() as session:
            return list(
                session.scalars(
                    select(Tour).options(selectinload(Tour.docents), selectinload(Tour.route))
                )
            )
    finally:
        factory.kw["bind"].dispose()


def test_two_processes_booking_the_last_docent_or_places_one_wins(
    seeded_db_url: str, tmp_path: Path
) -> None:
    _prepare(seeded_db_url)
    started = time.perf_counter()
    outcomes = _race(seeded_db_url, "service", tmp_path)
    seconds = time.perf_counter() - started
    docent, capacity = _tally(outcomes, "docent"), _tally(outcomes, "capacity")
    assert docent["one_winner"] == ROUNDS, docent
    assert capacity["one_winner"] == ROUNDS, capacity
    for a, b in zip(outcomes[0], outcomes[1], strict=True):
        winner, loser = (a, b) if a["ok"] else (b, a)
        assert loser["error"] == "TourRefused"
        if winner["kind"] == "docent":
            assert winner["docents"] == ["docent3"]
            assert (
                "docent docent3 already leads 'docent-" in loser["message"]
                or "no docent is free" in loser["message"]
            ), loser
        else:
            assert "would hold 40 visitors at 14:30, over its capacity of 30" in loser["message"]
    # The database agrees: per day one tour of docent3 at 09:00, and 25 in the centre at 14:30.
    stored = [t for t in _stored(seeded_db_url) if t.organisation == "竞速测试"]
    assert len(stored) == 2 * ROUNDS
    per_day: dict[dt.date, list[Tour]] = {}
    for tour in stored:
        per_day.setdefault(tour.starts_at.date(), []).append(tour)
    assert all(len(v) == 2 for v in per_day.values())
    print(
        f"\n[{_backend(seeded_db_url)}] tour race, 2 processes × {ROUNDS} rounds each kind, "
        f"{PAUSE * 1000:.0f} ms between check and write: last docent {docent['one_winner']}/"
        f"{docent['rounds']} rounds one booking + one refusal (worker 0 won {docent['w0_won']}), "
        f"last places {capacity['one_winner']}/{capacity['rounds']} (worker 0 won "
        f"{capacity['w0_won']}); double bookings 0; {seconds:.1f} s"
    )


def test_control_run_without_the_lock_double_books(seeded_db_url: str, tmp_path: Path) -> None:
    """The same harness with the lock taken away: it must double-book, or it proves nothing."""
    _prepare(seeded_db_url)
    outcomes = _race(seeded_db_url, "control", tmp_path)
    docent, capacity = _tally(outcomes, "docent"), _tally(outcomes, "capacity")
    errors = [o for w in outcomes for o in w if not o["ok"] and o["error"] != "TourRefused"]
    print(
        f"\n[{_backend(seeded_db_url)}] naive control (no lock): last docent double-booked in "
        f"{docent['both_booked']}/{docent['rounds']} rounds, last places in "
        f"{capacity['both_booked']}/{capacity['rounds']}; other errors {len(errors)}"
        + (f" e.g. {errors[0]['message'][:120]}" if errors else "")
    )
    assert docent["both_booked"] + capacity["both_booked"] > 0, (docent, capacity)
