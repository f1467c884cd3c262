"""Personal data: purged after the retention period, gone from the database files, never
logged (issue #5, items 4 and 5)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from shared.db import create_session_factory, engine_of
from shared.errors import ValidationError
from shared.models import AuditEntry, PriorityNote, PriorityRequest, ServiceMatter
from shared.services import priority
from shared.services.privacy import PURGED_NOTE, purge, purge_personal_data
from tests.support.pgserver import PostgresServer

OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
# Recognisable values: their bytes must be gone from the files after the purge.
OLD = {"name": "欧阳娜娜", "phone": "15611112222", "address": "华容区庙岭镇幸福村七组88号"}
NOTE = "已电话联系 15611112222，住幸福村七组"
# A request closed recently: the purge must keep it (and finding it shows the file read works).
RECENT = {"name": "李四", "phone": "18733334444", "address": "华容区段店镇光明路9号"}


def _matter(session: Session) -> str:
    code = session.scalar(select(ServiceMatter.code).order_by(ServiceMatter.code).limit(1))
    assert code is not None
    return code


def _closed_home_visit(
    factory: sessionmaker[Session], fields: dict[str, str], closed: datetime, note: str
) -> priority.RequestView:
    with factory.begin() as session:
        view = priority.create_request(
            session,
            site="huarong",
            kind="home_visit",
            visitor="elderly",
            matter=_matter(session),
            preferred="2026-11-27 am",
            now=OPEN,
            **fields,
        )
        priority.accept(session, view.id, "assistant1", now=closed)
        priority.add_note(session, view.id, "assistant1", note, now=closed)
        return priority.finish(session, view.id, "assistant1", now=closed)


def _populate(factory: sessionmaker[Session]) -> tuple[priority.RequestView, ...]:
    old = _closed_home_visit(factory, OLD, OPEN, NOTE)
    recent = _closed_home_visit(factory, RECENT, OPEN + timedelta(days=100), "上门已办结")
    with factory.begin() as session:
        open_one = priority.create_request(
            session,
            site="huarong",
            kind="assistance",
            visitor="pregnant",
            terminal="kiosk-01",
            phone="13055556666",
            now=OPEN,
        )
    return old, recent, open_one


def _file_bytes(url: str) -> bytes:
    path = Path(str(make_url(url).database))
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def _needles(fields: dict[str, str], note: str) -> list[bytes]:
    return [
        fields["phone"].encode(),
        fields["name"].encode(),
        fields["address"].encode(),
        note.encode(),
    ]


def test_purge_erases_old_personal_fields_and_keeps_the_figures(
    seeded_factory: sessionmaker[Session],
) -> None:
    old, recent, open_one = _populate(seeded_factory)
    later = OPEN + timedelta(days=200)
    with seeded_factory.begin() as session:
        result = purge(session, now=later)  # default: 180 days
    assert (result.requests, result.notes, result.older_than_days) == (1, 1, 180)
    with seeded_factory() as session:
        row = session.get_one(PriorityRequest, old.id)
        assert (row.name, row.phone, row.address) == (None, None, None)
        assert row.purged_at == later
        assert (row.kind, row.visitor, row.state, row.finished_at) == (
            "home_visit",
            "elderly",
            "done",
            OPEN,
        )
        assert row.matter_id is not None and row.preferred_date is not None
        notes = session.scalars(select(PriorityNote.text).where(PriorityNote.request_id == old.id))
        assert list(notes) == [PURGED_NOTE]
        assert session.get_one(PriorityRequest, recent.id).phone == RECENT["phone"]
        assert session.get_one(PriorityRequest, open_one.id).phone == "13055556666"
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purged"))
        assert entry.detail == {"requests": 1, "notes": 1, "ratings": 0, "older_than_days": 180}
        view = priority.get_request(session, old.id)
    assert view.purged_at == later and not view.has_contact and view.masked_phone == ""
    # A second run finds nothing more; a shorter period reaches the recent one.
    with seeded_factory.begin() as session:
        assert purge(session, now=later).requests == 0
        assert purge(session, older_than_days=50, now=later).requests == 1
        with pytest.raises(ValidationError):
            purge(session, older_than_days=-1)
    with seeded_factory.begin() as session, pytest.raises(Exception) as caught:
        priority.reveal_contact(session, old.id, "assistant1")
    assert getattr(caught.value, "message_zh", "") == "该请求的个人信息已按规定清除。"


def test_purged_data_is_gone_from_the_sqlite_files(seeded_sqlite_url: str) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    try:
        _populate(factory)
        before = _file_bytes(seeded_sqlite_url)
        for needle in _needles(OLD, NOTE) + _needles(RECENT, "上门已办结"):
            assert needle in before, needle  # the check below would otherwise prove nothing
        result = purge_personal_data(factory, now=OPEN + timedelta(days=200))
        assert (result.requests, result.notes, result.scrubbed) == (1, 1, True)
        after = _file_bytes(seeded_sqlite_url)
        for needle in _needles(OLD, NOTE):
            assert needle not in after, needle
        for needle in _needles(RECENT, "上门已办结"):
            assert needle in after, needle
        wal = Path(f"{make_url(seeded_sqlite_url).database}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        engine_of(factory).dispose()


@pytest.mark.postgres
def test_purged_data_is_gone_from_the_postgres_table_files(
    seeded_pg_url: str, pg_server: PostgresServer
) -> None:
    factory = create_session_factory(seeded_pg_url)
    engine = engine_of(factory)
    try:
        _populate(factory)
        result = purge_personal_data(factory, now=OPEN + timedelta(days=200))
        assert (result.requests, result.notes, result.scrubbed) == (1, 1, True)
        with engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
            files = [
                pg_server.data / str(conn.scalar(text(f"SELECT pg_relation_filepath('{t}')")))
                for t in ("priority_requests", "priority_notes")
            ]
            phones = conn.scalars(text("SELECT phone FROM priority_requests ORDER BY phone"))
            assert list(phones) == ["13055556666", RECENT["phone"], None]
        on_disk = b"".join(f.read_bytes() for f in files)
        for needle in _needles(OLD, NOTE):
            assert needle not in on_disk, needle
        for needle in _needles(RECENT, "上门已办结"):
            assert needle in on_disk, needle
    finally:
        engine.dispose()


def test_the_whole_flow_logs_no_personal_data(
    seeded_sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # As if someone switched on SQL logging to chase a problem: statements are logged, their
    # parameters (the personal data) are not (create_hall_engine sets hide_parameters).
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    factory = create_session_factory(seeded_sqlite_url)
    try:
        old, _recent, _open = _populate(factory)
        with factory() as session:
            listed = priority.list_requests(session, site="huarong", now=OPEN)
        assert old.id in {v.id for v in listed}
        with factory.begin() as session:
            contact = priority.reveal_contact(session, old.id, "manager")
            logging.getLogger("tests.privacy").info("revealed %r", contact)
        with factory.begin() as session, pytest.raises(ValidationError):
            priority.create_request(
                session, site="huarong", kind="home_visit", visitor="elderly", **OLD
            )
        purge_personal_data(factory, now=OPEN + timedelta(days=200))
    finally:
        engine_of(factory).dispose()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "UPDATE priority_requests" in logged  # SQL logging really was on
    assert "hide_parameters" in logged
    assert f"priority request {old.reference} created" in logged
    for fields in (OLD, RECENT):
        for value in fields.values():
            assert value not in logged, value
    assert "13055556666" not in logged and "幸福村" not in logged
