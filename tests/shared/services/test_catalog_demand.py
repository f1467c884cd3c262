"""How often matters are asked for (issue #11 item 4): a kiosk guide view is one indexed
upsert; demand reads tickets and views through index ranges, never a scan of history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import NotFound
from shared.models import GuideViewCount, ServiceMatter, Site
from shared.services.catalog_demand import DemandTally, read_demand, record_guide_view
from shared.services.settings import set_setting, site_by_code
from shared.services.tickets import issue_ticket

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in the hall


def matter_id(session: Session, code: str) -> Any:
    return session.scalars(select(ServiceMatter.id).where(ServiceMatter.code == code)).one()


def test_a_view_is_counted_per_day_site_and_matter(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        for _ in range(3):
            record_guide_view(session, "huarong", "420703000003", NOW)
        record_guide_view(session, "wuhan-new-city", "420703000003", NOW)
        record_guide_view(session, "huarong", "420703000003", NOW + timedelta(days=1))
    with seeded_factory() as session:
        rows = session.execute(
            select(GuideViewCount.day, GuideViewCount.views).order_by(
                GuideViewCount.day, GuideViewCount.views
            )
        ).all()
        assert [(d, v) for d, v in rows] == [
            (date(2026, 12, 7), 1),
            (date(2026, 12, 7), 3),
            (date(2026, 12, 8), 1),
        ]
        found = read_demand(session, date(2026, 12, 7), date(2026, 12, 8))
        assert found[date(2026, 12, 7)][matter_id(session, "420703000003")] == 4


def test_a_view_after_midnight_counts_on_the_sites_business_day(
    seeded_factory: sessionmaker[Session],
) -> None:
    """The 24-hour zone's day ends at the site's cut-over, not at midnight."""
    with seeded_factory.begin() as session:
        site = site_by_code(session, "huarong")
        set_setting(session, "business_day_cutover", "03:00", site.id)
    small_hours = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # 01:30 on the 8th in the hall
    with seeded_factory.begin() as session:
        record_guide_view(session, "huarong", "420703000003", small_hours)
        record_guide_view(session, "wuhan-new-city", "420703000003", small_hours)
    with seeded_factory() as session:
        days = dict(
            session.execute(
                select(Site.code, GuideViewCount.day).join(Site, Site.id == GuideViewCount.site_id)
            ).all()
        )
    assert days == {"huarong": date(2026, 12, 7), "wuhan-new-city": date(2026, 12, 8)}


def test_an_unknown_site_or_matter_is_refused(seeded_factory: sessionmaker[Session]) -> None:
    with pytest.raises(NotFound), seeded_factory.begin() as session:
        record_guide_view(session, "no-such-site", "420703000003", NOW)
    with pytest.raises(NotFound), seeded_factory.begin() as session:
        record_guide_view(session, "huarong", "no-such-matter", NOW)
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(GuideViewCount)) == 0


def test_demand_adds_tickets_and_views_over_the_window(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        for day, key in ((0, "a"), (-3, "b"), (-40, "c")):  # the last one is out of the window
            issue_ticket(
                session,
                site="huarong",
                queue="D",
                matter="420703000002",
                request_key=key,
                channel="desk",
                override_hours=True,
                now=NOW + timedelta(days=day),
            )
        record_guide_view(session, "huarong", "420703000002", NOW - timedelta(days=5))
        issue_ticket(
            session, site="huarong", queue="D", channel="desk", override_hours=True, now=NOW
        )  # no matter: not counted
    tally = DemandTally()
    with seeded_factory() as session:
        wanted = matter_id(session, "420703000002")
        assert tally.counts(session, NOW) == {wanted: 3}
    with seeded_factory.begin() as session:
        record_guide_view(session, "huarong", "420703000002", NOW - timedelta(days=5))
        record_guide_view(session, "huarong", "420703000002", NOW)
    with seeded_factory() as session:
        # Days that are over are kept from the first read; only the last two are read again.
        assert tally.counts(session, NOW) == {wanted: 4}
        assert DemandTally().counts(session, NOW) == {wanted: 5}


def _plans(engine: Any, run: Any) -> list[str]:
    """Every query plan line (EXPLAIN QUERY PLAN) of the statements ``run`` executes."""
    statements: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    lines = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            lines += [f"{row[-1]}  <- {statement.split()[0]}" for row in plan]
    return lines


def test_recording_and_reading_demand_use_indexes_only(
    sqlite_factory: sessionmaker[Session],
) -> None:
    engine = sqlite_factory.kw["bind"]
    with sqlite_factory.begin() as session:
        for day in range(30):  # some history, so the planner has something to skip
            record_guide_view(session, "huarong", "420703000003", NOW - timedelta(days=day))

    def record() -> None:
        with sqlite_factory.begin() as session:
            record_guide_view(session, "huarong", "420703000003", NOW)

    def read() -> None:
        with sqlite_factory() as session:
            DemandTally().counts(session, NOW)

    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    for run in (record, read):
        plans = _plans(engine, run)
        assert plans, run
        scans = [line for line in plans if line.startswith("SCAN")]
        # Reading the list of sites (a handful of rows) is the one scan allowed.
        assert all(line.startswith("SCAN sites") for line in scans), plans
        assert any("guide_view_counts" in line and "SEARCH" in line for line in plans) or (
            run is record
        ), plans
    plans = _plans(engine, read)
    assert any(line.startswith("SEARCH tickets USING") for line in plans), plans
    assert not any("tickets" in line and line.startswith("SCAN") for line in plans), plans
