"""Query plans of the hall's all-day operations: which statements scan history.

Runs each operation of ``history.py`` once on a fresh demo hall (SQLite), captures every
statement it sends, and prints SQLite's ``EXPLAIN QUERY PLAN`` lines that read a history
table without an index (``SCAN``). The test
``tests/shared/test_query_plans.py`` asserts the same on every run; this script shows the
plans themselves. Usage: python benchmarks/plans.py [--all]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from shared.db import create_hall_engine, create_session_factory, upgrade  # noqa: E402
from shared.demo.seed import seed_demo  # noqa: E402

#: Tables that grow every day; reading one of them without an index is a scan of history.
HISTORY_TABLES = (
    "tickets",
    "ticket_events",
    "changes",
    "window_sessions",
    "window_events",
    "priority_requests",
    "priority_notes",
    "tours",
    "audit_entries",
    "evaluations",
    "feedback",
)


@contextmanager
def capture(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """Record every read, update and delete (with its parameters) the engine executes."""
    seen: list[tuple[str, Any]] = []

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def bad_lines(engine: Any, statement: str, params: Any) -> list[str]:
    """The plan lines of ``statement`` that read a whole history table (``SCAN``).

    A sort (``USE TEMP B-TREE``) of rows an index already bounded to a day or a window is
    fine and not reported; a scan is history growing under the query.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", params or ()).fetchall()
    return [
        str(row[-1])
        for row in rows
        if re.match(r"^SCAN (\w+)", str(row[-1]))
        and re.match(r"^SCAN (\w+)", str(row[-1])).group(1) in HISTORY_TABLES  # type: ignore[union-attr]
    ]


def demo_hall(folder: Path) -> str:
    """A migrated demo hall in ``folder``; returns its URL."""
    url = f"sqlite:///{folder / 'plans.db'}"
    engine = create_hall_engine(url)
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
    engine.dispose()
    return url


def main() -> None:
    from benchmarks.history import OPERATIONS, _issue, _sign_in_windows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every plan, not only bad ones")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = demo_hall(Path(folder))
        factory = create_session_factory(url)
        _sign_in_windows(factory)
        for n in range(20):
            _issue(factory, n)
        engine = factory.kw["bind"]
        total = 0
        for name, op in OPERATIONS.items():
            with capture(engine) as seen:
                op(factory, 1000)
            distinct = {" ".join(s.split()): (s, p) for s, p in seen}
            problems = [(s, bad_lines(engine, s, p)) for s, p in distinct.values()]
            problems = [(s, lines) for s, lines in problems if lines or args.all]
            print(f"== {name}: {len(seen)} statements, {len(problems)} with scans or sorts")
            for statement, lines in problems:
                total += bool(lines)
                print("   " + " ".join(statement.split())[:160])
                for line in lines:
                    print(f"      -> {line}")
        engine.dispose()
        print(f"\n{total} statements read history without an index")


if __name__ == "__main__":
    main()
