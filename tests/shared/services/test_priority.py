"""优先服务 requests: validation, each state change, overdue, masking, audited reveal (issue #5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import changes_after
from shared.errors import Conflict, NotFound
from shared.models import AuditEntry, PriorityNote, PriorityRequest, Ticket
from shared.services import priority
from shared.services.priority import (
    RequestInvalid,
    RequestView,
    create_request,
    is_overdue,
    list_requests,
    reveal_contact,
    validate_field,
)
from shared.services.priority_rules import REFERENCE_ALPHABET
from shared.services.settings import set_setting

# Thursday 2026-11-26 10:00 in Shanghai: the hall is open.
OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
NAME, PHONE, ADDRESS = "张三丰", "13912345678", "华容区华容镇建设路12号3栋2单元"
HOME: dict[str, Any] = {
    "kind": "home_visit",
    "visitor": "disabled",
    "name": NAME,
    "phone": PHONE,
    "address": ADDRESS,
    "matter": None,  # filled from the catalog
    "preferred": "2026-11-27 am",
}


def _matter(factory: sessionmaker[Session]) -> str:
    from shared.models import ServiceMatter

    with factory() as session:
        code = session.scalar(select(ServiceMatter.code).order_by(ServiceMatter.code).limit(1))
    assert code is not None
    return code


def create(factory: sessionmaker[Session], now: datetime = OPEN, **kw: Any) -> RequestView:
    args: dict[str, Any] = {"site": "huarong", "now": now, **kw}
    with factory.begin() as session:
        return create_request(session, **args)


def home(factory: sessionmaker[Session], now: datetime = OPEN, **kw: Any) -> RequestView:
    return create(factory, now, **{**HOME, "matter": _matter(factory), **kw})


def act(factory: sessionmaker[Session], action: Any, *args: Any, **kw: Any) -> Any:
    with factory.begin() as session:
        return action(session, *args, **kw)


# -- validation as the kiosk uses it ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13912345678", True),
        ("19900000000", True),
        ("139 1234 5678", True),
        ("12912345678", False),
        ("1391234567", False),
        ("139123456789", False),
        ("23912345678", False),
        ("1391234567a", False),
    ],
)
def test_phone_pattern(value: str, ok: bool) -> None:
    message = validate_field("home_visit", "phone", value)
    assert (message is None) is ok
    if not ok:
        assert message == "请填写11位手机号码，以13至19开头。"


def test_required_fields_per_kind() -> None:
    now = OPEN
    assert validate_field("home_visit", "name", "") == "请填写姓名。"
    assert validate_field("home_visit", "phone", None) == "请填写手机号码。"
    assert validate_field("home_visit", "address", " ") == "请填写上门服务的详细地址。"
    assert validate_field("home_visit", "matter", "") == "请选择要办理的事项。"
    assert validate_field("home_visit", "preferred", "") == "请选择希望上门的日期和时段。"
    # Assistance: the phone is optional, the kiosk's terminal is needed.
    assert validate_field("assistance", "phone", "") is None
    assert validate_field("assistance", "phone", "123") is not None
    assert validate_field("assistance", "terminal", "") is not None
    # The minimum: a kind does not take what it does not need.
    assert validate_field("green_ticket", "phone", PHONE) == "该服务不需要填写此项。"
    assert validate_field("assistance", "address", ADDRESS) == "该服务不需要填写此项。"
    assert validate_field("green_ticket", "phone", "") is None
    assert validate_field("home_visit", "visitor", "elderly") is None
    assert validate_field("home_visit", "visitor", "vip") == "请选择需要帮助的对象。"
    assert validate_field("taxi", "kind", "taxi") == "请选择需要的服务。"
    assert validate_field("home_visit", "name", "张3") == "姓名只能填写文字。"
    assert validate_field("home_visit", "address", "华容区") == "地址太短，请写到门牌号。"
    checks = {
        "2026-11-27 am": None,
        "2026-11-27 PM": None,
        "2026-11-26 pm": "请选择明天或以后的日期。",
        "2026-11-28 am": "所选日期不是工作日，请另选一天。",
        "2027-02-01 am": "请选择30天以内的日期。",
        "2026-11-27": "日期和时段格式不正确。",
        "2026-13-01 am": "日期和时段格式不正确。",
    }
    for value, expected in checks.items():
        assert validate_field("home_visit", "preferred", value, now=now) == expected, value


def test_an_invalid_request_names_every_field_and_writes_nothing(
    seeded_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(RequestInvalid) as caught:
        create(seeded_factory, kind="home_visit", visitor="elderly", phone="12345", name="")
    assert list(caught.value.errors) == ["name", "phone", "address", "matter", "preferred"]
    assert caught.value.message_zh == "请填写姓名。"
    # The English text (for logs and the CLI) never repeats a value.
    assert "12345" not in str(caught.value)
    with pytest.raises(RequestInvalid) as caught:
        home(seeded_factory, matter="NO-SUCH-MATTER")
    assert caught.value.errors == {"matter": "找不到该事项，请重新选择。"}
    with pytest.raises(RequestInvalid):
        create(seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-99")
    with seeded_factory() as session:
        assert session.scalars(select(PriorityRequest)).all() == []


# -- creating each kind ----------------------------------------------------------------------


def test_home_visit_is_stored_whole_and_shown_masked(seeded_factory: sessionmaker[Session]) -> None:
    view = home(seeded_factory)
    assert view.state == "new" and view.kind_label == "上门服务"
    assert len(view.reference) == 6 and set(view.reference) <= set(REFERENCE_ALPHABET)
    assert (view.masked_name, view.masked_phone) == ("张**", "139****5678")
    assert view.masked_address == "华容区华容镇****"
    assert view.preferred_text == "2026-11-27 上午"
    assert NAME not in repr(view) and PHONE not in repr(view) and "建设路" not in repr(view)
    assert PHONE not in str(view.as_json())
    with seeded_factory() as session:
        row = session.get_one(PriorityRequest, view.id)
        assert (row.name, row.phone, row.address) == (NAME, PHONE, ADDRESS)


def test_assistance_knows_where_the_kiosk_stands(seeded_factory: sessionmaker[Session]) -> None:
    view = create(seeded_factory, kind="assistance", visitor="pregnant", terminal="kiosk-02")
    assert view.location == "24小时自助服务区 2号机"
    assert view.masked_phone == "" and not view.has_contact
    with_phone = create(
        seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-01", phone=PHONE
    )
    assert with_phone.masked_phone == "139****5678" and with_phone.has_contact


def test_green_ticket_issues_a_priority_ticket_in_the_same_transaction(
    seeded_factory: sessionmaker[Session],
) -> None:
    view = create(seeded_factory, kind="green_ticket", visitor="elderly", queue="B")
    assert view.ticket_number == "B001"
    again = create(
        seeded_factory, kind="green_ticket", visitor="elderly", queue="B", request_key="tap-1"
    )
    retried = create(
        seeded_factory, kind="green_ticket", visitor="elderly", queue="B", request_key="tap-1"
    )
    assert retried.id == again.id and again.ticket_number == "B002"
    with seeded_factory() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.number == "B001"))
        assert ticket is not None
        assert (ticket.priority, ticket.channel) == ("elderly", "priority")
    # Out of hours no ticket is issued, and no request is left half-done.
    night = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    with pytest.raises(Conflict):
        create(seeded_factory, night, kind="green_ticket", visitor="elderly", queue="B")
    with seeded_factory() as session:
        assert len(session.scalars(select(PriorityRequest)).all()) == 2


def test_references_are_retried_on_a_clash(
    seeded_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = create(seeded_factory, kind="assistance", visitor="other", terminal="kiosk-01")
    picks = iter([first.reference, first.reference, "ACDEF3"])
    monkeypatch.setattr(priority, "new_reference", lambda: next(picks))
    second = create(seeded_factory, kind="assistance", visitor="other", terminal="kiosk-01")
    assert second.reference == "ACDEF3"


# -- a request's life ------------------------------------------------------------------------


def _audit(factory: sessionmaker[Session]) -> list[AuditEntry]:
    with factory() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_kind == "priority_request")
                .order_by(AuditEntry.at)
            )
        )


def test_each_state_change_is_timestamped_fed_and_audited(
    seeded_factory: sessionmaker[Session],
) -> None:
    with seeded_factory() as session:
        start = max((c.revision for c in changes_after(session, 0)), default=0)
    view = home(seeded_factory)
    t = OPEN + timedelta(minutes=2)
    accepted = act(seeded_factory, priority.accept, view.id, "assistant1", now=t)
    assert (accepted.state, accepted.accepted_by, accepted.assigned_to) == (
        "accepted",
        "吴芳",
        "吴芳",
    )
    assert accepted.accepted_at == t and accepted.waited_seconds == 120
    assigned = act(seeded_factory, priority.assign, view.id, "manager", "assistant2", now=t)
    assert (assigned.accepted_by, assigned.assigned_to) == ("吴芳", "郑红")
    noted = act(
        seeded_factory, priority.add_note, view.id, "assistant2", "已电话联系 13912345678", now=t
    )
    assert noted.note_count == 1
    done = act(seeded_factory, priority.finish, view.reference, "assistant2", now=t)
    assert done.state == "done" and done.finished_at == t

    with seeded_factory() as session:
        actions = [
            c.action
            for c in changes_after(session, start)
            if c.kind == "priority_request" and c.entity_id == str(view.id)
        ]
    assert actions == ["created", "accepted", "assigned", "noted", "done"]
    entries = _audit(seeded_factory)
    assert [e.action for e in entries] == [
        "priority.created",
        "priority.accepted",
        "priority.assigned",
        "priority.noted",
        "priority.finished",
    ]
    assert [e.actor for e in entries[1:]] == ["assistant1", "manager", "assistant2", "assistant2"]
    for entry in entries:
        text = str(entry.detail)
        assert NAME not in text and PHONE not in text and "建设路" not in text
        assert entry.detail["reference"] == view.reference


def test_wrong_states_and_roles_are_refused(seeded_factory: sessionmaker[Session]) -> None:
    view = home(seeded_factory)
    with pytest.raises(Conflict) as caught:
        act(seeded_factory, priority.finish, view.id, "assistant1")
    assert caught.value.message_zh == "请先接单，再办结。"
    with pytest.raises(Conflict) as caught:
        act(seeded_factory, priority.accept, view.id, "guide1")
    assert caught.value.message_zh == "您没有处理优先服务的权限。"
    with pytest.raises(Conflict):
        act(seeded_factory, priority.assign, view.id, "manager", "window1")
    act(seeded_factory, priority.accept, view.id, "assistant1")
    with pytest.raises(Conflict) as caught:
        act(seeded_factory, priority.accept, view.id, "assistant2")
    assert caught.value.message_zh == "该请求已被接单或已结束。"
    cancelled = act(seeded_factory, priority.cancel, view.id, "assistant1", reason="本人已到现场")
    assert cancelled.state == "cancelled" and cancelled.note_count == 1
    with pytest.raises(Conflict):
        act(seeded_factory, priority.finish, view.id, "assistant1")
    with pytest.raises(NotFound):
        act(seeded_factory, priority.accept, "ZZZZZZ", "assistant1")


def test_assigning_a_new_request_accepts_it(seeded_factory: sessionmaker[Session]) -> None:
    view = create(seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-01")
    assigned = act(seeded_factory, priority.assign, view.id, "manager", "assistant3")
    assert (assigned.state, assigned.accepted_by, assigned.assigned_to) == (
        "accepted",
        "周经理",
        "孙丽",
    )
    with seeded_factory() as session:
        assistants = priority.list_assistants(session)
    # By display name (code-point order on both backends): 吴芳, 孙丽, 郑红.
    assert [a.username for a in assistants] == ["assistant1", "assistant3", "assistant2"]


# -- overdue and the list --------------------------------------------------------------------


def test_overdue_after_the_configured_limit(seeded_factory: sessionmaker[Session]) -> None:
    view = create(seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-01")
    assert not is_overdue(view, OPEN + timedelta(minutes=5), timedelta(minutes=5))
    assert is_overdue(view, OPEN + timedelta(minutes=5, seconds=1), 5)
    with seeded_factory() as session:
        (row,) = list_requests(session, site="huarong", now=OPEN + timedelta(minutes=6))
    assert row.overdue and row.waited_seconds == 360
    with seeded_factory.begin() as session:
        set_setting(session, "priority_overdue_minutes", 10)
    with seeded_factory() as session:
        (row,) = list_requests(session, now=OPEN + timedelta(minutes=6))
    assert not row.overdue
    accepted = act(
        seeded_factory, priority.accept, view.id, "assistant1", now=OPEN + timedelta(minutes=20)
    )
    assert not accepted.overdue and accepted.waited_seconds == 1200


def test_list_filters_and_orders_home_visits_by_preferred_day(
    seeded_factory: sessionmaker[Session],
) -> None:
    late = home(seeded_factory, preferred="2026-11-30 pm")
    early_pm = home(seeded_factory, preferred="2026-11-27 pm", now=OPEN + timedelta(seconds=1))
    early_am = home(seeded_factory, preferred="2026-11-27 am", now=OPEN + timedelta(seconds=2))
    help_now = create(seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-01")
    gone = create(seeded_factory, kind="assistance", visitor="other", terminal="kiosk-01")
    act(seeded_factory, priority.cancel, gone.id, "assistant1")
    with seeded_factory() as session:
        visits = list_requests(session, kind="home_visit", now=OPEN)
        open_ = list_requests(session, states=["new", "accepted"], now=OPEN)
        cancelled = list_requests(session, states=["cancelled"], now=OPEN)
    assert [v.id for v in visits] == [early_am.id, early_pm.id, late.id]
    assert [v.id for v in open_] == [help_now.id, early_am.id, early_pm.id, late.id]
    assert [v.id for v in cancelled] == [gone.id]


def test_reveal_returns_the_contact_and_audits_who_looked(
    seeded_factory: sessionmaker[Session],
) -> None:
    view = home(seeded_factory)
    contact = act(seeded_factory, reveal_contact, view.id, "assistant1")
    assert (contact.name, contact.phone, contact.address) == (NAME, PHONE, ADDRESS)
    assert PHONE not in repr(contact) and NAME not in str(contact)
    (entry,) = [e for e in _audit(seeded_factory) if e.action == "priority.revealed"]
    assert entry.actor == "assistant1" and entry.entity_id == str(view.id)
    assert entry.detail == {"reference": view.reference}
    with pytest.raises(Conflict):
        act(seeded_factory, reveal_contact, view.id, "window1")
    bare = create(seeded_factory, kind="assistance", visitor="elderly", terminal="kiosk-01")
    with pytest.raises(Conflict) as caught:
        act(seeded_factory, reveal_contact, bare.id, "assistant1")
    assert caught.value.message_zh == "该请求没有留下联系方式。"


def test_notes_are_listed_oldest_first(seeded_factory: sessionmaker[Session]) -> None:
    view = home(seeded_factory)
    act(seeded_factory, priority.add_note, view.id, "assistant1", "第一条", now=OPEN)
    act(
        seeded_factory,
        priority.add_note,
        view.id,
        "assistant2",
        "第二条",
        now=OPEN + timedelta(minutes=1),
    )
    with seeded_factory() as session:
        notes = priority.list_notes(session, view.id)
        assert len(session.scalars(select(PriorityNote)).all()) == 2
    assert [(n.staff, n.text) for n in notes] == [("吴芳", "第一条"), ("郑红", "第二条")]


def test_the_open_inbox_reads_one_index_range_per_state(
    sqlite_factory: sessionmaker[Session],
) -> None:
    # History: finished requests of the past; the inbox as it opens (进行中) must not walk them.
    for n in range(30):
        done = create(
            sqlite_factory,
            now=OPEN - timedelta(days=n + 1),
            kind="assistance",
            visitor="elderly",
            terminal="kiosk-01",
        )
        act(sqlite_factory, priority.cancel, done.id, "assistant1")
    waiting = create(
        sqlite_factory, kind="assistance", visitor="other", terminal="kiosk-01", now=OPEN
    )
    engine = sqlite_factory.kw["bind"]
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM priority_requests" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for site in ("huarong", None):
            with sqlite_factory() as session:
                rows = list_requests(session, site=site, states=["new", "accepted"], now=OPEN)
            assert [r.id for r in rows] == [waiting.id]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "SCAN priority_requests" not in plan, plan
            assert (
                "priority_requests USING INDEX ix_priority_requests_site_state_created" in plan
                or ("priority_requests USING INDEX ix_priority_requests_state_created" in plan)
            ), plan
