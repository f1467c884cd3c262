"""The live panel's wording without rows: generic sentences, categories, times, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import ChangeRecord, record_change
from shared.services.activity import (
    CATEGORIES,
    CATEGORY_KINDS,
    category_of,
    describe_change,
    describe_changes,
    format_change_time,
    recent_changes,
    recent_changes_of,
)


def _record(kind: str, action: str, revision: int = 1) -> ChangeRecord:
    return ChangeRecord(
        revision=revision,
        kind=kind,
        entity_id="x",
        action=action,
        site_id=None,
        at=datetime(2025, 11, 26, 2, 5, 9, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("kind", "action", "text"),
    [
        ("ticket", "created", "新号票已发出"),
        ("ticket", "called", "号票已呼叫"),
        ("ticket", "no_show", "号票已标记为过号"),
        ("priority_request", "created", "收到新的优先服务请求"),
        ("priority_request", "accepted", "优先服务请求已受理"),
        ("tour", "updated", "参观接待预约已更新"),
        ("staff", "created", "新增一个工作人员账号"),
        ("staff", "updated", "工作人员账号已更新"),
        ("setting", "updated", "系统设置已更新"),
        ("catalog", "reloaded", "事项目录已重新载入"),
        ("organisation", "deleted", "组织机构已删除"),
    ],
)
def test_known_changes_read_as_sentences(kind: str, action: str, text: str) -> None:
    assert describe_change(_record(kind, action)) == text


def test_unknown_kinds_and_actions_get_a_generic_sentence() -> None:
    assert describe_change(_record("gizmo", "updated")) == "其他数据已更新"
    assert describe_change(_record("ticket", "teleported")) == "号票有变动"
    assert describe_change(_record("gizmo", "teleported")) == "其他数据有变动"


def test_times_are_hall_local() -> None:
    at = datetime(2025, 11, 26, 2, 5, 9, tzinfo=UTC)  # 10:05:09 in Shanghai
    assert format_change_time(at, now=datetime(2025, 11, 26, 8, 0, tzinfo=UTC)) == "10:05:09"
    assert format_change_time(at, now=datetime(2025, 11, 27, 8, 0, tzinfo=UTC)) == "11-26 10:05:09"


def test_records_without_rows_still_read_as_sentences(factory: sessionmaker[Session]) -> None:
    # Ids that name no row (or no uuid at all) fall back to the generic sentence.
    records = [_record("ticket", "created", 42), _record("gizmo", "zapped", 43)]
    with factory() as session:
        entries = describe_changes(session, records)
    assert [(e.revision, e.description, e.category) for e in entries] == [
        (43, "其他数据有变动", "other"),
        (42, "新号票已发出", "tickets"),
    ]
    now = datetime(2025, 11, 26, tzinfo=UTC)
    assert (entries[1].time_text(now), entries[1].category_label) == ("10:05:09", "号票")


@pytest.mark.parametrize(
    ("kind", "action", "category"),
    [
        ("ticket", "issued", "tickets"),
        ("ticket", "print_failed", "tickets"),
        ("ticket", "transferred", "tickets"),
        ("ticket", "called", "calling"),
        ("ticket", "no_show", "calling"),
        ("window", "paused", "windows"),
        ("priority_request", "accepted", "priority"),
        ("tour", "arrived", "tours"),
        ("setting", "updated", "admin"),
        ("kiosk_pin", "wrong", "admin"),
        ("calendar", "deleted", "admin"),
        ("resync", "resync", "other"),
        ("gizmo", "updated", "other"),
    ],
)
def test_every_change_has_a_category(kind: str, action: str, category: str) -> None:
    assert category_of(kind, action) == category
    assert category in {c.key for c in CATEGORIES}


def test_every_kind_the_services_write_has_a_category_and_a_name() -> None:
    # The kinds passed to record_change/insert_change in shared/services (grep record_change().
    written = {
        "ticket", "priority_request", "tour", "window", "staff", "setting", "organisation",
        "calendar", "catalog", "terminal", "kiosk_pin",
    }  # fmt: skip
    for kind in written:
        assert category_of(kind, "updated") != "other", kind
        assert describe_change(_record(kind, "updated")) != "其他数据已更新", kind
    assert set(CATEGORY_KINDS) | {"other"} == {c.key for c in CATEGORIES}


def test_recent_changes_are_the_last_ones_oldest_first(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        assert recent_changes(session) == []
        for n in range(8):
            record_change(session, "ticket", f"t{n}", "created")
    with factory() as session:
        assert [c.entity_id for c in recent_changes(session, limit=3)] == ["t5", "t6", "t7"]
        assert len(recent_changes(session)) == 8
        assert recent_changes(session, limit=0) == []


def test_a_quiet_category_keeps_its_history_under_a_busy_one(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        record_change(session, "tour", "t-old", "arrived")
        record_change(session, "gizmo", "g", "zapped")
        for n in range(30):
            record_change(session, "ticket", f"t{n}", "issued")
            record_change(session, "ticket", f"t{n}", "called")
    with factory() as session:
        assert [c.entity_id for c in recent_changes_of(session, "tours")] == ["t-old"]
        assert [c.entity_id for c in recent_changes_of(session, "other")] == ["g"]
        called = recent_changes_of(session, "calling", limit=3)
        assert [(c.entity_id, c.action) for c in called] == [
            ("t27", "called"),
            ("t28", "called"),
            ("t29", "called"),
        ]
        issued = recent_changes_of(session, "tickets", limit=2)
        assert {c.action for c in issued} == {"issued"}
        assert recent_changes_of(session, "nonsense") == []
