"""Tour booking rules, their overrides, and a tour's states (issue #6), on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import AuditEntry, Change, Tour
from shared.services import tours
from shared.services.settings import set_setting
from shared.services.tours import TourRefused, TourView, book_tour
from shared.services.tours_rules import TourDraft, check_conflicts, free_docents

THURSDAY = dt.date(2026, 11, 26)
SATURDAY = dt.date(2026, 11, 28)
# 09:00 Shanghai on THURSDAY, as UTC.
NINE = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)


def book(session: Session, **overrides: Any) -> TourView:
    """A tour with sensible defaults: Thursday 09:00-10:00, 10 visitors, the hall, docent1."""
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


def refused(factory: sessionmaker[Session], **overrides: Any) -> TourRefused:
    with pytest.raises(TourRefused) as caught, factory.begin() as session:
        book(session, **overrides)
    return caught.value


def audits(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_booking_records_the_tour_a_change_and_an_audit_entry(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(
            session,
            route="both",
            end="10:30",
            level="重要",
            letter="鄂华政函〔2026〕12号",
            contact_name="刘主任",
            contact_phone="13800000000",
            actor="docent2",
        )
    assert view.state == "requested" and view.docents == (("docent1", "王丽"),)
    assert [(v, f"{a:%H:%M}", f"{b:%H:%M}") for v, _n, a, b in view.segments] == [
        ("hall", "01:00", "01:40"),
        ("centre", "01:40", "02:20"),
    ]
    assert view.as_json()["segments"][1] == {
        "venue": "centre",
        "venue_name": "数字乡村指挥中心",
        "start": "09:40",
        "end": "10:20",
    }
    with seeded_factory() as session:
        changes = session.scalars(select(Change).where(Change.kind == "tour")).all()
        assert [(c.entity_id, c.action) for c in changes] == [(str(view.id), "booked")]
    [entry] = audits(seeded_factory, "tour.booked")
    assert entry.actor == "docent2" and entry.entity_id == str(view.id)
    assert entry.detail["docents"] == ["docent1"] and "13800000000" not in str(entry.detail)


# -- the docent rule ---------------------------------------------------------------------------


def test_a_docent_leads_one_tour_at_a_time(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        first = book(session, group="A组")
    error = refused(seeded_factory, group="B组", start="09:30", end="10:30")
    assert str(error).startswith("docent docent1 already leads 'A组' 09:00-10:00")
    assert "讲解员王丽在 09:00-10:00 已有接待“A组”" in error.message_zh
    assert [c.rule for c in error.conflicts] == ["docent"]
    assert error.conflicts[0].tour_ids == (str(first.id),)
    # [start, end) is half-open: back to back is fine; so is another docent.
    with seeded_factory.begin() as session:
        book(session, group="C组", start="10:00", end="11:00")
        book(session, group="D组", start="09:30", end="10:30", docents=["docent2"])
    # A cancelled tour frees its docent.
    with seeded_factory.begin() as session:
        tours.cancel(session, first.id)
        book(session, group="E组", start="09:00", end="09:50")


def test_without_a_named_docent_the_least_busy_free_one_is_picked(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        book(session, start="14:30", end="15:30", docents=["docent1"])
        picked = [book(session, group=f"组{n}", docents=None).docents[0][0] for n in range(3)]
    # docent1 already has a tour that day, so the two idle docents go first.
    assert picked == ["docent2", "docent3", "docent1"]
    with seeded_factory() as session:
        draft = TourDraft(THURSDAY, dt.time(9, 30), dt.time(10, 30), "hall", 5)
        assert free_docents(session, draft) == []
        [conflict] = check_conflicts(session, draft)
        assert conflict.rule == "docent" and not conflict.overridable
    error = refused(
        seeded_factory,
        start="09:30",
        end="10:30",
        docents=None,
        visitors=5,
        override_reason="省领导临时来访",
        actor="manager",
    )
    assert "no docent is free 2026-11-26 09:30-10:30" in str(error)


def test_unknown_or_non_docent_staff_cannot_be_named(seeded_factory: sessionmaker[Session]) -> None:
    for name in ("guide1", "nobody"):
        with (
            pytest.raises(ValidationError, match=f"not an active docent: {name}"),
            seeded_factory.begin() as session,
        ):
            book(session, docents=[name])


# -- the capacity rule -------------------------------------------------------------------------


def test_a_venue_holds_no_more_than_its_capacity(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        book(session, group="A组", route="centre", visitors=20)
    error = refused(seeded_factory, group="B组", route="centre", visitors=15, docents=["docent2"])
    assert [c.rule for c in error.conflicts] == ["capacity"]
    assert str(error).startswith(
        "venue centre (数字乡村指挥中心) would hold 35 visitors at 09:00, over its capacity of 30"
    )
    assert "数字乡村指挥中心在 09:00 将有 35 人，超过容量 30 人" in error.message_zh
    with seeded_factory.begin() as session:
        book(session, group="C组", route="centre", visitors=10, docents=["docent2"])
    # A group bigger than the venue on its own is refused too.
    error = refused(seeded_factory, start="14:30", end="15:30", route="centre", visitors=31)
    assert "would hold 31 visitors" in str(error)


def test_capacity_follows_the_route_segments_and_the_peak_load(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        # 'both': the hall 09:00-09:40, then the centre 09:40-10:20.
        book(session, group="A组", route="both", end="10:20", visitors=30)
        # The centre is still empty before 09:40.
        book(session, group="B组", route="centre", end="09:40", visitors=30, docents=["docent2"])
    error = refused(
        seeded_factory,
        group="C组",
        route="centre",
        start="10:00",
        end="10:40",
        visitors=1,
        docents=["docent3"],
    )
    assert "would hold 31 visitors at 10:00" in str(error)
    with seeded_factory.begin() as session:
        # Two groups of 30 in the hall one after the other (09:00-09:45, 09:45-10:30)...
        book(session, group="D组", start="14:30", end="15:15", visitors=30, docents=["docent1"])
        book(session, group="E组", start="15:15", end="16:00", visitors=30, docents=["docent2"])
        # ...and 25 more from 15:00 to 15:45: never more than 55 at once, so it fits.
        book(session, group="F组", start="15:00", end="15:45", visitors=25, docents=["docent3"])


def test_a_tour_must_be_long_enough_for_its_route(seeded_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationError) as caught, seeded_factory.begin() as session:
        book(session, route="both", end="10:00")
    assert str(caught.value) == (
        "route both takes 80 minutes: a tour starting at 09:00 must end at 10:20 or later"
    )
    with (
        pytest.raises(ValidationError, match="must end after it starts"),
        seeded_factory.begin() as session,
    ):
        book(session, start="10:00", end="09:00")
    with (
        pytest.raises(ValidationError, match="no such route: roof"),
        seeded_factory.begin() as session,
    ):
        book(session, route="roof")


# -- the hours rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [(SATURDAY, "09:00", "10:00"), (THURSDAY, "11:30", "12:30"), (THURSDAY, "17:00", "18:00")],
)
def test_a_tour_lies_within_hall_hours_unless_extended(
    seeded_factory: sessionmaker[Session], day: dt.date, start: str, end: str
) -> None:
    error = refused(seeded_factory, date=day, start=start, end=end)
    assert [c.rule for c in error.conflicts] == ["hours"]
    assert f"{start}-{end} on " in str(error)
    assert "outside hall hours (Mon-Fri 08:30-12:00, 14:30-17:30)" in str(error)
    assert "不在大厅开放时间内" in error.message_zh
    with seeded_factory.begin() as session:
        view = book(session, date=day, start=start, end=end, extended=True)
    assert view.extended


# -- overrides ---------------------------------------------------------------------------------


def test_a_manager_overrides_with_a_reason_and_it_is_audited(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        book(session, group="A组", visitors=50)
    with seeded_factory.begin() as session:
        view = book(
            session,
            group="市领导视察",
            visitors=20,
            start="09:15",
            end="10:15",
            date=THURSDAY,
            override_reason="市领导临时视察，经主任同意",
            actor="manager",
        )
    assert view.override_reason == "市领导临时视察，经主任同意" and view.override_by == "manager"
    [entry] = audits(seeded_factory, "tour.override")
    assert entry.actor == "manager" and entry.entity_id == str(view.id)
    assert entry.detail["rules"] == ["capacity", "docent"]
    assert entry.detail["override_reason"] == "市领导临时视察，经主任同意"
    assert entry.detail["by"] == "manager"
    assert any("docent docent1 already leads" in r for r in entry.detail["reasons"])
    # An admin may, too; the hours rule is overridable like the others.
    with seeded_factory.begin() as session:
        book(session, date=SATURDAY, override_reason="周末专场", actor="admin")


@pytest.mark.parametrize("actor", ["guide1", "docent2", None])
def test_only_a_manager_or_admin_may_override(
    seeded_factory: sessionmaker[Session], actor: str | None
) -> None:
    error = refused(seeded_factory, date=SATURDAY, override_reason="领导要求", actor=actor)
    assert "only a manager or admin may override" in str(error)
    assert "仅项目经理或管理员可强制预约" in error.message_zh
    assert audits(seeded_factory, "tour.override") == []


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_override_needs_a_written_reason(
    seeded_factory: sessionmaker[Session], reason: str | None
) -> None:
    error = refused(seeded_factory, date=SATURDAY, override_reason=reason, actor="manager")
    assert str(error).endswith("(to override, give a written reason)")
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(Tour)) == 0


def test_reception_levels_come_from_the_setting(seeded_factory: sessionmaker[Session]) -> None:
    with (
        pytest.raises(ValidationError, match="unknown reception level: 特级"),
        seeded_factory.begin() as session,
    ):
        book(session, level="特级")
    with seeded_factory.begin() as session:
        set_setting(session, "reception_levels", ["一般", "重要", "重大", "特级"])
    with seeded_factory.begin() as session:
        assert book(session, level="特级").level == "特级"


def test_check_conflicts_is_read_only_and_excludes_the_tour_being_edited(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        first = book(session)
    draft = TourDraft(THURSDAY, dt.time(9, 0), dt.time(10, 0), "hall", 10, ("docent1",))
    with seeded_factory() as session:
        assert [c.rule for c in check_conflicts(session, draft)] == ["docent"]
        edited = TourDraft(
            THURSDAY,
            dt.time(9, 0),
            dt.time(10, 0),
            "hall",
            10,
            ("docent1",),
            exclude_id=first.id,
        )
        assert check_conflicts(session, edited) == []
        assert session.scalar(select(func.count()).select_from(Tour)) == 1


# -- states ------------------------------------------------------------------------------------


def test_a_tour_runs_from_request_to_completion_with_its_log(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
    with seeded_factory.begin() as session:
        assert tours.confirm(session, view.id, actor="docent1").state == "confirmed"
        started = tours.start(session, view.short_id, actor="docent1", now=NINE)
        assert started.state == "in_progress" and started.actual_start == NINE
        done = tours.finish(
            session,
            str(view.id),
            actual_visitors=12,
            feedback=5,
            notes="对帮办代办很感兴趣",
            follow_ups="寄送宣传册",
            actor="docent1",
            now=NINE + dt.timedelta(minutes=55),
        )
    assert done.state == "completed" and done.actual_visitors == 12 and done.feedback == 5
    assert done.actual_end == NINE + dt.timedelta(minutes=55)
    assert (done.log_notes, done.follow_ups) == ("对帮办代办很感兴趣", "寄送宣传册")
    with seeded_factory() as session:
        actions = session.scalars(
            select(Change.action).where(Change.kind == "tour").order_by(Change.revision)
        ).all()
    assert actions == ["booked", "confirmed", "started", "completed"]
    assert [e.actor for e in audits(seeded_factory, "tour.completed")] == ["docent1"]


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "start"),  # requested and not checked in
        ([], "finish"),
        (["confirm"], "confirm"),
        (["confirm", "start"], "cancel"),
        (["confirm", "start"], "no_show"),
        (["cancel"], "confirm"),
        (["confirm", "start", "finish"], "start"),
    ],
)
def test_illegal_transitions_are_refused_with_the_state(
    seeded_factory: sessionmaker[Session], steps: list[str], illegal: str
) -> None:
    calls = {
        "confirm": lambda s, i: tours.confirm(s, i),
        "start": lambda s, i: tours.start(s, i),
        "finish": lambda s, i: tours.finish(s, i, actual_visitors=9),
        "cancel": lambda s, i: tours.cancel(s, i),
        "no_show": lambda s, i: tours.no_show(s, i, now=NINE + dt.timedelta(hours=1)),
    }
    with seeded_factory.begin() as session:
        view = book(session)
        for step in steps:
            calls[step](session, view.id)
    with pytest.raises(Conflict, match="it is ") as caught, seeded_factory.begin() as session:
        calls[illegal](session, view.id)
    assert "当前为" in caught.value.message_zh


def test_no_show_only_after_the_start_and_an_arrived_group_may_start(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        late = book(session, group="迟到组")
        early = book(session, group="早到组", docents=["docent2"])
    with pytest.raises(Conflict, match="not due yet"), seeded_factory.begin() as session:
        tours.no_show(session, late.id, now=NINE - dt.timedelta(minutes=5))
    with seeded_factory.begin() as session:
        assert tours.no_show(session, late.id, now=NINE + dt.timedelta(minutes=30)).state == (
            "no_show"
        )
        arrived = tours.mark_arrived(session, early.id, now=NINE - dt.timedelta(minutes=10))
        assert arrived.state == "requested" and arrived.state_zh == "已签到"
        assert tours.start(session, early.id, now=NINE).state == "in_progress"


def test_finish_checks_the_log(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        tours.confirm(session, view.id)
        tours.start(session, view.id, now=NINE)
    for kwargs, message in [
        ({"actual_visitors": -1}, "negative"),
        ({"actual_visitors": 5, "feedback": 6}, "feedback is 1 to 5"),
        ({"actual_visitors": 5, "actual_end": NINE - dt.timedelta(minutes=1)}, "before it started"),
    ]:
        with pytest.raises(ValidationError, match=message), seeded_factory.begin() as session:
            tours.finish(session, view.id, **kwargs)


def test_tours_are_found_by_id_or_a_unique_prefix(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        view = book(session)
        assert tours.find_tour(session, str(view.id)).id == view.id
        assert tours.find_tour(session, view.id.hex[:6].upper()).id == view.id
        assert tours.find_tour(session, str(view.id)[:10]).id == view.id  # with its dash
        with pytest.raises(ValidationError, match="at least 6"):
            tours.find_tour(session, view.id.hex[:5])
        missing = "0" * 6 if not view.id.hex.startswith("000000") else "f" * 6
        with pytest.raises(NotFound):
            tours.find_tour(session, missing)
        listed = tours.list_tours(session, date_from=THURSDAY)
    assert [v.id for v in listed] == [view.id]
