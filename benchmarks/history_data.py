"""Generated history for the history benchmark: years of tickets, events and changes, fast.

Shape (issue #10): about 2,000 tickets a working day at the district hall and 150 at each
other site, 250 working days a year, ~4 events per ticket (issued, called, serving, and how it
ended), one change-feed row per event as the services write them, each window signed in and out
every day, a few priority requests and tours a day. Rows are written by bulk inserts that
follow the migrations' columns: ``sqlite3.executemany`` with the values formatted as
SQLAlchemy stores them on SQLite, ``COPY`` on PostgreSQL. Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar

from sqlalchemy import Engine, text

from shared.clock import HALL_TZ

DISTRICT_PER_DAY = 2000
OTHER_PER_DAY = 150
WORKING_DAYS_PER_YEAR = 250
#: Hall-local opening, and the span over which tickets are issued.
OPENS = time(8, 30)
ISSUE_SPAN_MIN = 8 * 60


@dataclass(frozen=True)
class Org:
    """What the demo hall holds that history refers to."""

    sites: list[tuple[uuid.UUID, str, str]]  # id, code, kind
    queues: dict[uuid.UUID, list[tuple[uuid.UUID, str, int]]]  # site → (id, prefix, minutes)
    windows: dict[uuid.UUID, list[tuple[uuid.UUID, list[uuid.UUID]]]]  # site → (id, queue ids)
    staff: list[uuid.UUID]
    routes: list[uuid.UUID]


def read_org(engine: Engine) -> Org:
    """The demo hall's ids, read once."""
    with engine.connect() as conn:

        def ids(sql: str) -> list[Any]:
            return list(conn.execute(text(sql)).all())

        def as_uuid(value: Any) -> uuid.UUID:
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))

        sites = [(as_uuid(i), c, k) for i, c, k in ids("SELECT id, code, kind FROM sites")]
        queues: dict[uuid.UUID, list[tuple[uuid.UUID, str, int]]] = {s[0]: [] for s in sites}
        for qid, sid, prefix, minutes in ids(
            "SELECT id, site_id, prefix, default_service_minutes FROM queues ORDER BY prefix"
        ):
            queues[as_uuid(sid)].append((as_uuid(qid), prefix, minutes))
        served: dict[uuid.UUID, list[uuid.UUID]] = {}
        for wid, qid in ids("SELECT window_id, queue_id FROM window_queues"):
            served.setdefault(as_uuid(wid), []).append(as_uuid(qid))
        windows: dict[uuid.UUID, list[tuple[uuid.UUID, list[uuid.UUID]]]] = {
            s[0]: [] for s in sites
        }
        for wid, sid in ids("SELECT id, site_id FROM windows ORDER BY number"):
            windows[as_uuid(sid)].append((as_uuid(wid), served.get(as_uuid(wid), [])))
        staff = [as_uuid(r[0]) for r in ids("SELECT id FROM staff")]
        routes = [as_uuid(r[0]) for r in ids("SELECT id FROM tour_routes")]
    return Org(sites, queues, windows, staff, routes)


def working_days(last: date, count: int) -> list[date]:
    """``count`` Monday-to-Friday days ending before ``last``, oldest first."""
    days: list[date] = []
    day = last - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _local(day: date, minutes: float) -> datetime:
    start = datetime.combine(day, OPENS, HALL_TZ) + timedelta(minutes=minutes)
    return start.astimezone(UTC)


def _cols(names: str) -> list[str]:
    return names.split()


class Rows:
    """Rows per table for one batch of days, as plain tuples in column order."""

    COLUMNS: ClassVar[dict[str, list[str]]] = {
        "tickets": _cols(
            "id site_id queue_id business_date sequence number priority matter_id channel "
            "request_key state issued_at called_at serving_at finished_at window_id "
            "recall_count print_state transferred_from_id"
        ),
        "ticket_events": _cols("id ticket_id kind at window_id staff_id detail"),
        "changes": _cols("kind entity_id action site_id at"),
        "ticket_counters": _cols("site_id business_date queue_id last_sequence"),
        "window_sessions": _cols(
            "id site_id window_id staff_id signed_in_at signed_out_at paused_at pause_reason"
        ),
        "window_events": _cols("id site_id window_id session_id staff_id kind reason at"),
        "priority_requests": _cols(
            "id site_id reference kind visitor state name phone address matter_id "
            "preferred_date preferred_half terminal_id ticket_id accepted_at accepted_by_id "
            "assigned_to_id finished_at cancelled_at purged_at created_at"
        ),
        "tours": _cols(
            "id site_id group_name organisation contact_name contact_phone expected_visitors "
            "level letter_ref route_id starts_at ends_at extended state notes override_reason "
            "override_by_id created_by_id arrived_at actual_start actual_end actual_visitors "
            "log_notes follow_ups feedback created_at"
        ),
    }

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.COLUMNS}

    def add(self, table: str, *values: Any) -> None:
        """One row, in :attr:`COLUMNS` order."""
        self.tables[table].append(values)


