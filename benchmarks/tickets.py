"""Ticket issue speed against a bare SQLite write loop measured in the same run (spec §12).

Budgets (SQLite): issue latency p99 ≤ 20 ms; 8 processes issuing at once reach ≥ 50 % of a
bare single-writer SQLite transaction loop on the same file system; zero duplicates.

What it measures, each on a fresh copy of a demo-hall database in a temporary folder:

- latency: one process issues ``--issues`` tickets (round robin over the district queues,
  one transaction each, as a kiosk does) and reports p50/p99 of the whole call with commit;
- throughput: 1, 4 and 8 spawned processes wait on a barrier and then issue at once; tickets/s
  is all tickets over the span from the first start to the last finish; afterwards the
  tickets are checked for duplicates and gaps;
- bare: ``BEGIN IMMEDIATE; UPDATE counter; INSERT row; COMMIT`` through ``sqlite3`` with the
  hall's PRAGMAs (WAL, synchronous as shared.db sets it), one writer, same folder.

``--postgres`` repeats latency and throughput on a throwaway PostgreSQL server (figures only:
§12 sets no PostgreSQL budget). Prints figures and PASS/MISS; asserts nothing.

Usage: python benchmarks/tickets.py [--sqlite-only | --postgres] [--issues 2000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from shared.db import (  # noqa: E402
    SQLITE_SYNCHRONOUS,
    create_hall_engine,
    create_session_factory,
    upgrade,
)
from shared.models import Ticket  # noqa: E402
from shared.services.tickets import issue_ticket  # noqa: E402

# Thursday 2026-11-26 09:00 in Shanghai: the hall is open for the next three hours.
OPEN = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
QUEUES = "ABCDEFGH"  # the district hall's queues
P99_BUDGET_MS = 20.0
RATIO_BUDGET = 0.5
PROCESS_COUNTS = (1, 4, 8)


def _now(n: int) -> datetime:
    # Ten tickets a second keeps any run well inside the morning session.
    return OPEN + timedelta(milliseconds=100 * n)


def _issue(factory: sessionmaker[Any], n: int) -> None:
    with factory.begin() as session:
        issue_ticket(session, site="huarong", queue=QUEUES[n % len(QUEUES)], now=_now(n))


def _worker(url: str, first: int, count: int, barrier: Any, results: Any) -> None:
    factory = create_session_factory(url)
    with factory() as session:  # connect and warm the statement cache before the start
        session.execute(select(func.count()).select_from(Ticket))
    barrier.wait(120)
    started = time.monotonic()
    errors = 0
    for n in range(first, first + count):
        try:
            _issue(factory, n)
        except Exception as error:
            errors += 1
            print(f"  worker error: {type(error).__name__}: {error}"[:200], file=sys.stderr)
    results.put((started, time.monotonic(), errors))


def latency(url: str, issues: int) -> tuple[float, float]:
    """p50 and p99 in ms of ``issues`` single-process issues (after a short warm-up)."""
    factory = create_session_factory(url)
    warmup = 50
    for n in range(warmup):
        _issue(factory, n)
    samples = []
    for n in range(warmup, warmup + issues):
        started = time.perf_counter()
        _issue(factory, n)
        samples.append((time.perf_counter() - started) * 1000)
    factory.kw["bind"].dispose()
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def throughput(url: str, processes: int, per_process: int) -> tuple[float, int]:
    """Tickets/s for ``processes`` issuing at once, and the number of worker errors."""
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
    total_seconds = max(end for _s, end, _e in spans) - min(start for start, _e, _x in spans)
    return processes * per_process / total_seconds, sum(errors for *_t, errors in spans)


def check(url: str) -> tuple[int, int, int]:
    """(tickets, duplicate numbers, missing numbers) per site, day and queue."""
    factory = create_session_factory(url)
    with factory() as session:
        rows = session.execute(
            select(Ticket.site_id, Ticket.business_date, Ticket.queue_id, Ticket.sequence)
        ).all()
    factory.kw["bind"].dispose()
    by_queue: dict[tuple[Any, ...], list[int]] = {}
    for site, day, queue, sequence in rows:
        by_queue.setdefault((site, day, queue), []).append(sequence)
    duplicates = sum(len(s) - len(set(s)) for s in by_queue.values())
    missing = sum(max(s) - len(set(s)) for s in by_queue.values())
    return len(rows), duplicates, missing


def bare_loop(folder: Path, seconds: float = 3.0) -> float:
    """Transactions/s of one writer: BEGIN IMMEDIATE; UPDATE; INSERT; COMMIT."""
    path = folder / "bare.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, last INTEGER NOT NULL)")
    conn.execute(
        "CREATE TABLE rows (id INTEGER PRIMARY KEY, sequence INTEGER NOT NULL, "
        "number TEXT NOT NULL, issued_at TEXT NOT NULL)"
    )
    conn.execute("INSERT INTO counter VALUES (1, 0)")
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE counter SET last = last + 1 WHERE id = 1")
        conn.execute(
            "INSERT INTO rows (sequence, number, issued_at) VALUES (?, ?, ?)",
            (done + 1, f"A{done + 1:03d}", datetime.now(UTC).isoformat()),
        )
        conn.execute("COMMIT")
        done += 1
    rate = done / (time.perf_counter() - started)
    conn.close()
    return rate


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
    """Latency and 1/4/8-process throughput on fresh copies; prints as it goes."""
    figures: dict[str, float | int] = {}
    url = fresh("latency")
    p50, p99 = latency(url, issues)
    figures.update(p50=p50, p99=p99)
    _tickets, duplicates, missing = check(url)
    print(f"[{name}] latency over {issues} issues: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    figures["duplicates"] = duplicates + missing
    for processes in PROCESS_COUNTS:
        url = fresh(f"p{processes}")
        rate, errors = throughput(url, processes, total // processes)
        tickets, duplicates, missing = check(url)
        figures[f"rate{processes}"] = rate
        figures["duplicates"] = int(figures["duplicates"]) + duplicates + missing + errors
        print(
            f"[{name}] {processes} process{'es' if processes > 1 else ''}: {rate:7.0f} tickets/s "
            f"({tickets} tickets; duplicates {duplicates}, gaps {missing}, errors {errors})"
        )
    return figures


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


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

        bare = bare_loop(folder)
        print(f"[sqlite] bare single-writer loop: {bare:7.0f} tx/s ({folder})")
        figures = run_backend("sqlite", fresh_sqlite, args.issues, args.total)
        ratio = float(figures["rate8"]) / bare
        print()
        print(f"p99 {figures['p99']:.2f} ms ≤ {P99_BUDGET_MS:.0f} ms: ", end="")
        print(verdict(float(figures["p99"]) <= P99_BUDGET_MS))
        print(f"8 processes / bare = {figures['rate8']:.0f} / {bare:.0f} = {ratio:.1%} ", end="")
        print(f"≥ {RATIO_BUDGET:.0%}: {verdict(ratio >= RATIO_BUDGET)}")
        print(f"duplicates, gaps and errors: {figures['duplicates']}: ", end="")
        print(verdict(figures["duplicates"] == 0))

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
