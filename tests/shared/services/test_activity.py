"""The live panel's wording: change-feed records described in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import ChangeRecord, record_change
from shared.services.activity import (
    activity_entry,
    describe_change,
    format_change_time,
    recent_changes,
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
        ("staff", "created", "新增工作人员账号"),
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


def test_activity_entry_is_ready_to_show() -> None:
    entry = activity_entry(_record("ticket", "created", 42), now=datetime(2025, 11, 26, tzinfo=UTC))
    assert (entry.revision, entry.time_text, entry.description) == (42, "10:05:09", "新号票已发出")


def test_recent_changes_are_the_last_ones_oldest_first(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        assert recent_changes(session) == []
        for n in range(8):
            record_change(session, "ticket", f"t{n}", "created")
    with factory() as session:
        assert [c.entity_id for c in recent_changes(session, limit=3)] == ["t5", "t6", "t7"]
        assert len(recent_changes(session)) == 8
        assert recent_changes(session, limit=0) == []