def _ticket_day(rows: Rows, rng: random.Random, org: Org, site: tuple[Any, ...], day: date) -> None:
    site_id, _code, kind = site
    per_day = DISTRICT_PER_DAY if kind == "district" else OTHER_PER_DAY
    queues = org.queues[site_id]
    windows = org.windows[site_id]
    clerk = org.staff[0]
    for window_id, _served in windows:
        session_id = uuid.uuid4()
        signed_in, signed_out = _local(day, -5), _local(day, ISSUE_SPAN_MIN + 60)
        rows.add(
            "window_sessions",
            session_id,
            site_id,
            window_id,
            clerk,
            signed_in,
            signed_out,
            None,
            None,
        )
        for kind_, at in (("signed_in", signed_in), ("signed_out", signed_out)):
            rows.add(
                "window_events", uuid.uuid4(), site_id, window_id, session_id, clerk, kind_, "", at
            )
            rows.add("changes", "window", str(window_id), kind_, site_id, at)
    by_queue: dict[uuid.UUID, list[uuid.UUID]] = {}
    for window_id, served in windows:
        for queue_id in served:
            by_queue.setdefault(queue_id, []).append(window_id)
    weights = [len(by_queue.get(q[0], [])) or 1 for q in queues]
    counts = {q[0]: 0 for q in queues}
    for n in range(per_day):
        queue_id, prefix, minutes = rng.choices(queues, weights)[0]
        counts[queue_id] += 1
        seq = counts[queue_id]
        issued = _local(day, ISSUE_SPAN_MIN * n / per_day)
        called = issued + timedelta(minutes=rng.uniform(1, 40))
        serving = called + timedelta(seconds=rng.uniform(20, 90))
        finished = serving + timedelta(minutes=rng.expovariate(1 / minutes))
        window_id = rng.choice(by_queue.get(queue_id) or [windows[0][0]])
        roll = rng.random()
        state = "done" if roll < 0.92 else ("no_show" if roll < 0.98 else "cancelled")
        ticket_id = uuid.uuid4()
        priority = "elderly" if rng.random() < 0.05 else None
        rows.add(
            "tickets",
            ticket_id,
            site_id,
            queue_id,
            day,
            seq,
            f"{prefix}{seq:03d}",
            priority,
            None,
            "kiosk",
            None,
            state,
            issued,
            None if state == "cancelled" else called,
            serving if state == "done" else None,
            finished if state != "cancelled" else issued + timedelta(minutes=5),
            None if state == "cancelled" else window_id,
            0,
            "printed",
            None,
        )
        events: list[tuple[str, datetime, uuid.UUID | None]] = [("issued", issued, None)]
        if state == "cancelled":
            events.append(("cancelled", issued + timedelta(minutes=5), None))
        elif state == "no_show":
            events += [("called", called, window_id), ("no_show", finished, window_id)]
        else:
            events += [
                ("called", called, window_id),
                ("serving", serving, window_id),
                ("done", finished, window_id),
            ]
        for kind_, at, window in events:
            rows.add(
                "ticket_events",
                uuid.uuid4(),
                ticket_id,
                kind_,
                at,
                window,
                clerk if window else None,
                {},
            )
            rows.add("changes", "ticket", str(ticket_id), kind_, site_id, at)
    for queue_id, last in counts.items():
        if last:
            rows.add("ticket_counters", site_id, day, queue_id, last)


def _extras_day(rows: Rows, rng: random.Random, org: Org, site_id: uuid.UUID, day: date) -> None:
    """A district day's priority requests (purged of personal data) and a tour."""
    for _ in range(8):
        at = _local(day, rng.uniform(0, ISSUE_SPAN_MIN))
        request_id = uuid.uuid4()
        rows.add(
            "priority_requests",
            request_id,
            site_id,
            f"H{rng.getrandbits(40):010X}"[:12],
            "assist",
            "elderly",
            "done",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            at + timedelta(minutes=2),
            org.staff[0],
            org.staff[0],
            at + timedelta(minutes=30),
            None,
            at + timedelta(days=180),
            at,
        )
        rows.add("changes", "priority", str(request_id), "done", site_id, at)
    if org.routes and rng.random() < 0.6:
        start = _local(day, 90)
        tour_id = uuid.uuid4()
        rows.add(
            "tours",
            tour_id,
            site_id,
            "参观团",
            "某单位",
            None,
            None,
            20,
            "一般",
            "",
            org.routes[0],
            start,
            start + timedelta(hours=1),
            False,
            "completed",
            "",
            None,
            None,
            org.staff[0],
            start,
            start,
            start + timedelta(hours=1),
            18,
            "",
            "",
            5,
            start,
        )
        rows.add("changes", "tour", str(tour_id), "completed", site_id, start)


def generate(org: Org, days: list[date], seed: int) -> Iterator[Rows]:
    """Rows a few days at a time (bounded memory), oldest first."""
    rng = random.Random(seed)
    district = [s for s in org.sites if s[2] == "district"]
    batch = Rows()
    for index, day in enumerate(days):
        for site in org.sites:
            _ticket_day(batch, rng, org, site, day)
        for site in district:
            _extras_day(batch, rng, org, site[0], day)
        if index % 5 == 4:
            yield batch
            batch = Rows()
    yield batch


# -- writers ---------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    # As SQLAlchemy stores them on SQLite: UUID as 32 hex digits, instants as naive UTC text.
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def write_sqlite(path: str, batches: Iterator[Rows]) -> int:
    """Insert every batch into the SQLite file; returns the rows written."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    written = 0
    for batch in batches:
        with conn:
            for table, rows in batch.tables.items():
                if not rows:
                    continue
                columns = Rows.COLUMNS[table]
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})"
                )
                conn.executemany(sql, ([_sqlite_value(v) for v in row] for row in rows))
                written += len(rows)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return written


def _pg_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def write_postgres(dsn: str, batches: Iterator[Rows]) -> int:
    """COPY every batch into the PostgreSQL database; returns the rows written."""
    import psycopg

    written = 0
    with psycopg.connect(dsn) as conn:
        for batch in batches:
            with conn.cursor() as cur:
                for table, rows in batch.tables.items():
                    if not rows:
                        continue
                    columns = ", ".join(Rows.COLUMNS[table])
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row([_pg_value(v) for v in row])
                    written += len(rows)
            conn.commit()
        conn.execute("ANALYZE")
    return written
