"""Ticket issue speed against a raw ``sqlite3`` loop doing the same writes, same run (spec §12).

Budgets (SQLite, issue #10 item 3): 8 processes issuing at once reach ≥ 25 % of a raw
``sqlite3`` loop doing the same writes into the same schema with the same PRAGMAs; the write
lock is held ≤ 2 ms (p50) per issue; issue p99 ≤ 20 ms at 8 writers; zero duplicates. The same
lock-hold figure is printed for ``call_next``.

What it measures, each on a fresh copy of a demo-hall database in a temporary folder:

- the product's issue path as the kiosk runs it: ``issue_kiosk_ticket_in`` (plan in a read
  transaction, allocate in the write transaction, then people ahead, the wait and the slip
  read after commit), with a fresh request key per ticket;
- lock hold: from the moment ``BEGIN IMMEDIATE`` returned (the ``begin`` engine event, after
  the hall's own listener that emits it) to the moment the COMMIT returned (the session
  factory's ``after_commit`` event) of every write transaction;
- latency: one process, ``--issues`` tickets (round robin over the district queues); then
  ``call_next_in`` (plan read, apply write, describe read) over the signed-in district
  windows with the same lock clock;
- throughput: 1, 4 and 8 spawned processes wait on a barrier and then issue at once; tickets/s
  is all tickets over the span from the first start to the last finish; each worker records
  every issue's latency and lock hold; afterwards the tickets are checked for duplicates and
  gaps;
- raw: one writer through ``sqlite3`` on another copy of the same database (same schema and
  indexes), PRAGMAs as ``shared.db`` sets them (WAL, synchronous, busy timeout), each
  transaction ``BEGIN IMMEDIATE``; the counter upsert; the ticket; its event; its change;
  ``COMMIT`` — the allocation's writes and nothing else.

``--postgres`` repeats latency and throughput on a throwaway PostgreSQL server (figures only:
§12 sets no PostgreSQL budget; "lock hold" there is the write transaction's duration).
Prints figures and PASS/MISS; asserts nothing.

Usage: python benchmarks/tickets.py [--sqlite-only | --postgres] [--issues 2000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from shared.clock import business_date  # noqa: E402
from shared.db import (  # noqa: E402
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_SYNCHRONOUS,
    create_hall_engine,
    create_read_session_factory,
    create_session_factory,
    engine_of,
    upgrade,
)
from shared.models import Queue, Site, Staff, StaffRole, Ticket  # noqa: E402
from shared.services import calling, window_sessions  # noqa: E402
from shared.services.kiosk_tickets import issue_kiosk_ticket_in  # noqa: E402

# Thursday 2026-11-26 09:00 in Shanghai: the hall is open for the next three hours.
OPEN = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
SITE = "huarong"
QUEUES = "ABCDEFGH"  # the district hall's queues
DISTRICT_WINDOWS = range(1, 32)
P99_BUDGET_MS = 20.0
HOLD_BUDGET_MS = 2.0
RATIO_BUDGET = 0.25
PROCESS_COUNTS = (1, 4, 8)
CALLS = 300


def _now(n: int) -> datetime:
    # Ten tickets a second keeps any run well inside the morning session.
    return OPEN + timedelta(milliseconds=100 * n)


def quantile(samples: list[float], q: int) -> float:
    """The ``q``-th percentile (inclusive method)."""
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


class LockClock:
    """Write-transaction hold times (ms) of one session factory, from engine events.

    Starts when ``BEGIN IMMEDIATE`` has returned (a ``begin`` listener registered after the
    hall's own, which emits it), stops when the COMMIT has returned (the session's
    ``after_commit`` that follows the connection's ``commit`` event).
    Read-only connections are ignored; a rolled-back transaction is dropped.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.holds: list[float] = []
        self.commits: list[float] = []  # of which the COMMIT itself (the WAL sync)
        self._started: float | None = None
        self._committing: float | None = None
        engine = engine_of(factory)
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_commit_start)
        event.listen(engine, "rollback", self._on_rollback)
        event.listen(factory, "after_commit", self._on_commit)

    def _on_begin(self, conn: Any) -> None:
        if not conn.get_execution_options().get("hall_readonly"):
            self._started = time.perf_counter()

    def _on_rollback(self, conn: Any) -> None:
        if not conn.get_execution_options().get("hall_readonly"):
            self._started = None

    def _on_commit_start(self, conn: Any) -> None:
        if not conn.get_execution_options().get("hall_readonly"):
            self._committing = time.perf_counter()

    def _on_commit(self, _session: Any) -> None:
        # after_commit also follows a released savepoint; only the COMMIT ends the hold.
        if self._started is not None and self._committing is not None:
            now = time.perf_counter()
            self.holds.append((now - self._started) * 1000)
            self.commits.append((now - self._committing) * 1000)
            self._started = self._committing = None

    def clear(self) -> None:
        """Forget the samples so far."""
        self.holds.clear()
        self.commits.clear()


