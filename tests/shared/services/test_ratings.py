"""好差评 (issue #13, items 1-3 and 7): one rating per ticket, bad ratings open a case due in
working days of the hall calendar, and each branch of the case to its end, on both backends."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import AuditEntry, Evaluation, EvaluationCase
from shared.services import calling, ratings
from shared.services.holidays import add_working_days, set_day
from shared.services.settings import set_setting, site_by_code
from shared.services.tickets import issue_ticket
from tests.support.windows import clerk, open_windows

SITE = "huarong"
# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
PHONE = "13912345678"


def served(factory: sessionmaker[Session], now: datetime = OPEN) -> uuid.UUID:
    """A ticket issued, called at window 3 and finished there by its clerk; its id."""
    open_windows(factory, [3], now=now)
    with factory.begin() as session:
        ticket = issue_ticket(session, site=SITE, queue="A", now=now)
        calling.call_next(session, site=SITE, window=3, now=now)
        calling.finish(
            session, site=SITE, number=ticket.number, staff_id=clerk(session, 3), now=now
        )
        return ticket.id


def rate(factory: sessionmaker[Session], **kw: Any) -> ratings.Rated:
    args: dict[str, Any] = {"site_code": SITE, "channel": "pad", "now": OPEN, **kw}
    with factory.begin() as session:
        return ratings.rate(session, **args)


def test_a_rating_records_the_ticket_window_clerk_and_matter_once(
    seeded_factory: sessionmaker[Session],
) -> None:
    ticket_id = served(seeded_factory)
    done = rate(seeded_factory, ticket_id=ticket_id, level=5, indicators={"服务态度": 5})
    assert (done.level, done.case_id, done.repeated) == (5, None, False)
    with seeded_factory() as session:
        row = session.get(Evaluation, done.evaluation_id)
        assert row is not None
        assert row.ticket_id == ticket_id and row.window_id is not None
        assert row.staff_id == clerk(session, 3)
        assert row.indicators == {"服务态度": 5} and row.reasons == [] and row.phone is None
    # A second rating of the same ticket, from any terminal, is refused.
    with pytest.raises(Conflict) as twice:
        rate(seeded_factory, ticket_id=ticket_id, level=1, channel="kiosk")
    assert twice.value.message_zh == "这张号票已经评价过了，谢谢您。"
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(Evaluation)) == 1
        assert session.scalar(select(func.count()).select_from(EvaluationCase)) == 0


def test_a_retry_finds_the_rating_it_made(seeded_factory: sessionmaker[Session]) -> None:
    ticket_id = served(seeded_factory)
    first = rate(
        seeded_factory, ticket_id=ticket_id, level=2, reasons=["等候太久"], request_key="pad-3-1"
    )
    again = rate(
        seeded_factory, ticket_id=ticket_id, level=2, reasons=["等候太久"], request_key="pad-3-1"
    )
    assert again.repeated and again.evaluation_id == first.evaluation_id
    assert again.case_id == first.case_id is not None


def test_a_double_tap_from_two_terminals_rates_once(
    seeded_factory: sessionmaker[Session],
) -> None:
    """Two submissions for one ticket at the same moment (the pad and the kiosk): one wins,
    the other is told it was rated; never two rows."""
    ticket_id = served(seeded_factory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(channel: str) -> None:
        barrier.wait()
        try:
            rate(seeded_factory, ticket_id=ticket_id, level=4, channel=channel)
            outcomes.append("rated")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(c,)) for c in ("pad", "kiosk")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["rated", "refused"]
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(Evaluation)) == 1


def test_only_a_finished_ticket_of_today_can_be_rated_at_a_terminal(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        waiting = issue_ticket(session, site=SITE, queue="A", now=OPEN)
    with pytest.raises(Conflict) as unfinished:
        rate(seeded_factory, ticket_id=waiting.id, level=5, channel="kiosk")
    assert unfinished.value.message_zh == "这张号票还没有办结，办结后才能评价。"
    yesterday = served(seeded_factory, OPEN - timedelta(days=1))
    with pytest.raises(Conflict) as old:
        rate(seeded_factory, ticket_id=yesterday, level=5, channel="kiosk")
    assert old.value.message_zh == "只能评价今天办理的号票。"
    # The console may enter a rating given on paper after the day.
    assert rate(seeded_factory, ticket_id=yesterday, level=5, channel="console").level == 5
    with pytest.raises(NotFound):
        rate(seeded_factory, ticket_id=uuid.uuid4(), level=5)


@pytest.mark.parametrize(
    ("kw", "message_zh"),
    [
        ({"level": 0}, "请选择评价等级。"),
        ({"level": 6}, "请选择评价等级。"),
        ({"level": 5, "indicators": {"服务速度": 5}}, "评价指标不正确。"),
        ({"level": 5, "reasons": ["等候太久"]}, "只有不满意时才需选择原因。"),
        ({"level": 1, "reasons": ["天气不好"]}, "请从列出的原因中选择。"),
        ({"level": 1, "phone": "12345"}, "请填写11位手机号码，以13至19开头。"),
        ({"level": 1, "note": "字" * 201}, "意见最多 200 个字。"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    seeded_factory: sessionmaker[Session], kw: dict[str, Any], message_zh: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        rate(seeded_factory, **kw)
    assert refused.value.message_zh == message_zh
    with seeded_factory() as session:
        assert session.scalar(select(func.count()).select_from(Evaluation)) == 0


def test_the_hall_as_a_whole_can_be_rated(seeded_factory: sessionmaker[Session]) -> None:
    done = rate(seeded_factory, level=3, channel="kiosk")
    with seeded_factory() as session:
        row = session.get(Evaluation, done.evaluation_id)
        assert row is not None and row.ticket_id is None and row.level == 3


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days(
    seeded_factory: sessionmaker[Session],
) -> None:
    weekdays = (0, 1, 2, 3, 4)
    with seeded_factory.begin() as session:
        site = site_by_code(session, SITE)
        thursday = date(2026, 11, 26)
        assert add_working_days(session, site.id, thursday, 1, weekdays) == date(2026, 11, 27)
        assert add_working_days(session, site.id, thursday, 2, weekdays) == date(2026, 11, 30)
        set_day(session, day=date(2026, 11, 27), kind="holiday", name="测试休息")
        set_day(session, day=date(2026, 11, 28), kind="workday", name="调休上班")
        assert add_working_days(session, site.id, thursday, 1, weekdays) == date(2026, 11, 28)
        assert add_working_days(session, site.id, thursday, 15, weekdays) == date(2026, 12, 17)


def test_a_bad_rating_opens_a_case_due_in_working_days_across_a_holiday(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory.begin() as session:
        # 元旦 2027 (Friday 1 January) off; 15 working days from Thursday 2026-12-17.
        set_day(session, day=date(2027, 1, 1), kind="holiday", name="元旦")
    now = datetime(2026, 12, 17, 2, 0, tzinfo=UTC)
    ticket_id = served(seeded_factory, now)
    done = rate(
        seeded_factory,
        ticket_id=ticket_id,
        level=1,
        reasons=["态度生硬", "等候太久"],
        phone="139 1234 5678",
        note="窗口人员态度不好",
        now=now,
    )
    # 18 Dec … 31 Dec are 10 working days; 1 Jan is off; 4–8 Jan are 5 more.
    assert done.case_due_on == date(2027, 1, 8)
    with seeded_factory() as session:
        (case,) = ratings.open_cases(session, SITE, today=date(2026, 12, 17))
        assert case.id == done.case_id and case.state == "open" and not case.overdue
        assert case.level_name == "非常不满意" and case.reasons == ("态度生硬", "等候太久")
        assert case.masked_phone == "139****5678"
        assert ratings.open_cases(session, SITE, today=date(2027, 1, 11), overdue_only=True)
        assert not ratings.open_cases(session, SITE, today=date(2027, 1, 8), overdue_only=True)


def test_the_case_days_are_a_setting(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        set_setting(session, "rating_case_days", 5)
    done = rate(seeded_factory, level=2, channel="kiosk")  # a hall rating can be bad too
    assert done.case_due_on == date(2026, 12, 3)  # Thu 26 Nov + 5 working days


def _bad_case(factory: sessionmaker[Session]) -> uuid.UUID:
    done = rate(factory, ticket_id=served(factory), level=2, reasons=["一次性告知不到位"])
    assert done.case_id is not None
    return done.case_id


def act(factory: sessionmaker[Session], step: Any, *args: Any, **kw: Any) -> EvaluationCase:
    with factory.begin() as session:
        case: EvaluationCase = step(session, *args, now=OPEN, **kw)
        return case


def _audited(factory: sessionmaker[Session], case_id: uuid.UUID) -> list[str]:
    with factory() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_id == str(case_id))
                .order_by(AuditEntry.at)
            )
        )


@pytest.mark.parametrize("outcome", ["rectified", "explained"])
def test_a_case_is_called_back_verified_and_put_right_or_explained(
    seeded_factory: sessionmaker[Session], outcome: str
) -> None:
    case_id = _bad_case(seeded_factory)
    with pytest.raises(Conflict):  # 核实 comes after 回访
        act(seeded_factory, ratings.record_finding, case_id, "manager", "查看录像")
    act(
        seeded_factory, ratings.record_visit, case_id, "manager", "已电话回访，群众反映材料告知不全"
    )
    act(seeded_factory, ratings.record_finding, case_id, "manager", "窗口未一次性告知补正材料")
    closed = act(seeded_factory, ratings.resolve, case_id, "manager", outcome, "已培训窗口人员")
    assert (closed.state, closed.outcome) == ("closed", outcome)
    assert _audited(seeded_factory, case_id) == [
        "rating_case.visited",
        "rating_case.verified",
        "rating_case.closed",
    ]
    with seeded_factory() as session:
        assert ratings.open_cases(session, SITE, today=OPEN.date()) == []


def test_an_appeal_is_decided_by_a_second_person(seeded_factory: sessionmaker[Session]) -> None:
    case_id = _bad_case(seeded_factory)
    act(seeded_factory, ratings.record_visit, case_id, "manager", "群众未接电话，已发短信")
    act(seeded_factory, ratings.record_finding, case_id, "manager", "录像显示办理正常")
    with pytest.raises(ValidationError):  # evidence is required
        act(seeded_factory, ratings.appeal, case_id, "manager", "恶意差评", "")
    act(seeded_factory, ratings.appeal, case_id, "manager", "恶意差评", "监控录像 10:02-10:15")
    with pytest.raises(Conflict) as same:
        act(seeded_factory, ratings.decide_appeal, case_id, "manager", True, "同意")
    assert same.value.message_zh == "申诉须由另一位负责人审核。"
    closed = act(seeded_factory, ratings.decide_appeal, case_id, "admin", True, "证据充分")
    assert (closed.state, closed.outcome) == ("closed", "appeal_upheld")


def test_only_managers_work_cases(seeded_factory: sessionmaker[Session]) -> None:
    case_id = _bad_case(seeded_factory)
    with pytest.raises(Conflict) as refused:
        act(seeded_factory, ratings.record_visit, case_id, "guide1", "已回访")
    assert refused.value.message_zh == "您没有处理差评回访的权限。"


def test_purge_erases_a_closed_cases_phone_from_the_file_and_keeps_an_open_one(
    seeded_sqlite_url: str,
) -> None:
    from sqlalchemy.engine import make_url

    from shared.db import create_session_factory, engine_of
    from shared.services.privacy import purge_personal_data

    factory = create_session_factory(seeded_sqlite_url)
    path = make_url(seeded_sqlite_url).database
    assert path is not None
    try:
        closed = rate(factory, level=1, channel="kiosk", phone="15611112222", note="张先生住幸福村")
        kept = rate(factory, level=2, channel="kiosk", phone="18733334444")
        assert closed.case_id is not None and kept.case_id is not None
        act(factory, ratings.record_visit, closed.case_id, "manager", "已回访")
        act(factory, ratings.record_finding, closed.case_id, "manager", "已核实")
        act(factory, ratings.resolve, closed.case_id, "manager", "explained", "已说明政策")
        for needle in ("15611112222", "张先生住幸福村", "18733334444"):
            assert _in_files(path, needle)  # the check below would otherwise prove nothing
        result = purge_personal_data(factory, now=OPEN + timedelta(days=200))
        assert result.ratings == 1 and result.scrubbed
        assert not _in_files(path, "15611112222") and not _in_files(path, "张先生住幸福村")
        assert _in_files(path, "18733334444")  # its case is still open: the call back needs it
    finally:
        engine_of(factory).dispose()


def _in_files(path: str, needle: str) -> bool:
    from pathlib import Path

    data = b"".join(p.read_bytes() for p in (Path(path), Path(f"{path}-wal")) if p.exists())
    return needle.encode("utf-8") in data
