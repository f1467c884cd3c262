"""Does a hall three years in feel as fast as on its first day? (issue #10, spec §12)

Builds the demo hall three times — empty, with one year and with three years of generated
history (``history_data.py``) — then times every operation a hall runs all day, interleaved
round by round across the three databases so machine noise hits them alike, and prints each
median with its ratio to the empty database. Budget: every operation ≤ 1.5× empty at three
years. Asserts nothing.

Operations (all at 09:00 on the working day after the history, windows signed in): issue a
ticket, call next, recall then finish, people ahead and the wait (ticket view), the kiosk home
status and 取号 menu, queue status, the change-feed poll, the priority inbox, the tours week,
catalog search (warm), the console's 取号台, window and board views, window states; and cold
processes: the first catalog search in a fresh process and ``hall queue status``.

Usage: python benchmarks/history.py [--years 1 3] [--rounds 15] [--postgres] [--keep DIR]
(``--keep DIR`` keeps the SQLite databases; a later run with the same DIR reuses them.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from benchmarks.history_data import (  # noqa: E402
    WORKING_DAYS_PER_YEAR,
    generate,
    read_org,
    working_days,
    write_postgres,
    write_sqlite,
)
from shared.changes import changes_after, latest_revision  # noqa: E402
from shared.db import (  # noqa: E402
    create_hall_engine,
    create_read_session_factory,
    create_session_factory,
    upgrade,
)
from shared.demo.seed import seed_demo  # noqa: E402
from shared.models import Staff, StaffRole  # noqa: E402
from shared.services import (  # noqa: E402
    calling,
    desk,
    home,
    kiosk_tickets,
    priority_views,
    tours,
    window_sessions,
)
from shared.services.catalog_search import search_matters  # noqa: E402
from shared.services.tickets import find_ticket, issue_ticket_in, view  # noqa: E402

# Thursday 2026-11-26, 09:00 in Shanghai: the first day after the generated history.
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
SITE = "huarong"
BUDGET = 1.5
Op = Callable[[sessionmaker[Session], int], Any]


def _at(n: int) -> datetime:
    return NOW + timedelta(seconds=2 * n)


def _sign_in_windows(factory: sessionmaker[Session]) -> None:
    """One clerk per district window (a clerk staffs one window at a time)."""
    with factory.begin() as session:
        for number in range(1, 32):
            username = f"clerk{number}"
            clerk = session.scalar(select(Staff).where(Staff.username == username))
            if clerk is None:  # else a database reused from an earlier run
                clerk = Staff(
                    username=username,
                    display_name=f"窗口{number}",
                    password_hash="-",  # never logs in
                    role_rows=[StaffRole(role="window")],
                )
                session.add(clerk)
                session.flush()
            window_sessions.sign_in(session, site=SITE, window=number, staff_id=clerk.id, now=NOW)


_READS: dict[int, sessionmaker[Session]] = {}


def _reads(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    reads = _READS.get(id(factory))
    if reads is None:
        reads = _READS[id(factory)] = create_read_session_factory(factory)
    return reads


def _issue(factory: sessionmaker[Session], n: int) -> Any:
    # As the kiosk and the desk issue: plan (read), allocate (write), read back after commit.
    return issue_ticket_in(factory, _reads(factory), site=SITE, queue="ABCDEFGH"[n % 8], now=_at(n))


def _call_next(factory: sessionmaker[Session], n: int) -> Any:
    # As the console and the CLI call: plan (read), apply (write), read back after commit.
    return calling.call_next_in(factory, _reads(factory), site=SITE, window=1 + n % 8, now=_at(n))


def _recall_finish(factory: sessionmaker[Session], n: int) -> Any:
    called = calling.call_next_in(factory, _reads(factory), site=SITE, window=9 + n % 5, now=_at(n))
    if called is None:
        return None
    with factory.begin() as session:
        calling.recall(session, site=SITE, number=called.number, now=_at(n))
    with factory.begin() as session:
        return calling.finish(session, site=SITE, number=called.number, now=_at(n))


def _read(fn: Callable[[Session, int], Any]) -> Op:
    def run(factory: sessionmaker[Session], n: int) -> Any:
        with factory() as session:
            return fn(session, n)

    return run


OPERATIONS: dict[str, Op] = {
    "issue_ticket": _issue,
    "call_next": _call_next,
    "recall + finish": _recall_finish,
    "ticket view (ahead, wait)": _read(
        lambda s, n: view(s, find_ticket(s, site=SITE, number="A001", now=NOW), NOW)
    ),
    "kiosk home status": _read(lambda s, n: home.kiosk_status(s, SITE, NOW)),
    "kiosk 取号 menu": _read(lambda s, n: kiosk_tickets.ticket_menu(s, site=SITE, now=NOW)),
    "queue_status": _read(lambda s, n: calling.queue_status(s, site=SITE, now=NOW)),
    "change-feed poll": _read(lambda s, n: changes_after(s, latest_revision(s) - 50)),
    # The inbox as it opens (进行中: new and accepted). 全部 and 已办结 list the newest 500
    # (the screen's limit): bounded by the limit, not by history.
    "priority inbox": _read(
        lambda s, n: priority_views.list_requests(s, site=SITE, states=("new", "accepted"), now=NOW)
    ),
    "tours week": _read(
        lambda s, n: tours.list_tours(
            s, site=SITE, date_from=TODAY, date_to=TODAY + timedelta(days=6)
        )
    ),
    "catalog search (warm)": _read(lambda s, n: search_matters(s, "sfz", site=SITE)),
    "console 取号台": _read(lambda s, n: desk.desk_state(s, site=SITE, now=NOW)),
    "console window": _read(lambda s, n: desk.window_state(s, site=SITE, window=1, now=NOW)),
    "console board": _read(lambda s, n: desk.board_state(s, site=SITE, now=NOW)),
    "window states": _read(lambda s, n: window_sessions.window_states(s, SITE, now=NOW)),
}

_FIRST_SEARCH = (
    "import sys,time; sys.path.insert(0, {root!r}); t=time.perf_counter();"
    "from shared.db import create_session_factory;"
    "from shared.services.catalog_search import search_matters;"
    "f=create_session_factory({url!r});"
    "s=f(); search_matters(s, 'sfz'); s.close();"
    "print(time.perf_counter()-t)"
)


def _cold_search(url: str) -> float:
    code = _FIRST_SEARCH.format(root=str(ROOT), url=url)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _cold_cli(url: str) -> float:
    hall = Path(sys.executable).with_name("hall")
    started = time.perf_counter()
    subprocess.run(
        [str(hall), "--db", url, "queue", "status", "--site", SITE, "--json"],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def _days(target: int, done: int, per_year: int) -> list[date]:
    """The working days ``done`` years back to ``target`` years back, oldest first."""
    return working_days(TODAY, target * per_year)[: (target - done) * per_year]


def _build_sqlite(folder: Path, years: list[int], per_year: int) -> dict[int, str]:
    base = folder / "hall-0.db"
    url = f"sqlite:///{base}"
    kept = [folder / f"hall-{y}.db" for y in (0, *years)]
    if all(path.exists() for path in kept):  # --keep DIR from an earlier run
        print("  reusing the databases kept in", folder, flush=True)
        reused = {y: f"sqlite:///{folder / f'hall-{y}.db'}" for y in (0, *years)}
        for kept_url in reused.values():  # brought to the current schema first
            engine = create_hall_engine(kept_url)
            upgrade(engine)
            engine.dispose()
        return reused
    engine = create_hall_engine(url)
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
    org = read_org(engine)
    engine.dispose()
    urls = {0: url}
    done, previous = 0, base
    for target in sorted(years):
        path = folder / f"hall-{target}.db"
        shutil.copyfile(previous, path)
        days = _days(target, done, per_year)
        started = time.perf_counter()
        rows = write_sqlite(str(path), generate(org, days, seed=target))
        print(
            f"  {target} year(s): +{rows:,} rows in {time.perf_counter() - started:.0f} s,"
            f" {path.stat().st_size / 2**20:,.0f} MiB",
            flush=True,
        )
        urls[target] = f"sqlite:///{path}"
        done, previous = target, path
    return urls


def _build_postgres(server: Any, years: list[int], per_year: int) -> dict[int, str]:
    server.admin_execute("CREATE DATABASE hist0")
    engine = create_hall_engine(server.url("hist0"))
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
    org = read_org(engine)
    engine.dispose()
    urls = {0: server.url("hist0")}
    done, previous = 0, "hist0"
    for target in sorted(years):
        name = f"hist{target}"
        server.admin_execute(f"CREATE DATABASE {name} TEMPLATE {previous}")
        days = _days(target, done, per_year)
        started = time.perf_counter()
        dsn = server.url(name).replace("postgresql+psycopg://", "postgresql://")
        rows = write_postgres(dsn, generate(org, days, seed=target))
        print(
            f"  {target} year(s): +{rows:,} rows in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        urls[target] = server.url(name)
        done, previous = target, name
    return urls


def _measure(urls: dict[int, str], rounds: int) -> dict[str, dict[int, float]]:
    factories = {k: create_session_factory(u) for k, u in urls.items()}
    for factory in factories.values():
        _sign_in_windows(factory)
        for n in range(40):  # a morning queue to call from
            _issue(factory, n)
    samples: dict[str, dict[int, list[float]]] = {
        name: {k: [] for k in urls}
        for name in [*OPERATIONS, "first catalog search", "hall queue status (cold)"]
    }
    n = 100
    for round_ in range(rounds):
        for name, op in OPERATIONS.items():
            for key, factory in factories.items():
                started = time.perf_counter()
                op(factory, n)
                samples[name][key].append(time.perf_counter() - started)
            n += 1
        if round_ < 5:  # cold processes are slow: five rounds are enough
            for key, url in urls.items():
                samples["first catalog search"][key].append(_cold_search(url))
                samples["hall queue status (cold)"][key].append(_cold_cli(url))
    for factory in factories.values():
        factory.kw["bind"].dispose()
    return {
        name: {k: statistics.median(v) for k, v in per.items() if v}
        for name, per in samples.items()
    }


def _report(label: str, medians: dict[str, dict[int, float]], years: list[int]) -> bool:
    print(
        f"\n== {label}: medians (ms) and ratio to empty; budget ≤ {BUDGET}× at {max(years)} years"
    )
    head = f"{'operation':<28}{'empty':>9}" + "".join(f"{str(y) + ' y':>9}{'×':>6}" for y in years)
    print(head)
    passed = True
    for name, per in medians.items():
        base = per[0]
        line = f"{name:<28}{base * 1000:>9.2f}"
        for y in years:
            ratio = per[y] / base if base else float("inf")
            line += f"{per[y] * 1000:>9.2f}{ratio:>6.2f}"
        worst = per[max(years)] / base if base else float("inf")
        ok = worst <= BUDGET
        passed &= ok
        print(line + ("" if ok else "   MISS"))
    print(f"{label}: {'PASS' if passed else 'MISS'} (every operation ≤ {BUDGET}× empty)")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL")
    parser.add_argument("--keep", metavar="DIR", help="build the databases in DIR and keep them")
    parser.add_argument(
        "--days-per-year",
        type=int,
        default=WORKING_DAYS_PER_YEAR,
        help="working days a year (fewer for a quick trial run)",
    )
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hall-history-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print("SQLite: building", flush=True)
        urls = _build_sqlite(folder, args.years, args.days_per_year)
        _report("SQLite", _measure(urls, args.rounds), args.years)
        if args.postgres:
            from tests.support.pgserver import PostgresServer

            server = PostgresServer()
            server.start()
            try:
                print("PostgreSQL: building", flush=True)
                pg_urls = _build_postgres(server, args.years, args.days_per_year)
                _report("PostgreSQL", _measure(pg_urls, args.rounds), args.years)
            finally:
                server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