def _issue(factory: sessionmaker[Session], reads: sessionmaker[Session], n: int) -> None:
    issue_kiosk_ticket_in(
        factory,
        reads,
        site=SITE,
        queue=QUEUES[n % len(QUEUES)],
        request_key=uuid.uuid4().hex,
        now=_now(n),
    )


def _worker(url: str, first: int, count: int, barrier: Any, results: Any) -> None:
    factory = create_session_factory(url)
    reads = create_read_session_factory(factory)
    clock = LockClock(factory)
    with reads() as session:  # connect and warm the statement cache before the start
        session.execute(select(func.count()).select_from(Ticket))
    barrier.wait(120)
    started = time.monotonic()
    errors = 0
    latencies = []
    for n in range(first, first + count):
        began = time.perf_counter()
        try:
            _issue(factory, reads, n)
        except Exception as error:
            errors += 1
            print(f"  worker error: {type(error).__name__}: {error}"[:200], file=sys.stderr)
        latencies.append((time.perf_counter() - began) * 1000)
    results.put((started, time.monotonic(), errors, json.dumps([latencies, clock.holds])))


def _sign_in_windows(factory: sessionmaker[Session]) -> None:
    """One clerk per district window (a clerk staffs one window at a time)."""
    with factory.begin() as session:
        for number in DISTRICT_WINDOWS:
            clerk = Staff(
                username=f"bench-clerk{number}",
                display_name=f"窗口{number}",
                password_hash="-",  # never logs in
                role_rows=[StaffRole(role="window")],
            )
            session.add(clerk)
            session.flush()
            window_sessions.sign_in(session, site=SITE, window=number, staff_id=clerk.id, now=OPEN)


def latency(url: str, issues: int) -> dict[str, float]:
    """Single-process issue p50/p99 and lock hold; then call_next's lock hold."""
    factory = create_session_factory(url)
    reads = create_read_session_factory(factory)
    warmup = 50
    for n in range(warmup):
        _issue(factory, reads, n)
    clock = LockClock(factory)
    samples = []
    for n in range(warmup, warmup + issues):
        started = time.perf_counter()
        _issue(factory, reads, n)
        samples.append((time.perf_counter() - started) * 1000)
    issue_holds, issue_commits = list(clock.holds), list(clock.commits)
    _sign_in_windows(factory)
    clock.clear()
    calls = []
    at = _now(warmup + issues) + timedelta(minutes=1)
    for n in range(CALLS):
        window = DISTRICT_WINDOWS[n % len(DISTRICT_WINDOWS)]
        started = time.perf_counter()
        calling.call_next_in(
            factory, reads, site=SITE, window=window, now=at + timedelta(seconds=n)
        )
        calls.append((time.perf_counter() - started) * 1000)
    engine_of(factory).dispose()
    return {
        "p50": quantile(samples, 50),
        "p99": quantile(samples, 99),
        "hold50": quantile(issue_holds, 50),
        "hold99": quantile(issue_holds, 99),
        "commit50": quantile(issue_commits, 50),
        "call50": quantile(calls, 50),
        "call_hold50": quantile(clock.holds, 50),
        "call_hold99": quantile(clock.holds, 99),
    }


