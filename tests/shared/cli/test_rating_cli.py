"""``hall rating list`` and ``hall rating cases``: filters, masked contacts, overdue (#13)."""

from __future__ import annotations

import json
from datetime import timedelta

from shared.clock import business_date, utcnow
from shared.db import create_session_factory, engine_of
from shared.services import ratings
from tests.shared.cli.test_cli import hall

PHONE = "15899990000"


def test_rating_list_and_cases_from_a_shell(seeded_sqlite_url: str) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    now = utcnow()
    with factory.begin() as session:
        ratings.rate(session, site_code="huarong", level=5, channel="kiosk", now=now)
        bad = ratings.rate(
            session,
            site_code="huarong",
            level=1,
            channel="kiosk",
            reasons=["等候太久"],
            phone=PHONE,
            note="等了两个小时",
            now=now,
        )
        # A bad rating given long ago, its case now overdue.
        ratings.rate(
            session, site_code="huarong", level=2, channel="console", now=now - timedelta(days=60)
        )
    engine_of(factory).dispose()

    listed = hall("--db", seeded_sqlite_url, "rating", "list", "--site", "huarong", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [r["level_name"] for r in data["ratings"]] == ["非常满意", "非常不满意"]
    worst = data["ratings"][1]
    assert worst["phone"] == "158****0000" and worst["reasons"] == ["等候太久"]
    assert worst["case_state"] == "open"
    assert PHONE not in listed.stdout and "两个小时" not in listed.stdout
    only_bad = json.loads(
        hall(
            "--db",
            seeded_sqlite_url,
            "rating",
            "list",
            "--site",
            "huarong",
            "--level",
            "1",
            "--level",
            "2",
            "--from",
            str(business_date(now) - timedelta(days=90)),
            "--json",
        ).stdout
    )
    assert sorted(r["level"] for r in only_bad["ratings"]) == [1, 2]

    cases = hall("--db", seeded_sqlite_url, "rating", "cases", "--site", "huarong")
    assert cases.returncode == 0, cases.stderr
    lines = cases.stdout.splitlines()
    assert len(lines) == 2 and "OVERDUE" in lines[0] and str(bad.case_id) in lines[1]
    overdue = json.loads(
        hall(
            "--db", seeded_sqlite_url, "rating", "cases", "--site", "huarong", "--overdue", "--json"
        ).stdout
    )
    assert overdue["count"] == 1 and overdue["cases"][0]["level"] == 2

    wrong = hall(
        "--db",
        seeded_sqlite_url,
        "rating",
        "list",
        "--site",
        "huarong",
        "--from",
        "2026-12-31",
        "--to",
        "2026-01-01",
    )
    assert wrong.returncode != 0 and "is after" in wrong.stderr and "Traceback" not in wrong.stderr
