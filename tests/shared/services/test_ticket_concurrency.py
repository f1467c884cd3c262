"""Several OS processes issuing tickets at once, on one SQLite file and one PostgreSQL database
(issue #3, item 9).

Each worker is a fresh interpreter (``spawn``) with its own engine; all of them wait on one
barrier and then issue, one transaction per ticket, exactly as kiosks and desks do. The same
harness runs the deliberately naive allocator from ``tests/support/naive_allocator.py`` and
must catch its duplicates — otherwise a green run of the real allocator would prove nothing.
Figures are printed (``pytest -s``) for the issue's closing note.
"""

from __future__ import annotations

import json
import multiprocessing
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import business_date
from shared.db import create_session_factory
from shared.models import Queue, Site, Ticket, TicketCounter, TicketEvent
from shared.services.settings import set_setting
from shared.services.tickets import issue_ticket
from tests.support import naive_allocator

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
PROCESSES = 6
PER_PROCESS = 100
# Several queues at the district hall and at a second site, interleaved in every worker.
MIX = [
    ("huarong", "A"),
    ("huarong", "B"),
    ("huarong", "C"),
    ("wuhan-new-city", "A"),
    ("wuhan-new-city", "C"),
]
BARRIER_TIMEOUT = 90.0
JOIN_TIMEOUT = 120.0


@dataclass(frozen=True)
class Step:
    """One issue a worker makes: where, when, and with which request key and channel."""

    site: str
    queue: str
    now: datetime
    request_key: str | None = None
    channel: str = "kiosk"


@dataclass
class WorkerResult:
    """What one worker issued and what went wrong, read back from its result file."""

    issued: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _issue_worker(url: str, allocator: str, plan: list[Step], barrier: Any, out: str) -> None:
    """Run in a spawned process: get ready, wait for everyone, issue the plan, report."""
    result: dict[str, Any] = {"issued": [], "errors": [], "seconds": 0.0}
    try:
        factory = create_session_factory(url)
        naive = naive_allocator.naive_engine(url) if allocator == "naive" else None
        ids: dict[tuple[str, str], tuple[str, str]] = {}
        with factory() as session:  # connect and warm up before the start signal
            for step in plan:
                site = session.scalars(select(Site).where(Site.code == step.site)).one()
                queue = session.scalars(
                    select(Queue).where(Queue.site_id == site.id, Queue.prefix == step.queue)
                ).one()
                ids[(step.site, step.queue)] = (str(site.id), str(queue.id))
        if naive is not None:
            naive.connect().close()
        barrier.wait(BARRIER_TIMEOUT)
        started = time.perf_counter()
        for step in plan:
            try:
                if naive is not None:
                    site_id, queue_id = ids[(step.site, step.queue)]
                    day = business_date(step.now)
                    sequence = naive_allocator.naive_issue(
                        naive, site_id=site_id, queue_id=queue_id, day=day
                    )
                    record: dict[str, Any] = {
                        "id": None,
                        "number": f"{step.queue}{sequence:03d}",
                        "sequence": sequence,
                        "day": day.isoformat(),
                    }
                else:
                    with factory.begin() as session:
                        ticket = issue_ticket(
                            session,
                            site=step.site,
                            queue=step.queue,
                            request_key=step.request_key,
                            channel=step.channel,
                            override_hours=step.channel != "kiosk",
                            now=step.now,
                        )
                        record = {
                            "id": str(ticket.id),
                            "number": ticket.number,
                            "sequence": ticket.sequence,
                            "day": ticket.business_date.isoformat(),
                        }
                record.update(
                    site=step.site, queue=step.queue, key=step.request_key, now=step.now.isoformat()
                )
                result["issued"].append(record)
            except Exception as error:  # every failure is a finding: report, keep going
                result["errors"].append(f"{type(error).__name__}: {error}"[:300])
        result["seconds"] = time.perf_counter() - started
    except Exception:
        result["errors"].append(traceback.format_exc()[-2000:])
        barrier.abort()
    Path(out).write_text(json.dumps(result))


