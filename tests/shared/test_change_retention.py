"""Change-feed retention: old changes pruned in short batches, followers behind the floor
told to resync instead of missing changes silently (issue #10, item 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import (
    RESYNC,
    ChangeFollower,
    feed_floor,
    latest_revision,
    prune_changes,
    record_change,
    touches,
)
from shared.cli import main
from shared.models import Change
from shared.services.settings import change_setting

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def _fill(factory: sessionmaker[Session], old: int, recent: int) -> None:
    with factory.begin() as session:
        for n in range(old):
            record_change(session, "ticket", f"old{n}", now=NOW - timedelta(days=30, minutes=n))
        for n in range(recent):
            record_change(session, "ticket", f"new{n}", now=NOW - timedelta(days=1, minutes=n))


def _count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Change)) or 0)


def test_old_changes_go_in_short_batches_and_recent_ones_stay(
    factory: sessionmaker[Session],
) -> None:
    _fill(factory, old=7, recent=3)
    commits: list[int] = []
    engine = factory.kw["bind"]

    def counted(conn: object) -> None:
        commits.append(1)

    event.listen(engine, "commit", counted)
    try:
        pruned = prune_changes(factory, now=NOW, batch=3)
    finally:
        event.remove(engine, "commit", counted)
    assert pruned == 7
    assert _count(factory) == 3
    # 3 + 3 + 1: each batch its own short transaction, so writers get the lock in between.
    assert len(commits) == 3
    with factory() as session:
        assert feed_floor(session) == 7
        assert latest_revision(session) == 10


def test_the_newest_change_is_never_pruned(factory: sessionmaker[Session]) -> None:
    """An idle hall: everything is old. Revisions must still grow afterwards."""
    _fill(factory, old=4, recent=0)
    assert prune_changes(factory, now=NOW) == 3
    with factory.begin() as session:
        record_change(session, "ticket", "after")
    with factory() as session:
        assert latest_revision(session) == 5


def test_retention_is_a_setting(factory: sessionmaker[Session]) -> None:
    _fill(factory, old=2, recent=2)
    with factory.begin() as session:
        change_setting(session, "change_retention_days", "60")
    assert prune_changes(factory, now=NOW) == 0
    with factory.begin() as session:
        change_setting(session, "change_retention_days", "3")
    # The setting change itself is recent; the 2 old ones go.
    assert prune_changes(factory, now=NOW) == 2


def test_a_follower_behind_the_floor_gets_one_resync_then_carries_on(
    factory: sessionmaker[Session],
) -> None:
    _fill(factory, old=5, recent=1)
    behind = ChangeFollower(factory, after=2)
    current = ChangeFollower(factory)
    prune_changes(factory, now=NOW)
    first = behind.poll()
    assert [r.kind for r in first] == [RESYNC]
    assert touches(first, "ticket") and touches(first, "setting")
    assert current.poll() == []
    with factory.begin() as session:
        record_change(session, "window", "w1")
    assert [r.entity_id for r in behind.poll()] == ["w1"]
    assert [r.entity_id for r in current.poll()] == ["w1"]


def test_cli_prints_resync_for_a_pruned_revision(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.db import create_session_factory

    factory = create_session_factory(db_url)
    _fill(factory, old=3, recent=2)
    factory.kw["bind"].dispose()
    assert main(["--db", db_url, "changes", "--prune", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"pruned": 3}
    assert main(["--db", db_url, "changes", "--after", "0", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["kind"] == RESYNC
    assert [line["id"] for line in lines[1:]] == ["new0", "new1"]
