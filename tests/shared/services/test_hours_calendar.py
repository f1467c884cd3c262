"""Hall hours across holidays and 调休 working days (issue #9, item 2).

The dates are the State Council's published 2026 arrangement (国务院办公厅关于2026年部分节假日
安排的通知, 2025-11-04, as reprinted by Xinhua): 春节 2月15日至23日放假调休，2月14日（周六）、
2月28日（周六）上班; 国庆节 10月1日至7日放假调休，9月20日（周日）、10月10日（周六）上班.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import HALL_TZ
from shared.errors import ValidationError
from shared.models import AuditEntry, Change, Site
from shared.services import holidays
from shared.services.hours import hall_state, sessions_between
from shared.services.org import save_site
from shared.services.settings import change_setting

SPRING = [date(2026, 2, d) for d in range(15, 24)]
NATIONAL_DAY = [date(2026, 10, d) for d in range(1, 8)]
WORKDAYS = [date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)]


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HALL_TZ)  # type: ignore[misc]


@pytest.fixture
def hall(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """A one-site hall with the 2026 national holidays loaded hall-wide."""
    with factory.begin() as session:
        save_site(session, code="east", name="东城区政务服务中心", kind="district")
        for day in SPRING:
            holidays.set_day(session, day=day, kind="休息", name="春节")
        for day in NATIONAL_DAY:
            holidays.set_day(session, day=day, kind="holiday", name="国庆节")
        for day in WORKDAYS:
            holidays.set_day(session, day=day, kind="调休上班", name="调休")
    return factory


def _state(factory: sessionmaker[Session], instant: datetime) -> tuple[bool, datetime | None]:
    with factory.begin() as session:
        site = session.scalars(select(Site)).one()
        state = hall_state(session, site, instant)
        return state.is_open, state.next_opening


def test_next_opening_skips_the_national_day_week(hall: sessionmaker[Session]) -> None:
    assert _state(hall, _local(2026, 9, 30, 18, 0)) == (False, _local(2026, 10, 8, 8, 30))
    # On the holiday itself, at what would be opening time, the hall stays shut.
    is_open, _ = _state(hall, _local(2026, 10, 5, 9, 0))
    assert not is_open


def test_a_tiaoxiu_weekend_day_opens_with_working_day_hours(hall: sessionmaker[Session]) -> None:
    # Saturday 19 September evening: Sunday the 20th is a 调休 working day.
    assert _state(hall, _local(2026, 9, 19, 18, 0)) == (False, _local(2026, 9, 20, 8, 30))
    assert _state(hall, _local(2026, 10, 10, 9, 0))[0] is True
    assert _state(hall, _local(2026, 10, 10, 13, 0)) == (False, _local(2026, 10, 10, 14, 30))


def test_spring_festival_from_the_working_saturday(hall: sessionmaker[Session]) -> None:
    assert _state(hall, _local(2026, 2, 13, 18, 0)) == (False, _local(2026, 2, 14, 8, 30))
    assert _state(hall, _local(2026, 2, 14, 18, 0)) == (False, _local(2026, 2, 24, 8, 30))


def test_a_site_entry_wins_over_the_hall_wide_one(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        save_site(session, code="west", name="西城便民服务中心", kind="乡镇")
        # The township opens on 2 October for extended service, 09:00-11:00 only.
        holidays.set_day(
            session,
            site="west",
            day=date(2026, 10, 2),
            kind="workday",
            name="国庆值班",
            sessions=[["09:00", "11:00"]],
        )
        west = session.scalars(select(Site).where(Site.code == "west")).one()
        days = sessions_between(session, west, date(2026, 10, 1), date(2026, 10, 3))
        state = hall_state(session, west, _local(2026, 10, 1, 12, 0))
    assert [len(days[d]) for d in sorted(days)] == [0, 1, 0]
    assert state.next_opening == _local(2026, 10, 2, 9, 0)
    assert state.holiday == "国庆节"
    assert _state_of(hall, "east", _local(2026, 10, 2, 9, 30)) is False


def _state_of(factory: sessionmaker[Session], code: str, instant: datetime) -> bool:
    with factory.begin() as session:
        site = session.scalars(select(Site).where(Site.code == code)).one()
        return hall_state(session, site, instant).is_open


def test_extended_hours_add_an_evening_session(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        holidays.set_day(
            session, day=date(2026, 12, 8), kind="延时服务", sessions=[["17:30", "19:00"]]
        )
    assert _state(hall, _local(2026, 12, 8, 18, 0))[0] is True
    assert _state(hall, _local(2026, 12, 9, 18, 0)) == (False, _local(2026, 12, 10, 8, 30))


def test_per_weekday_hours_change_the_next_opening(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        change_setting(
            session, "hall_hours", "周一至周五 08:30-12:00, 14:30-17:30; 周六 09:00-12:00"
        )
    # Friday 4 December 2026 evening: Saturday morning now opens at 09:00.
    assert _state(hall, _local(2026, 12, 4, 18, 0)) == (False, _local(2026, 12, 5, 9, 0))


@pytest.mark.parametrize(
    ("kind", "sessions", "reason"),
    [
        ("holiday", [["09:00", "10:00"]], "休息日不应填写时段"),
        ("extended", [], "延时服务日请填写延时时段"),
        ("workday", [["10:00", "09:00"]], "结束时间早于开始时间"),
        ("workday", [["09:00", "11:00"], ["10:00", "12:00"]], "重叠"),
        ("补班", [], "不是有效的类型"),
    ],
)
def test_bad_calendar_entries_are_refused_and_write_nothing(
    hall: sessionmaker[Session], kind: str, sessions: list[list[str]], reason: str
) -> None:
    with hall.begin() as session:
        before = (session.query(Change).count(), session.query(AuditEntry).count())
    with pytest.raises(ValidationError) as caught, hall.begin() as session:
        holidays.set_day(session, day=date(2026, 12, 9), kind=kind, sessions=sessions)
    assert reason in caught.value.message_zh
    with hall.begin() as session:
        assert (session.query(Change).count(), session.query(AuditEntry).count()) == before
        assert not holidays.list_days(session, first=date(2026, 12, 9), last=date(2026, 12, 9))


def test_calendar_changes_are_audited_and_published(hall: sessionmaker[Session]) -> None:
    with hall.begin() as session:
        holidays.remove_day(session, day=date(2026, 10, 10))
        entries = holidays.list_days(session, first=date(2026, 10, 1), last=date(2026, 10, 31))
        kinds = session.scalars(select(Change.kind).order_by(Change.revision.desc())).first()
        action = session.scalars(select(AuditEntry.action).order_by(AuditEntry.at.desc())).first()
    assert [e.day.day for e in entries] == list(range(1, 8))
    assert {e.kind_zh for e in entries} == {"节假日休息"}
    assert kinds == "calendar"
    assert action == "calendar.removed"
