"""``hall priority list`` shows masked data only; ``hall privacy purge`` prints counts (#5)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import to_local, utcnow
from shared.models import PriorityRequest, ServiceMatter, Staff
from shared.services import priority
from shared.services.settings import set_setting
from tests.shared.cli.test_cli import hall

PHONE, NAME, ADDRESS = "15899990000", "司马光", "华容区临江乡江边路1号"


def _add_requests(factory: sessionmaker[Session]) -> tuple[str, str]:
    with factory.begin() as session:
        # Every day a working day, so a home visit tomorrow is always valid.
        set_setting(
            session,
            "hall_hours",
            {"weekdays": [0, 1, 2, 3, 4, 5, 6], "sessions": [["00:00", "23:59"]]},
        )
    with factory.begin() as session:
        matter = session.scalar(select(ServiceMatter.code).limit(1))
        later = to_local(utcnow()).date() + timedelta(days=2)
        visit = priority.create_request(
            session,
            site="huarong",
            kind="home_visit",
            visitor="elderly",
            name=NAME,
            phone=PHONE,
            address=ADDRESS,
            matter=matter,
            preferred=f"{later.isoformat()} pm",
        )
        helping = priority.create_request(
            session, site="huarong", kind="assistance", visitor="disabled", terminal="kiosk-01"
        )
        priority.accept(session, helping.id, "assistant1")
        priority.finish(session, helping.id, "assistant1")
    return visit.reference, helping.reference


def test_list_shows_masked_data_only(seeded_sqlite_url: str) -> None:
    from shared.db import create_session_factory, engine_of

    factory = create_session_factory(seeded_sqlite_url)
    visit, helping = _add_requests(factory)
    engine_of(factory).dispose()

    result = hall("--db", seeded_sqlite_url, "priority", "list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 2
    by_ref = {r["reference"]: r for r in data["requests"]}
    assert by_ref[visit]["phone"] == "158****0000" and by_ref[visit]["name"] == "司**"
    assert by_ref[visit]["address"] == "华容区临江乡****"
    assert by_ref[helping]["location"] == "24小时自助服务区 1号机"
    for value in (PHONE, NAME, ADDRESS):
        assert value not in result.stdout

    only_new = json.loads(
        hall("--db", seeded_sqlite_url, "priority", "list", "--state", "new", "--json").stdout
    )
    assert [r["reference"] for r in only_new["requests"]] == [visit]
    visits = json.loads(
        hall("priority", "list", "--kind", "assistance", "--db", seeded_sqlite_url, "--json").stdout
    )
    assert [r["state"] for r in visits["requests"]] == ["done"]
    text = hall("--db", seeded_sqlite_url, "priority", "list")
    assert visit in text.stdout and PHONE not in text.stdout
    bad = hall("--db", seeded_sqlite_url, "priority", "list", "--state", "open")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_purge_prints_counts(seeded_sqlite_url: str) -> None:
    from shared.db import create_session_factory, engine_of

    factory = create_session_factory(seeded_sqlite_url)
    _add_requests(factory)
    result = hall("--db", seeded_sqlite_url, "privacy", "purge", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["requests"] == 0  # closed today: kept for 180 days
    result = hall("--db", seeded_sqlite_url, "privacy", "purge", "--older-than-days", "0", "--json")
    report = json.loads(result.stdout)
    assert (report["requests"], report["notes"], report["older_than_days"]) == (1, 0, 0)
    assert report["scrubbed"] is True
    with factory() as session:
        rows = session.scalars(
            select(PriorityRequest).where(PriorityRequest.purged_at.is_not(None))
        )
        assert [r.kind for r in rows] == ["assistance"]
        assert session.scalar(select(Staff.id).limit(1)) is not None
    engine_of(factory).dispose()
    bad = hall("--db", seeded_sqlite_url, "privacy", "purge", "--older-than-days", "-3")
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")
