"""Migration 0004 (issue #11) on both backends: a hall's existing catalog is converted to the
published-guide shape, keeping what was stored and inventing nothing, without losing a
matter's sites or breaking the tickets that point at it; and it goes back down."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from shared.db import create_hall_engine, upgrade
from tests.support.pgserver import PostgresServer

OLD_MATERIALS = [
    {"name": "居民户口簿", "original": 1, "copy": 1},
    {"name": "近期免冠照片", "original": 2, "copy": 0},
    {"name": "申请表", "original": 0, "copy": 3},
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database migrated to 0003 (before issue #11), on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"m4_{uuid.uuid4().hex[:12]}"
        server.admin_execute(f"CREATE DATABASE {name}")
        url = server.url(name)
    engine = create_hall_engine(url)
    upgrade(engine, "0003")
    yield engine
    engine.dispose()


def _insert(conn: sa.Connection, table: str, **values: Any) -> uuid.UUID:
    """Insert a row, filling every other required column with a plain value of its type."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row: dict[str, Any] = {}
    for column in reflected.columns:
        if column.name in values:
            row[column.name] = values[column.name]
        elif not column.nullable and column.server_default is None:
            kind = column.type
            if column.name == "id" or isinstance(kind, sa.Uuid):
                row[column.name] = uuid.uuid4()
            elif isinstance(kind, sa.DateTime):
                row[column.name] = datetime(2025, 1, 1, tzinfo=UTC)
            elif isinstance(kind, sa.Date):
                row[column.name] = date(2025, 1, 1)
            elif isinstance(kind, sa.Boolean):
                row[column.name] = True
            elif isinstance(kind, sa.Integer):
                row[column.name] = 1
            elif isinstance(kind, sa.JSON):
                row[column.name] = {}
            else:
                row[column.name] = "x"
    key = row.get("id")
    if conn.dialect.name == "sqlite":  # reflected as CHAR(32): the hex the Uuid type stores
        row = {k: v.hex if isinstance(v, uuid.UUID) else v for k, v in row.items()}
    conn.execute(reflected.insert().values(row))
    return key or uuid.uuid4()


def _old_hall(engine: Engine) -> dict[str, uuid.UUID]:
    with engine.begin() as conn:
        site = _insert(conn, "sites", code="s1", name="中心", kind="district")
        department = _insert(conn, "departments", code="gaj", name="区公安分局")
        queue = _insert(conn, "queues", site_id=site, prefix="D", name="户政")
        matter = _insert(
            conn,
            "service_matters",
            code="M1",
            name="居民身份证换领",
            department_id=department,
            matter_type="行政确认",
            audience="个人",
            queue_prefix="D",
            location="",
            conditions="本区户籍",
            materials=OLD_MATERIALS,
            steps=["受理", "办结"],
            legal_limit_days=20,
            promised_limit_days=0,
            fee="不收费",
            visits=1,
            phone="",
            online_url="https://zwfw.hubei.gov.cn/g/1",
            life_events=["出生"],
            active=True,
        )
        bare = _insert(
            conn,
            "service_matters",
            code="M2",
            name="空事项",
            department_id=department,
            matter_type="公共服务",
            audience="",
            queue_prefix="D",
            location="D区 窗口",
            conditions="",
            materials=[],
            steps=[],
            legal_limit_days=15,
            promised_limit_days=10,
            fee="",
            visits=2,
            phone="0711-1",
            online_url="",
            life_events=[],
            active=True,
        )
        for matter_id in (matter, bare):
            _insert(conn, "matter_sites", matter_id=matter_id, site_id=site)
        ticket = _insert(
            conn,
            "tickets",
            site_id=site,
            queue_id=queue,
            matter_id=matter,
            number="D001",
            state="issued",
            transferred_from_id=None,
            window_id=None,
        )
    return {"site": site, "matter": matter, "bare": bare, "ticket": ticket}


def _rows(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        table = sa.Table("service_matters", sa.MetaData(), autoload_with=conn)
        rows = conn.execute(sa.select(table)).mappings().all()
    out = {}
    for row in rows:
        values = dict(row)
        for key in ("materials", "online", "steps"):
            if isinstance(values.get(key), str):
                values[key] = json.loads(values[key])
        out[values["code"]] = values
    return out


def test_old_rows_convert_keeping_what_was_stored(engine_at_0003: Engine) -> None:
    ids = _old_hall(engine_at_0003)
    upgrade(engine_at_0003)
    rows = _rows(engine_at_0003)
    m1, m2 = rows["M1"], rows["M2"]
    assert m1["materials"] == [
        {
            "title": None,
            "rule": "all",
            "items": [
                {
                    "name": "居民户口簿",
                    "quantity": "原件1份，复印件1份",
                    "count": None,
                    "form": None,
                    "required": None,
                    "note": None,
                    "blank_form": None,
                },
                {
                    "name": "近期免冠照片",
                    "quantity": "原件2份",
                    "count": 2,
                    "form": None,
                    "required": None,
                    "note": None,
                    "blank_form": None,
                },
                {
                    "name": "申请表",
                    "quantity": "复印件3份",
                    "count": 3,
                    "form": None,
                    "required": None,
                    "note": None,
                    "blank_form": None,
                },
            ],
        }
    ]
    assert (m1["legal_limit_text"], m1["legal_limit_days"]) == ("20个工作日", 20)
    assert (m1["promised_limit_text"], m1["promised_limit_days"]) == ("即办", 0)
    assert bool(m1["instant"]) is True
    # The old defaults are kept as they were stored, not dropped and not re-invented.
    assert (m1["fee"], m1["visits_text"], m1["visits"]) == ("不收费", "1次", 1)
    assert m1["online"] == [{"name": "网上办理", "url": "https://zwfw.hubei.gov.cn/g/1"}]
    assert m1["audience_text"] == "个人" and m1["audience"] == "个人"
    # Empty text is "not published" now.
    assert (m1["location"], m1["phone"], m1["hours"], m1["basis"]) == (None, None, None, None)
    assert (m2["fee"], m2["conditions"], m2["materials"], m2["online"]) == (None, None, [], [])
    assert (m2["location"], m2["phone"], m2["visits_text"]) == ("D区 窗口", "0711-1", "2次")
    assert bool(m2["instant"]) is False and not m2["code_derived"]
    assert "online_url" not in m1
    with engine_at_0003.connect() as conn:
        sites = conn.execute(sa.text("SELECT count(*) FROM matter_sites")).scalar()
        ticket_matter = conn.execute(
            sa.text("SELECT matter_id FROM tickets WHERE number = 'D001'")
        ).scalar()
    assert sites == 2  # no cascade from replacing columns
    assert uuid.UUID(str(ticket_matter)) == ids["matter"]


def test_it_goes_back_down(engine_at_0003: Engine) -> None:
    _old_hall(engine_at_0003)
    upgrade(engine_at_0003)
    from alembic import command

    from shared.db import _alembic_config

    command.downgrade(_alembic_config(engine_at_0003), "0003")
    rows = _rows(engine_at_0003)
    assert rows["M1"]["materials"] == OLD_MATERIALS
    assert rows["M1"]["online_url"] == "https://zwfw.hubei.gov.cn/g/1"
    assert (rows["M2"]["fee"], rows["M2"]["location"]) == ("", "D区 窗口")
    upgrade(engine_at_0003)  # and up again
    assert _rows(engine_at_0003)["M1"]["visits_text"] == "1次"
