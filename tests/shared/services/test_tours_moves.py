"""Moving a tour (the planner's drag, issue #19): the booking rules apply, a refusal names
the reason, a manager's override needs a written reason and is audited; the planner's read
model (hours per day, loads per hour, free time). On both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import HALL_TZ
from shared.errors import Conflict, ValidationError
from shared.models import AuditEntry, Change, Site
from shared.services import holidays, tours
from shared.services.tours import TourRefused, TourView, book_tour
from shared.services.tours_moves import check_move, move_tour
from shared.services.tours_planner import free_minutes, hourly_loads, peak_of_day, plan_days
from shared.services.tours_views import list_tours

THURSDAY = dt.date(2026, 11, 26)
FRIDAY = dt.date(2026, 11, 27)
SATURDAY = dt.date(2026, 11, 28)


def book(session: Session, **overrides: Any) -> TourView:
    """Thursday 09:00-10:00, 10 visitors, the hall, docent1 (as in test_tours)."""
    values: dict[str, Any] = {
        "date": THURSDAY,
        "start": "09:00",
        "end": "10:00",
        "group": "省政务办调研组",
        "org": "湖北省政务服务办",
        "visitors": 10,
        "route": "hall",
        "docents": ["docent1"],
    }
    values.update(overrides)
    return book_tour(session, **values)


def audits(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def span(view: TourView) -> tuple[dt.date, str, str, tuple[str, ...]]:
    return (
        view.date,
        f"{view.local_start:%H:%M}",
        f"{view.local_end:%H:%M}",
        tuple(u for u, _n in view.docents),
    )


def test_a_move_keeps_the_length_records_a_change_and_an_audit_entry(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session, route="both", end="10:30", level="重要")
        tours.confirm(session, view.id)
    with seeded_factory.begin() as session:
        moved = move_tour(
            session,
            view.id,
            date=FRIDAY,
            start="14:30",
            docent_from="docent1",
            docent_to="docent2",
            actor="docent3",
        )
    assert span(moved) == (FRIDAY, "14:30", "16:00", ("docent2",))
    assert moved.state == "confirmed" and moved.level == "重要"
    # The route's venues follow the new start.
    assert [(v, f"{a.astimezone(HALL_TZ):%H:%M}") for v, _n, a, _b in moved.segments] == [
        ("hall", "14:30"),
        ("centre", "15:10"),
    ]
    with seeded_factory() as session:
        changes = session.scalars(select(Change).where(Change.kind == "tour")).all()
        assert [c.action for c in changes][-1] == "moved"
    [entry] = audits(seeded_factory, "tour.moved")
    assert entry.actor == "docent3" and entry.entity_id == str(view.id)
    assert entry.detail == {
        "from": {"date": "2026-11-26", "start": "09:00", "end": "10:30", "docents": ["docent1"]},
        "to": {"date": "2026-11-27", "start": "14:30", "end": "16:00", "docents": ["docent2"]},
    }
    assert audits(seeded_factory, "tour.override") == []


def test_a_move_is_checked_by_the_booking_rules_and_refused_with_the_reason(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        first = book(session, group="A组")
        mover = book(session, group="B组", start="14:30", end="15:30", docents=["docent2"])
    # Onto docent1's lane at 09:30: docent1 already leads A组 then.
    with seeded_factory() as session:
        conflicts = check_move(
            session,
            mover.id,
            date=THURSDAY,
            start="09:30",
            docent_from="docent2",
            docent_to="docent1",
        )
    assert [c.rule for c in conflicts] == ["docent"]
    assert conflicts[0].message_zh == "讲解员王丽在 09:00-10:00 已有接待“A组”"
    assert conflicts[0].tour_ids == (str(first.id),)
    with pytest.raises(TourRefused) as refused, seeded_factory.begin() as session:
        move_tour(
            session,
            mover.id,
            date=THURSDAY,
            start="09:30",
            docent_from="docent2",
            docent_to="docent1",
            actor="docent2",
        )
    assert refused.value.message_zh == (
        "讲解员王丽在 09:00-10:00 已有接待“A组”（经理可填写理由后强制调整）"
    )
    # Nothing moved; a tour never clashes with itself (a move within its own time is fine).
    with seeded_factory.begin() as session:
        [b] = [t for t in list_tours(session, date_from=THURSDAY) if t.group_name == "B组"]
        assert span(b) == (THURSDAY, "14:30", "15:30", ("docent2",))
        assert check_move(session, mover.id, date=THURSDAY, start="15:00") == []
    # The hours rule: a Saturday, or past closing time, needs 延时 or an override.
    with seeded_factory() as session:
        weekend = check_move(session, mover.id, date=SATURDAY, start="09:00")
        late = check_move(session, mover.id, date=THURSDAY, start="17:00")
    assert [c.rule for c in weekend] == ["hours"] and [c.rule for c in late] == ["hours"]
    assert "不在大厅开放时间内" in weekend[0].message_zh


def test_capacity_counts_the_moved_tour_once(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        book(session, group="大团", visitors=50, docents=["docent2"])
        small = book(session, group="小团", visitors=15, start="10:00", end="11:00")
    with seeded_factory() as session:
        clash = check_move(session, small.id, date=THURSDAY, start="09:00")
        # Its own old place never counts against it.
        assert check_move(session, small.id, date=THURSDAY, start="10:15") == []
    assert [c.rule for c in clash] == ["capacity"]
    assert "政务服务大厅在 09:00 将有 65 人，超过容量 60 人" in clash[0].message_zh


def test_a_manager_overrides_a_move_with_a_reason_and_it_is_audited(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        book(session, group="A组")
        mover = book(session, group="省领导调研", start="14:30", end="15:30", docents=["docent2"])
    for actor, reason, said in (
        ("docent2", "领导要求", "仅项目经理或管理员可强制调整"),
        ("manager", "  ", "经理可填写理由后强制调整"),
    ):
        with pytest.raises(TourRefused) as refused, seeded_factory.begin() as session:
            move_tour(
                session,
                mover.id,
                date=THURSDAY,
                start="09:30",
                docent_from="docent2",
                docent_to="docent1",
                override_reason=reason,
                actor=actor,
            )
        assert said in refused.value.message_zh
    assert audits(seeded_factory, "tour.override") == []
    with seeded_factory.begin() as session:
        moved = move_tour(
            session,
            mover.id,
            date=THURSDAY,
            start="09:30",
            docent_from="docent2",
            docent_to="docent1",
            override_reason="省领导行程提前，经中心主任同意",
            actor="manager",
        )
    assert span(moved) == (THURSDAY, "09:30", "10:30", ("docent1",))
    assert moved.override_reason == "省领导行程提前，经中心主任同意"
    assert moved.override_by == "manager"
    [entry] = audits(seeded_factory, "tour.override")
    assert entry.actor == "manager" and entry.entity_id == str(mover.id)
    assert entry.detail["action"] == "move" and entry.detail["rules"] == ["docent"]
    assert entry.detail["override_reason"] == "省领导行程提前，经中心主任同意"
    assert entry.detail["to"]["start"] == "09:30"
    assert len(audits(seeded_factory, "tour.moved")) == 1


def test_what_cannot_move(seeded_factory: sessionmaker[Session]) -> None:
    on_the_day = dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)  # 08:30 in the hall
    with seeded_factory.begin() as session:
        running = book(session, group="进行中")
        arrived = book(session, group="已签到", docents=["docent2"])
        tours.confirm(session, running.id)
        tours.start(session, running.id)
        tours.mark_arrived(session, arrived.id, now=on_the_day)
        both = book(
            session, group="两位讲解员", start="14:30", end="15:30", docents=["docent1", "docent3"]
        )
    with pytest.raises(Conflict, match="can no longer be moved"), seeded_factory() as session:
        check_move(session, running.id, date=THURSDAY, start="10:00")
    # A checked-in group keeps its day; its time and docent may still change.
    with pytest.raises(Conflict, match="checked in"), seeded_factory() as session:
        check_move(session, arrived.id, date=FRIDAY, start="09:00")
    with seeded_factory() as session:
        assert check_move(session, arrived.id, date=THURSDAY, start="10:00") == []
    with pytest.raises(ValidationError) as error, seeded_factory() as session:
        check_move(
            session,
            both.id,
            date=THURSDAY,
            start="14:30",
            docent_from="docent1",
            docent_to="docent3",
        )
    assert error.value.message_zh == "该讲解员已在这次接待中，请换一位讲解员。"
    with pytest.raises(ValidationError, match="not an active docent"), seeded_factory() as session:
        check_move(
            session,
            both.id,
            date=THURSDAY,
            start="14:30",
            docent_from="docent1",
            docent_to="guide1",
        )
    with pytest.raises(ValidationError, match="end on the day"), seeded_factory() as session:
        check_move(session, both.id, date=THURSDAY, start="23:30")


# -- the planner's read model -----------------------------------------------------------------


def test_planner_days_name_closed_days_and_extended_sessions(
    seeded_factory: sessionmaker[Session],
) -> None:
    monday = dt.date(2026, 12, 28)
    with seeded_factory.begin() as session:
        holidays.set_day(session, day=dt.date(2027, 1, 1), kind="holiday", name="元旦")
        holidays.set_day(session, day=monday, kind="extended", sessions=[["17:30", "19:00"]])
        holidays.set_day(session, day=dt.date(2027, 1, 2), kind="workday", name="调休")
        site = session.scalars(select(Site).where(Site.code == "huarong")).one()
        days = plan_days(session, site.id, monday, monday + dt.timedelta(days=6))
    by_day = {d.day.weekday(): d for d in days}
    t = dt.time
    assert by_day[0].sessions == ((t(8, 30), t(12)), (t(14, 30), t(17, 30)), (t(17, 30), t(19)))
    assert by_day[0].extended == ((t(17, 30), t(19)),) and by_day[0].note == "延时服务"
    assert by_day[1].note == "" and not by_day[1].closed and by_day[1].open_minutes() == 390
    assert by_day[4].closed and by_day[4].note == "元旦"
    assert not by_day[5].closed and by_day[5].note == "调休上班"
    assert by_day[6].closed and by_day[6].note == "休息"


def test_planner_loads_per_hour_peaks_and_free_time(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        book(session, group="甲", visitors=20, route="both", end="10:30")
        book(session, group="乙", visitors=30, start="09:30", end="10:30", docents=["docent2"])
        cancelled = book(
            session, group="丙", visitors=5, start="14:30", end="15:30", docents=["docent3"]
        )
        tours.cancel(session, cancelled.id)
        views = list_tours(session, date_from=THURSDAY)
        site = session.scalars(select(Site).where(Site.code == "huarong")).one()
        [plan] = plan_days(session, site.id, THURSDAY, THURSDAY)
    hall = hourly_loads(views, "hall", THURSDAY)
    centre = hourly_loads(views, "centre", THURSDAY)
    # 甲 is in the hall 09:00-09:40 and the centre 09:40-10:20; 乙 in the hall 09:30-10:15.
    assert (hall[9], hall[10], hall[11], hall[14]) == (50, 30, 0, 0)
    assert (centre[9], centre[10]) == (20, 20)
    assert peak_of_day(views, "hall", THURSDAY) == (50, "09:30")
    assert peak_of_day(views, "centre", THURSDAY) == (20, "09:40")
    # docent1 leads 甲 for 90 of the day's 390 staffed minutes; the cancelled tour frees docent3.
    assert free_minutes(plan, views, "docent1") == 300
    assert free_minutes(plan, views, "docent3") == 390
