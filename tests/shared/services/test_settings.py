"""Settings: declared keys, checked values, audited changes in the feed (issue #9, item 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import ValidationError
from shared.models import AuditEntry, Change, Setting
from shared.services.org import save_site
from shared.services.settings import (
    SPECS,
    change_setting,
    get_setting,
    list_settings,
    reset_setting,
    set_setting,
)


@pytest.fixture
def hall(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with factory.begin() as session:
        save_site(session, code="north", name="北区政务服务中心", kind="district")
        save_site(session, code="north-town", name="北镇便民服务中心", kind="township")
    return factory


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("priority_overdue_minutes", "five", "应为整数"),
        ("priority_overdue_minutes", "0", "应在 1 至 120 之间"),
        ("recall_grace_minutes", "true", "应为整数"),
        ("business_day_cutover", "25:00", "不是有效的时间"),
        ("business_day_cutover", "09:00", "00:00 至 06:00"),
        ("hall_hours", "周一至周五 12:00-08:30", "结束时间早于开始时间"),
        ("hall_hours", "周一至周五 08:30-12:00, 11:00-13:00", "重叠"),
        ("hall_hours", "周八 08:30-12:00", "不是有效的星期"),
        ("hall_hours", "周一 08:30-12:00; 周一 14:00-17:00", "重复"),
        ("reception_levels", "一般、一般", "等级重复"),
        ("kiosk_voice", "也许", "应为 是 或 否"),
        ("kiosk_voice_volume", "101", "应在 0 至 100 之间"),
        ("service_hotline", "打电话", "应为电话号码"),
        ("online_hall_url", "zwfw.hubei.gov.cn", "http:// 或 https://"),
        ("kiosk_pin_hash", "abc", "不能在此修改"),
        ("no_such_key", "1", "没有这个设置项"),
    ],
)
def test_bad_values_are_refused_with_the_reason_and_write_nothing(
    hall: sessionmaker[Session], key: str, text: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught, hall.begin() as session:
        change_setting(session, key, text, site="north")
    assert reason in caught.value.message_zh
    with hall.begin() as session:
        assert session.scalar(select(Setting.id).where(Setting.key == key)) is None
        assert session.scalar(select(Change.revision).where(Change.kind == "setting")) is None


def test_a_site_value_wins_and_reset_falls_back(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        change_setting(session, "recall_grace_minutes", "20")
        shown = change_setting(session, "recall_grace_minutes", " 30 ", site="north-town")
        assert (shown.value, shown.source, shown.text) == (30, "site", "30")
        town = {v.key: v for v in list_settings(session, "north-town")}
        hall_wide = {v.key: v for v in list_settings(session)}
        assert town["recall_grace_minutes"].value == 30
        assert hall_wide["recall_grace_minutes"].source == "hall"
        assert hall_wide["priority_overdue_minutes"].source == "default"
        after = reset_setting(session, "recall_grace_minutes", site="north-town")
        assert (after.value, after.source) == (20, "hall")
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == "recall_grace_minutes")
        ).all()
        assert sorted(actions) == ["setting.changed", "setting.changed", "setting.reset"]
        kinds = session.scalars(select(Change.kind).where(Change.kind == "setting")).all()
        assert len(kinds) == 3


def test_hours_round_trip_as_text(hall: sessionmaker[Session]) -> None:
    text = "周一至周五 08:30-12:00, 14:30-17:30; 周六 09:00-12:00"
    with hall.begin() as session:
        shown = change_setting(session, "hall_hours", text, site="north")
        assert shown.text == text
        stored = get_setting(session, "hall_hours", None)
        assert stored == SPECS["hall_hours"].default
        again = change_setting(session, "self_service_hours", "每天 00:00-24:00")
        assert again.text == "周一至周日 00:00-24:00"


def test_hall_wide_only_keys_cannot_be_set_per_site(hall: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationError, match="hall-wide"), hall.begin() as session:
        change_setting(session, "reception_levels", "一般、重要", site="north")


def test_code_writes_are_checked_too(hall: sessionmaker[Session]) -> None:
    """A string boolean or a wrong type written by code is refused like typed input."""
    with pytest.raises(ValidationError), hall.begin() as session:
        set_setting(session, "priority_overdue_minutes", "5")
    with pytest.raises(ValidationError), hall.begin() as session:
        set_setting(session, "hall_hours", {"weekdays": [0], "sessions": [["9:00"]]})


def test_secrets_are_never_listed(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        keys = {v.key for v in list_settings(session)}
    assert "installation_secret" not in keys and "kiosk_pin_hash" not in keys
    assert {"hall_hours", "self_service_hours", "business_day_cutover"} <= keys