def run_workers(
    url: str, plans: Sequence[list[Step]], tmp_path: Path, allocator: str = "service"
) -> list[WorkerResult]:
    """Start one process per plan, release them together, wait, and collect their results."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans))
    outs = [tmp_path / f"{allocator}-worker-{n}.json" for n in range(len(plans))]
    processes = [
        context.Process(
            target=_issue_worker, args=(url, allocator, plan, barrier, str(out)), daemon=True
        )
        for plan, out in zip(plans, outs, strict=True)
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
    results = []
    for process, out in zip(processes, outs, strict=True):
        assert process.exitcode == 0, f"worker {process.pid} exited with {process.exitcode}"
        results.append(WorkerResult(**json.loads(out.read_text())))
    return results


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def _all_issued(results: list[WorkerResult]) -> list[dict[str, Any]]:
    return [record for result in results for record in result.issued]


def _all_errors(results: list[WorkerResult]) -> list[str]:
    return [error for result in results for error in result.errors]


def _wall(results: list[WorkerResult]) -> float:
    return max(result.seconds for result in results)


def _db_sequences(
    factory: sessionmaker[Session],
) -> tuple[dict[tuple[str, str, date], list[int]], dict[tuple[str, str, date], int]]:
    """Sequences stored per (site, queue, day), and each counter row's last value."""
    stored: dict[tuple[str, str, date], list[int]] = defaultdict(list)
    counters: dict[tuple[str, str, date], int] = {}
    with factory() as session:
        rows = session.execute(
            select(Site.code, Queue.prefix, Ticket.business_date, Ticket.sequence)
            .join(Site, Site.id == Ticket.site_id)
            .join(Queue, Queue.id == Ticket.queue_id)
        )
        for code, prefix, day, sequence in rows:
            stored[(code, prefix, day)].append(sequence)
        for code, prefix, day, last in session.execute(
            select(
                Site.code, Queue.prefix, TicketCounter.business_date, TicketCounter.last_sequence
            )
            .join(Site, Site.id == TicketCounter.site_id)
            .join(Queue, Queue.id == TicketCounter.queue_id)
        ):
            counters[(code, prefix, day)] = last
    return stored, counters


def _assert_gapless(
    stored: dict[tuple[str, str, date], list[int]], counters: dict[tuple[str, str, date], int]
) -> None:
    assert set(stored) == set(counters)
    for key, sequences in stored.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), f"gap or repeat in {key}"
        assert counters[key] == len(sequences), f"counter of {key} is not the count"


def test_processes_issuing_at_once_get_unique_gapless_numbers(
    seeded_db_url: str, tmp_path: Path
) -> None:
    plans = [
        [
            Step(*MIX[(worker + n) % len(MIX)], now=OPEN + timedelta(seconds=n))
            for n in range(PER_PROCESS)
        ]
        for worker in range(PROCESSES)
    ]
    results = run_workers(seeded_db_url, plans, tmp_path)
    errors = _all_errors(results)
    issued = _all_issued(results)
    assert not errors, errors[:5]
    assert len(issued) == PROCESSES * PER_PROCESS
    # Every number unique per site and day; every ticket id unique.
    assert len({(r["site"], r["day"], r["number"]) for r in issued}) == len(issued)
    assert len({r["id"] for r in issued}) == len(issued)
    # Per queue and site: exactly 1..N, and the database agrees with what the workers saw.
    returned: dict[tuple[str, str, date], list[int]] = defaultdict(list)
    for record in issued:
        returned[(record["site"], record["queue"], date.fromisoformat(record["day"]))].append(
            record["sequence"]
        )
    factory = create_session_factory(seeded_db_url)
    try:
        stored, counters = _db_sequences(factory)
        with factory() as session:
            events = session.scalar(
                select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "issued")
            )
    finally:
        factory.kw["bind"].dispose()
    assert {k: sorted(v) for k, v in stored.items()} == {k: sorted(v) for k, v in returned.items()}
    _assert_gapless(stored, counters)
    assert len(stored) == len(MIX)  # no cross-talk: one sequence per (site, queue)
    assert events == len(issued)
    wall = _wall(results)
    print(
        f"\n[{_backend(seeded_db_url)}] allocator: {PROCESSES} processes × {PER_PROCESS} = "
        f"{len(issued)} tickets in {wall:.2f} s ({len(issued) / wall:.0f}/s); "
        f"{len(stored)} queues "
        + ", ".join(f"{s}/{q}={len(v)}" for (s, q, _d), v in sorted(stored.items()))
        + f"; duplicates 0, gaps 0, counter rows == N, errors {len(errors)}"
    )