def throughput(url: str, processes: int, per_process: int) -> dict[str, float]:
    """Tickets/s for ``processes`` issuing at once, their latency and lock hold, and errors."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, i * per_process, per_process, barrier, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    spans = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    total_seconds = max(span[1] for span in spans) - min(span[0] for span in spans)
    latencies: list[float] = []
    holds: list[float] = []
    for *_times, data in spans:
        got_latencies, got_holds = json.loads(data)
        latencies += got_latencies
        holds += got_holds
    return {
        "rate": processes * per_process / total_seconds,
        "errors": sum(span[2] for span in spans),
        "p99": quantile(latencies, 99),
        "hold50": quantile(holds, 50),
    }


def check(url: str) -> tuple[int, int, int]:
    """(tickets, duplicate numbers, missing numbers) per site, day and queue."""
    factory = create_session_factory(url)
    with factory() as session:
        rows = session.execute(
            select(Ticket.site_id, Ticket.business_date, Ticket.queue_id, Ticket.sequence)
        ).all()
    engine_of(factory).dispose()
    by_queue: dict[tuple[Any, ...], list[int]] = {}
    for site, day, queue, sequence in rows:
        by_queue.setdefault((site, day, queue), []).append(sequence)
    duplicates = sum(len(s) - len(set(s)) for s in by_queue.values())
    missing = sum(max(s) - len(set(s)) for s in by_queue.values())
    return len(rows), duplicates, missing


def _district(url: str) -> tuple[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    factory = create_session_factory(url)
    with factory() as session:
        site = session.scalars(select(Site).where(Site.code == SITE)).one()
        queues = session.execute(
            select(Queue.id, Queue.prefix).where(
                Queue.site_id == site.id, Queue.prefix.in_(list(QUEUES))
            )
        ).all()
        site_id = site.id
    engine_of(factory).dispose()
    return site_id, sorted(((q_id, prefix) for q_id, prefix in queues), key=lambda q: q[1])


def _stamp(instant: datetime) -> str:
    # How SQLAlchemy stores a UTC instant on SQLite (see shared.models.base.UTCDateTime).
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def raw_loop(path: Path, seconds: float = 3.0) -> tuple[float, float, float]:
    """Transactions/s of one ``sqlite3`` writer doing the allocation's four writes, and its
    lock hold p50 and COMMIT p50 in ms (the same clock as :class:`LockClock`)."""
    site_id, queues = _district(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    site = site_id.hex
    day: date = business_date(OPEN)
    done = 0
    holds: list[float] = []
    commits: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        queue_id, prefix = queues[done % len(queues)]
        at = _stamp(_now(done))
        ticket = uuid.uuid4().hex
        conn.execute("BEGIN IMMEDIATE")
        locked = time.perf_counter()
        sequence = conn.execute(
            "INSERT INTO ticket_counters (site_id, business_date, queue_id, last_sequence) "
            "VALUES (?, ?, ?, 1) ON CONFLICT (site_id, business_date, queue_id) "
            "DO UPDATE SET last_sequence = ticket_counters.last_sequence + 1 "
            "RETURNING last_sequence",
            (site, day.isoformat(), queue_id.hex),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO tickets (id, site_id, queue_id, business_date, sequence, number, "
            "priority, matter_id, channel, request_key, state, issued_at, recall_count, "
            "print_state) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'kiosk', ?, 'issued', ?, 0, "
            "'pending')",
            (
                ticket,
                site,
                queue_id.hex,
                day.isoformat(),
                sequence,
                f"{prefix}{sequence:03d}",
                uuid.uuid4().hex,
                at,
            ),
        )
        conn.execute(
            "INSERT INTO ticket_events (id, ticket_id, kind, at, window_id, staff_id, detail) "
            "VALUES (?, ?, 'issued', ?, NULL, NULL, ?)",
            (uuid.uuid4().hex, ticket, at, '{"channel": "kiosk", "priority": null}'),
        )
        conn.execute(
            "INSERT INTO changes (kind, entity_id, action, site_id, at) "
            "VALUES ('ticket', ?, 'issued', ?, ?)",
            (str(uuid.UUID(ticket)), site, at),
        )
        committing = time.perf_counter()
        conn.execute("COMMIT")
        finished = time.perf_counter()
        holds.append((finished - locked) * 1000)
        commits.append((finished - committing) * 1000)
        done += 1
    rate = done / (time.perf_counter() - started)
    conn.close()
    return rate, quantile(holds, 50), quantile(commits, 50)


def seed(url: str) -> None:
    """Migrate and fill ``url`` with the demo hall."""
    from shared.demo.seed import seed_demo

    engine = create_hall_engine(url)
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
    engine.dispose()


def run_backend(
    name: str, fresh: Callable[[str], str], issues: int, total: int
) -> dict[str, float | int]:
    """Latency, lock hold and 1/4/8-process throughput on fresh copies; prints as it goes."""
    figures: dict[str, float | int] = {}
    url = fresh("latency")
    single = latency(url, issues)
    figures.update(single)
    _tickets, duplicates, missing = check(url)
    figures["duplicates"] = duplicates + missing
    print(
        f"[{name}] kiosk issue, 1 process, {issues} issues: p50 {single['p50']:.2f} ms, "
        f"p99 {single['p99']:.2f} ms; write lock held p50 {single['hold50']:.2f} ms "
        f"(of which COMMIT {single['commit50']:.2f} ms), p99 {single['hold99']:.2f} ms"
    )
    print(
        f"[{name}] call_next, {CALLS} calls: p50 {single['call50']:.2f} ms; write lock held "
        f"p50 {single['call_hold50']:.2f} ms, p99 {single['call_hold99']:.2f} ms"
    )
    for processes in PROCESS_COUNTS:
        url = fresh(f"p{processes}")
        run = throughput(url, processes, total // processes)
        tickets, duplicates, missing = check(url)
        figures[f"rate{processes}"] = run["rate"]
        figures[f"p99_{processes}"] = run["p99"]
        figures[f"hold50_{processes}"] = run["hold50"]
        figures["duplicates"] = (
            int(figures["duplicates"]) + duplicates + missing + int(run["errors"])
        )
        print(
            f"[{name}] {processes} process{'es' if processes > 1 else ''}: "
            f"{run['rate']:7.0f} tickets/s, p99 {run['p99']:6.2f} ms, lock held p50 "
            f"{run['hold50']:.2f} ms ({tickets} tickets; duplicates {duplicates}, "
            f"gaps {missing}, errors {int(run['errors'])})"
        )
    return figures


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(figures: dict[str, float | int], raw: float) -> None:
    """PASS/MISS against the budgets of issue #10, item 3."""
    rate8, p99_8 = float(figures["rate8"]), float(figures["p99_8"])
    hold, call_hold = float(figures["hold50"]), float(figures["call_hold50"])
    ratio = rate8 / raw
    print()
    print(f"8 processes / raw loop = {rate8:.0f} / {raw:.0f} = {ratio:.1%} ", end="")
    print(f"≥ {RATIO_BUDGET:.0%}: {verdict(ratio >= RATIO_BUDGET)}")
    print(f"issue: write lock held p50 {hold:.2f} ms ≤ {HOLD_BUDGET_MS:.0f} ms: ", end="")
    print(verdict(hold <= HOLD_BUDGET_MS))
    print(f"issue p99 at 8 writers {p99_8:.2f} ms ≤ {P99_BUDGET_MS:.0f} ms: ", end="")
    print(verdict(p99_8 <= P99_BUDGET_MS))
    print(f"duplicates, gaps and errors: {figures['duplicates']}: ", end="")
    print(verdict(figures["duplicates"] == 0))
    print(f"call_next: write lock held p50 {call_hold:.2f} ms ≤ {HOLD_BUDGET_MS:.0f} ms: ", end="")
    print(verdict(call_hold <= HOLD_BUDGET_MS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL (default)")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--issues", type=int, default=2000, help="latency sample size")
    parser.add_argument("--total", type=int, default=2400, help="tickets per throughput run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as scratch:
        folder = Path(scratch)
        template = folder / "template.db"
        seed(f"sqlite:///{template}")

        def fresh_sqlite(tag: str) -> str:
            target = folder / f"{tag}.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"

        raw_path = folder / "raw.db"
        shutil.copyfile(template, raw_path)
        raw, raw_hold, raw_commit = raw_loop(raw_path)
        print(
            f"[sqlite] raw sqlite3 loop, the allocation's 4 writes: {raw:7.0f} tx/s; lock held "
            f"p50 {raw_hold:.2f} ms, of which COMMIT {raw_commit:.2f} ms ({folder})"
        )
        figures = run_backend("sqlite", fresh_sqlite, args.issues, args.total)
        report(figures, raw)

        if args.postgres and not args.sqlite_only:
            from tests.support.pgserver import PostgresServer

            server = PostgresServer()
            server.start()
            try:
                server.admin_execute("CREATE DATABASE bench_template")
                seed(server.url("bench_template"))

                def fresh_pg(tag: str) -> str:
                    server.admin_execute(f"CREATE DATABASE bench_{tag} TEMPLATE bench_template")
                    return server.url(f"bench_{tag}")

                print()
                run_backend("postgres", fresh_pg, args.issues, args.total)
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
