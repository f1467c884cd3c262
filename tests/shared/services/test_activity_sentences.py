"""实时动态 in words (issue #19, item 4): every service's changes told as a person would say
them, with the ticket, window, group or request they concern; no ids, revisions or personal
data; a bounded number of queries per batch. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import ChangeRecord, changes_after, latest_revision, record_change
from shared.models import ServiceMatter
from shared.services import calling, holidays, kiosk_pin, priority, terminals, tours
from shared.services.activity import ActivityEntry, describe_changes, recent_activity
from shared.services.call_order import call_next
from shared.services.org import save_queue
from shared.services.privacy import purge
from shared.services.settings import change_setting, reset_setting, set_setting
from shared.services.staff import add_staff
from shared.services.tickets import issue_ticket, mark_printed
from shared.services.window_sessions import pause, resume, sign_in, sign_out
from tests.support.windows import clerk

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
THURSDAY = dt.date(2026, 11, 26)
SITE = "huarong"
NAME, PHONE, ADDRESS = "张三丰", "13912345678", "华容区华容镇建设路12号3栋2单元"
CONTACT, CONTACT_PHONE = "刘主任", "13800000000"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def _minutes(n: int) -> dt.datetime:
    return OPEN + dt.timedelta(minutes=n)


def _since(factory: sessionmaker[Session], step: Callable[[Session], Any]) -> list[ActivityEntry]:
    """Run ``step`` in a transaction; the entries of the changes it wrote, newest first."""
    with factory() as session:
        before = latest_revision(session)
    with factory.begin() as session:
        step(session)
    with factory() as session:
        return describe_changes(session, changes_after(session, before), home_site=SITE)


def _said(factory: sessionmaker[Session], step: Callable[[Session], Any]) -> list[str]:
    return [e.description for e in _since(factory, step)]


def _assert_clean(texts: list[str]) -> None:
    for text in texts:
        assert not UUID_RE.search(text), text
        for secret in (NAME, PHONE, PHONE[-4:], PHONE[:7], ADDRESS, "建设路", CONTACT):
            assert secret not in text, (secret, text)
        assert CONTACT_PHONE not in text and "0000" not in text, text


def test_a_tickets_life_names_the_ticket_its_queue_and_its_window(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    who = _clerk(f, 1)
    with f.begin() as session:
        set_setting(session, "recall_grace_minutes", 30, None)
    said = _said(f, lambda s: issue_ticket(s, site=SITE, queue="A", now=OPEN))
    assert said == ["A001 已取号（综合受理）"]
    said = _said(f, lambda s: issue_ticket(s, site=SITE, queue="A", priority="elderly", now=OPEN))
    assert said == ["A002 已取号（综合受理，老年人优先）"]
    assert _said(f, lambda s: sign_in(s, site=SITE, window=1, staff_id=who, now=OPEN)) == [
        "1 号窗口已签到"
    ]
    # The priority ticket is called first.
    call = _since(f, lambda s: call_next(s, site=SITE, window=1, now=_minutes(1)))
    assert [(e.description, e.category_label) for e in call] == [("A002 在 1 号窗口被呼叫", "叫号")]
    serve = _minutes(2)
    assert _said(f, lambda s: calling.start_service(s, site=SITE, number="A002", now=serve)) == [
        "A002 在 1 号窗口开始办理"
    ]
    # 叫下一位 finishes the current visitor: two sentences, the call newest.
    assert _said(f, lambda s: call_next(s, site=SITE, window=1, now=_minutes(3))) == [
        "A001 在 1 号窗口被呼叫",
        "A002 在 1 号窗口办结",
    ]
    assert _said(f, lambda s: calling.no_show(s, site=SITE, number="A001", now=_minutes(4))) == [
        "A001 在 1 号窗口过号"
    ]
    assert _said(f, lambda s: calling.recall(s, site=SITE, number="A001", now=_minutes(5))) == [
        "A001 在 1 号窗口被再次呼叫"
    ]
    moved = _said(
        f, lambda s: calling.transfer(s, site=SITE, number="A001", to_queue="B", now=_minutes(6))
    )
    assert sorted(moved) == ["A001 已转至 B001", "B001 已取号（不动产登记）"]
    issue_ticket_id = issue_ticket_and_id(f)
    assert _said(f, lambda s: mark_printed(s, issue_ticket_id, False, now=_minutes(7))) == [
        "A003 的号票打印失败"
    ]
    assert _said(f, lambda s: mark_printed(s, issue_ticket_id, True, now=_minutes(8))) == [
        "A003 的号票已打印"
    ]
    assert _said(f, lambda s: calling.cancel(s, site=SITE, number="A003", now=_minutes(9))) == [
        "A003 已取消"
    ]


def issue_ticket_and_id(factory: sessionmaker[Session]) -> Any:
    with factory.begin() as session:
        return issue_ticket(session, site=SITE, queue="A", now=OPEN).id


def _clerk(factory: sessionmaker[Session], window: int) -> Any:
    with factory.begin() as session:
        return clerk(session, window)


def test_window_moves_name_the_window_and_the_pause_reason(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    who = _clerk(f, 9)
    steps: list[Callable[[Session], Any]] = [
        lambda s: sign_in(s, site=SITE, window=9, staff_id=who, now=OPEN),
        lambda s: pause(s, site=SITE, window=9, reason="会议", staff_id=who, now=_minutes(1)),
        lambda s: resume(s, site=SITE, window=9, staff_id=who, now=_minutes(2)),
        lambda s: sign_out(s, site=SITE, window=9, staff_id=who, now=_minutes(3)),
    ]
    said = [text for step in steps for text in _said(f, step)]
    assert said == [
        "9 号窗口已签到",
        "9 号窗口暂停（会议）",
        "9 号窗口恢复叫号",
        "9 号窗口已签退",
    ]


def test_a_tours_steps_name_the_group_never_the_contact(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    booked: dict[str, Any] = {}

    def book(session: Session) -> None:
        booked["id"] = tours.book_tour(
            session,
            date=THURSDAY,
            start="09:00",
            end="10:00",
            group="鄂州市营商环境优化考察团",
            org="鄂州市营商办",
            visitors=12,
            route="hall",
            docents=["docent1"],
            level="重要",
            contact_name=CONTACT,
            contact_phone=CONTACT_PHONE,
            actor="docent2",
            now=OPEN - dt.timedelta(days=3),
        ).id

    said = _said(f, book)
    assert said == ["参观团「鄂州市营商环境优化考察团」（重要）已预约（11月26日 09:00–10:00）"]
    tour = booked["id"]
    steps: list[Callable[[Session], Any]] = [
        lambda s: tours.confirm(s, tour, actor="docent1", now=OPEN - dt.timedelta(hours=2)),
        lambda s: tours.mark_arrived(s, tour, actor="docent1", now=OPEN - dt.timedelta(hours=1)),
        lambda s: tours.start(s, tour, actor="docent1", now=OPEN - dt.timedelta(minutes=59)),
        lambda s: tours.finish(s, tour, actual_visitors=11, actor="docent1", now=OPEN),
    ]
    said = [text for step in steps for text in _said(f, step)]
    group = "参观团「鄂州市营商环境优化考察团」（重要）"
    assert said == [
        f"{group}的预约已确认",
        f"{group}已签到",
        f"{group}开始参观",
        f"{group}参观结束",
    ]
    _assert_clean(said)
    # The planner's drag (tours_moves) writes "moved": the sentence gives the time as it is now.
    moved = _said(f, lambda s: record_change(s, "tour", tour, "moved", now=_minutes(1)))
    assert moved == [f"{group}的安排已调整（现为 11月26日 09:00–10:00）"]


def test_priority_requests_name_kind_reference_and_ticket_never_the_person(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    made: dict[str, Any] = {}

    def green(session: Session) -> None:
        made["green"] = priority.create_request(
            session, site=SITE, kind="green_ticket", visitor="elderly", now=OPEN
        )

    said = _said(f, green)
    ref = made["green"].reference
    assert said == [
        f"收到绿色通道请求 {ref}（老年人，号票 A001）",
        "A001 已取号（综合受理，老年人优先）",
    ]
    request = made["green"].id
    steps: list[Callable[[Session], Any]] = [
        lambda s: priority.accept(s, request, "assistant1", now=_minutes(1)),
        lambda s: priority.add_note(s, request, "assistant1", f"已联系{NAME}", now=_minutes(2)),
        lambda s: priority.finish(s, request, "assistant1", now=_minutes(3)),
    ]
    said = [text for step in steps for text in _said(f, step)]
    assert said == [
        f"绿色通道请求 {ref} 已接单",
        f"绿色通道请求 {ref} 添加了备注",
        f"绿色通道请求 {ref} 已办结",
    ]

    with f() as session:
        matter = session.scalar(select(ServiceMatter.code).order_by(ServiceMatter.code).limit(1))

    def home(session: Session) -> None:
        made["home"] = priority.create_request(
            session,
            site=SITE,
            kind="home_visit",
            visitor="disabled",
            name=NAME,
            phone=PHONE,
            address=ADDRESS,
            matter=matter,
            preferred="2026-11-27 am",
            now=OPEN,
        )

    assert _said(f, home) == [f"收到上门服务请求 {made['home'].reference}（残障人士）"]
    visit = made["home"].reference
    home_id = made["home"].id
    steps = [
        lambda s: priority.assign(s, home_id, "assistant1", "assistant2", now=_minutes(5)),
        lambda s: priority.cancel(s, home_id, "assistant1", reason=PHONE, now=_minutes(6)),
        lambda s: purge(s, older_than_days=1, now=OPEN + dt.timedelta(days=3)),
    ]
    said = [text for step in steps for text in _said(f, step)]
    assert said[:2] == [f"上门服务请求 {visit} 已指派给帮办代办岗", f"上门服务请求 {visit} 已取消"]
    assert f"上门服务请求 {visit} 的联系信息已按期清除" in said[2:]
    with f() as session:
        everything = [e.description for e in recent_activity(session, limit=500)]
    assert f"收到上门服务请求 {visit}（残障人士）" in everything
    _assert_clean(everything)


def test_settings_calendar_terminals_pins_staff_and_organisation(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    assert _said(f, lambda s: change_setting(s, "recall_grace_minutes", "10")) == [
        "系统设置「过号可重呼时限（分钟）」已修改"
    ]
    assert _said(f, lambda s: reset_setting(s, "recall_grace_minutes")) == [
        "一项系统设置已恢复默认"
    ]
    national_day = dt.date(2026, 10, 1)
    assert _said(
        f, lambda s: holidays.set_day(s, day=national_day, kind="holiday", name="国庆节")
    ) == ["节假日安排：10月1日设为节假日休息（国庆节）"]
    assert _said(f, lambda s: holidays.remove_day(s, day=national_day)) == ["一项节假日安排已删除"]
    added = _said(
        f,
        lambda s: terminals.add_terminal(
            s, site=SITE, code="kiosk-03", kind="kiosk", location="二楼自助区"
        ),
    )
    assert added == ["新增终端：自助机「二楼自助区」"]
    assert _said(f, lambda s: terminals.update_terminal(s, "kiosk-03", location="二楼东侧")) == [
        "自助机「二楼东侧」的设置已更新"
    ]
    assert _said(
        f, lambda s: terminals.record_print_result(s, "kiosk-03", printed=False, detail="缺纸")
    ) == ["自助机「二楼东侧」打印测试失败"]
    pin = _said(f, lambda s: kiosk_pin.set_pin(s, pin="739164", terminal="kiosk-03"))
    assert "自助机管理密码已设置（自助机「二楼东侧」）" in pin
    wrong = _said(
        f, lambda s: kiosk_pin.verify_pin(s, site=None, terminal="kiosk-03", pin="000000")
    )
    assert wrong == ["自助机管理密码输入错误（自助机「二楼东侧」）"]
    hall_pin = _said(f, lambda s: kiosk_pin.set_pin(s, pin="739164"))
    assert "自助机管理密码已设置（全部站点）" in hall_pin
    assert _said(
        f,
        lambda s: save_queue(s, site=SITE, prefix="A", name="综合受理", default_service_minutes=9),
    ) == ["业务「A 综合受理」的信息已更新"]
    staff = _said(
        f,
        lambda s: add_staff(
            s, username="window9", display_name=NAME, password="Sx-73916482", roles=["window"]
        ),
    )
    assert staff == ["新增一个工作人员账号"]
    with f() as session:
        everything = [e.description for e in recent_activity(session, limit=500)]
    _assert_clean(everything)
    assert "window9" not in " ".join(everything)


def test_another_sites_changes_say_which_site(seeded_factory: sessionmaker[Session]) -> None:
    f = seeded_factory

    def township(session: Session) -> None:
        issue_ticket(session, site="town-miaoling", queue="A", now=OPEN)

    assert _said(f, township) == ["庙岭镇便民服务中心：A001 已取号（综合受理）"]
    with f() as session:
        [record] = changes_after(session, latest_revision(session) - 1)
        [mine] = describe_changes(session, [record], home_site="town-miaoling")
    assert mine.description == "A001 已取号（综合受理）"


def test_rows_that_are_gone_and_unknown_kinds_read_generically(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    gone = "00000000-0000-4000-8000-000000000000"
    steps: list[Callable[[Session], Any]] = [
        lambda s: record_change(s, "ticket", gone, "called", now=OPEN),
        lambda s: record_change(s, "tour", gone, "arrived", now=_minutes(1)),
        lambda s: record_change(s, "evaluation", gone, "created", now=_minutes(2)),
        lambda s: record_change(s, "gizmo", gone, "zapped", now=_minutes(3)),
    ]
    said = [text for step in steps for text in _said(f, step)]
    assert said == ["号票已呼叫", "参观接待预约已签到", "收到一条服务评价", "其他数据有变动"]


@contextmanager
def _counted(factory: sessionmaker[Session]) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = factory.kw["bind"]

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_batch_costs_the_same_few_queries_whatever_its_size(
    seeded_factory: sessionmaker[Session],
) -> None:
    f = seeded_factory
    who = _clerk(f, 1)
    with f.begin() as session:
        sign_in(session, site=SITE, window=1, staff_id=who, now=OPEN)
        for _ in range(60):
            issue_ticket(session, site=SITE, queue="A", now=OPEN)
    for n in range(20):
        with f.begin() as session:
            call_next(session, site=SITE, window=1, now=_minutes(n + 1))
    with f() as session:
        records: list[ChangeRecord] = changes_after(session, 0, limit=5000)
    # Both batches name tickets and a window: the same three reads (sites, tickets, windows).
    small = [r for r in records if r.kind == "window"] + [r for r in records if r.kind == "ticket"][
        :6
    ]
    with f() as session, _counted(f) as few:
        assert len(describe_changes(session, small)) == 7
    with f() as session, _counted(f) as many:
        entries = describe_changes(session, records)
    assert len(entries) == len(records) > 90
    assert len(many) == len(few) <= 3
    said = {e.description for e in entries}
    assert {"A060 已取号（综合受理）", "A001 在 1 号窗口被呼叫", "A019 在 1 号窗口办结"} <= said