def test_control_run_naive_allocator_does_produce_duplicates(
    seeded_db_url: str, tmp_path: Path
) -> None:
    """The same harness with max+1 and no lock: it must fail, or the harness proves nothing."""
    engine = naive_allocator.naive_engine(seeded_db_url)
    try:
        naive_allocator.create_naive_table(engine)
        plans = [
            [Step("huarong", "A", now=OPEN) for _ in range(PER_PROCESS)] for _ in range(PROCESSES)
        ]
        results = run_workers(seeded_db_url, plans, tmp_path, allocator="naive")
        with engine.connect() as conn:
            stored = list(conn.scalars(select(naive_allocator.naive_tickets.c.sequence)))
    finally:
        engine.dispose()
    issued = _all_issued(results)
    errors = _all_errors(results)
    counts = Counter(stored)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    distinct = len(counts)
    print(
        f"\n[{_backend(seeded_db_url)}] naive control: {PROCESSES} processes × {PER_PROCESS}: "
        f"{len(issued)} issued, {len(stored)} rows, {distinct} distinct numbers, "
        f"{duplicates} duplicates (max {max(counts.values())} holders of one number), "
        f"{len(errors)} errors{(' e.g. ' + errors[0]) if errors else ''}"
    )
    assert duplicates > 0, "the naive allocator passed: the harness cannot catch a race"


def test_retries_with_one_request_key_across_processes_give_one_ticket(
    seeded_db_url: str, tmp_path: Path
) -> None:
    keys = [f"kiosk-3:tap-{n}" for n in range(20)]
    workers = 4
    plans = [
        [
            Step("huarong", "A", now=OPEN + timedelta(seconds=n), request_key=k)
            for n, k in enumerate(keys)
        ]
        for _ in range(workers)
    ]
    results = run_workers(seeded_db_url, plans, tmp_path)
    errors = _all_errors(results)
    issued = _all_issued(results)
    assert not errors, errors[:5]
    assert len(issued) == workers * len(keys)
    by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for record in issued:
        by_key[record["key"]].add((record["id"], record["number"]))
    assert all(len(got) == 1 for got in by_key.values()), "a key gave two tickets"
    factory = create_session_factory(seeded_db_url)
    try:
        stored, counters = _db_sequences(factory)
        _assert_gapless(stored, counters)
        assert [len(v) for v in stored.values()] == [len(keys)]
        with factory.begin() as session:  # no gap left behind: the next one is +1
            after = issue_ticket(
                session, site="huarong", queue="A", now=OPEN + timedelta(minutes=1)
            )
    finally:
        factory.kw["bind"].dispose()
    assert after.sequence == len(keys) + 1
    print(
        f"\n[{_backend(seeded_db_url)}] idempotent: {workers} processes × {len(keys)} keys: "
        f"{len(issued)} calls, {sum(len(v) for v in stored.values())} tickets, next {after.number}"
    )


@pytest.mark.parametrize("cutover", ["00:00", "03:00"])
def test_business_day_rolls_over_while_processes_issue(
    seeded_db_url: str, tmp_path: Path, cutover: str
) -> None:
    """Workers whose clocks cross the cut-over: numbers restart at 1, the old day stays."""
    factory = create_session_factory(seeded_db_url)
    try:
        if cutover != "00:00":
            with factory.begin() as session:
                set_setting(session, "business_day_cutover", cutover)
        hours, minutes = (int(part) for part in cutover.split(":"))
        # The cut-over instant on the night from Thursday 26 to Friday 27 (Shanghai is UTC+8).
        boundary = datetime(2026, 11, 26, 16, tzinfo=UTC) + timedelta(hours=hours, minutes=minutes)
        workers, before, after = 4, 20, 20
        plans = [
            [
                Step("huarong", "A", now=boundary + timedelta(seconds=n - before), channel="desk")
                for n in range(before + after)
            ]
            for _ in range(workers)
        ]
        results = run_workers(seeded_db_url, plans, tmp_path)
        errors = _all_errors(results)
        assert not errors, errors[:5]
        stored, counters = _db_sequences(factory)
    finally:
        factory.kw["bind"].dispose()
    _assert_gapless(stored, counters)
    thursday, friday = date(2026, 11, 26), date(2026, 11, 27)
    assert sorted(stored) == [("huarong", "A", thursday), ("huarong", "A", friday)]
    assert len(stored[("huarong", "A", thursday)]) == workers * before
    assert len(stored[("huarong", "A", friday)]) == workers * after
    issued = _all_issued(results)
    # Up to the last second before the cut-over it is Thursday; from the cut-over on, Friday.
    for record in issued:
        expected = thursday if datetime.fromisoformat(record["now"]) < boundary else friday
        assert record["day"] == expected.isoformat(), record
    print(
        f"\n[{_backend(seeded_db_url)}] roll-over at {cutover}: {len(issued)} tickets, "
        f"{thursday}: A001–A{workers * before:03d}, {friday}: A001–A{workers * after:03d}"
    )
