"""Kiosk 优先服务 (issue #5, items 1 and 5): each flow walked by a visitor, end to end.

A real seeded SQLite file and the real services; only the printer (hardware) and the clock
are faked. Touches are real mouse clicks; name and address are typed as a USB keyboard would.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens import priority as priority_module
from kiosk.screens.priority import (
    ASSIST_SCREEN,
    CONTACT,
    DONE,
    MATTER,
    NAME,
    NOTICE,
    TIME,
    WHAT,
    PriorityFlow,
)
from kiosk.screens.ticket import RESULT
from kiosk.window import HOME
from shared.models import PriorityRequest, Terminal, Ticket
from shared.qt.a11y import check_accessibility
from shared.rendering.layout import Element, Text
from shared.rendering.priority_slip import render_priority_slip_pdf
from shared.services.catalog_search import index_for
from shared.services.priority import get_request
from shared.services.settings import change_setting
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, FakeClock, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
NAME_TYPED = "欧阳娜娜"
PHONE_TYPED = "13912345678"
ADDRESS_TYPED = "华容区华容镇建设路12号3栋"
PHONE_MESSAGE = "请填写11位手机号码，以13至19开头。"


class FakePrinter:
    """A receipt printer that records tickets and other receipts (or fails)."""

    def __init__(self) -> None:
        self.tickets: list[Any] = []
        self.receipts: list[tuple[list[Element], str]] = []

    def describe(self) -> str:
        return "fake"

    def print_ticket(self, slip: Any) -> None:
        self.tickets.append(slip)

    def print_receipt(self, elements: list[Element], name: str) -> None:
        self.receipts.append((list(elements), name))

    def receipt_text(self) -> str:
        return "\n".join(e.text for e in self.receipts[-1][0] if isinstance(e, Text))


def flow_of(kiosk: Kiosk) -> PriorityFlow:
    return kiosk.controller.priority_flow


class Visitor:
    """Walks the 优先服务 flow with real clicks and keys."""

    def __init__(self, qtbot: QtBot, kiosk: Kiosk, *, fake_printer: bool = True) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk
        self.flow = flow_of(kiosk)
        self.printer = FakePrinter()
        if fake_printer:  # else the terminal's own printer settings
            self.flow.printer_factory = lambda _config: self.printer
            self.kiosk.controller.ticket_flow.printer_factory = lambda _config: self.printer

    @property
    def screen(self) -> str:
        return self.kiosk.window.current_name

    def touch(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def open(self) -> None:
        with self.qtbot.waitSignal(self.flow.menu_loaded, timeout=10_000):
            self.touch(self.kiosk.controller.home.tiles["priority"])
        assert self.screen == NAME

    def choose(self, visitor: str, kind: str) -> None:
        self.touch(self.flow.who.tiles[visitor])
        assert self.screen == WHAT
        self.touch(self.flow.what.tiles[kind])

    def accept_notice(self) -> None:
        assert self.screen == NOTICE
        with self.qtbot.waitSignal(self.flow.matters_loaded, timeout=10_000):
            self.touch(self.flow.notice.accept_button)
        assert self.screen == CONTACT

    def dial(self, digits: str) -> None:
        for key in digits:
            self.touch(self.flow.contact.keypad.keys[key])

    def type_into(self, widget: QWidget, text: str) -> None:
        """Type as the system input method does: Chinese arrives as committed text (QTest
        can only press ASCII keys)."""
        self.touch(widget)
        if text.isascii():
            self.qtbot.keyClicks(widget, text)
            return
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)
        self.qtbot.keyClick(widget, Qt.Key.Key_Tab)  # on to the next field, as a visitor would

    def fill_contact(self) -> None:
        contact = self.flow.contact
        self.type_into(contact.name.edit, NAME_TYPED)
        self.touch(contact.keypad.keys["clear"])
        self.dial(PHONE_TYPED)
        self.type_into(contact.address.edit, ADDRESS_TYPED)


def _requests(factory: sessionmaker[Session]) -> list[PriorityRequest]:
    with factory() as session:
        return list(session.scalars(select(PriorityRequest).order_by(PriorityRequest.created_at)))


def _count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(PriorityRequest)) or 0)


def test_green_channel_issues_a_priority_ticket_through_a_request(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    tickets = kiosk.controller.ticket_flow
    with qtbot.waitSignal(tickets.menu_loaded, timeout=10_000):
        visitor.choose("pregnant", "green_ticket")
    assert tickets.queues.priority_label.text() == "绿色通道：孕妇优先办理"
    visitor.touch(tickets.queues.buttons["A"])
    with qtbot.waitSignal(tickets.print_finished, timeout=10_000):
        visitor.touch(tickets.confirm_screen.confirm_button)
    assert visitor.screen == RESULT
    assert tickets.result.number_label.text() == "A001"
    assert [s.number for s in visitor.printer.tickets] == ["A001"]

    (request,) = _requests(sqlite_factory)
    with sqlite_factory() as session:
        ticket = session.scalars(select(Ticket)).one()
    assert (request.kind, request.visitor, request.state) == ("green_ticket", "pregnant", "new")
    assert request.ticket_id == ticket.id
    assert (ticket.priority, ticket.channel, ticket.number) == ("pregnant", "priority", "A001")
    assert request.name is None and request.phone is None and request.address is None


def test_assistance_comes_to_this_kiosk(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("disabled", "assistance")
    assert visitor.screen == ASSIST_SCREEN
    assert visitor.flow.assist.place_label.text() == "您的位置：24小时自助服务区 1号机"
    with qtbot.waitSignal(visitor.flow.print_finished, timeout=10_000):
        visitor.touch(visitor.flow.assist.call_button)
    assert visitor.screen == DONE
    done = visitor.flow.done
    (request,) = _requests(sqlite_factory)
    assert done.reference_label.text() == request.reference
    assert done.next_label.text() == (
        "工作人员将在5分钟内到24小时自助服务区 1号机为您服务，请在本机旁稍候。"
    )
    assert done.print_label.text() == "请取走回执，凭编号查询办理进度"
    with sqlite_factory() as session:
        terminal = session.scalars(select(Terminal).where(Terminal.code == "kiosk-01")).one()
    assert (request.kind, request.visitor, request.terminal_id) == (
        "assistance",
        "disabled",
        terminal.id,
    )
    assert request.phone is None
    assert request.reference in visitor.printer.receipt_text()
    visitor.touch(done.home_button)
    assert visitor.screen == HOME


def test_assistance_with_an_optional_phone_number(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "assistance")
    visitor.touch(visitor.flow.assist.phone_button)
    assert visitor.screen == NOTICE
    assert "手机号" in visitor.flow.notice.what_label.text()
    visitor.touch(visitor.flow.notice.accept_button)
    assert visitor.screen == CONTACT
    contact = visitor.flow.contact
    assert contact.name.edit.isHidden() and contact.address.edit.isHidden()
    visitor.dial(PHONE_TYPED)
    with qtbot.waitSignal(visitor.flow.request_submitted, timeout=10_000):
        visitor.touch(contact.next_button)
    (request,) = _requests(sqlite_factory)
    assert (request.kind, request.phone) == ("assistance", PHONE_TYPED)
    assert visitor.flow.done.contact_label.text() == "139****5678"
    assert contact.phone.edit.text() == ""


def test_home_visit_end_to_end(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "printed"
    with sqlite_factory.begin() as session:
        session.execute(
            update(Terminal)
            .where(Terminal.code == "kiosk-01")
            .values(printer={"kind": "pdf-folder", "path": str(folder)})
        )
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk, fake_printer=False)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    assert visitor.flow.notice.what_label.text() == (
        "为安排上门服务，我们需要收集您的姓名、手机号和地址。"
    )
    visitor.accept_notice()
    contact = visitor.flow.contact

    visitor.type_into(contact.name.edit, NAME_TYPED)
    visitor.dial("12345678901")  # eleven digits, but no mobile number starts 12
    assert contact.phone.error.isVisible()
    assert contact.phone.error.text() == PHONE_MESSAGE
    visitor.touch(contact.next_button)
    assert visitor.screen == CONTACT  # not on with a wrong number, nor an empty address
    assert contact.address.error.text() == "请填写上门服务的详细地址。"
    visitor.touch(contact.keypad.keys["clear"])
    visitor.dial(PHONE_TYPED)
    assert not contact.phone.error.isVisible()
    visitor.type_into(contact.address.edit, ADDRESS_TYPED)
    assert not contact.address.error.isVisible()
    assert _count(sqlite_factory) == 0
    visitor.touch(contact.next_button)
    assert visitor.screen == MATTER

    matter = visitor.flow.matter
    assert "高龄津贴申领" in [b.text() for b in matter.choices.buttons.values()]
    visitor.touch(matter.next_button)
    assert matter.error.text() == "请选择要办理的事项。"
    with qtbot.waitSignal(visitor.flow.matters_loaded, timeout=10_000):
        visitor.type_into(matter.search_edit, "cjrz")
    first = next(iter(matter.choices.buttons.values()))
    assert first.text() == "残疾人证办理"
    visitor.touch(first)
    visitor.touch(matter.next_button)
    assert visitor.screen == TIME

    time = visitor.flow.time
    assert time.summary_label.text() == "上门办理：残疾人证办理"
    assert [b.text() for b in time.days.buttons.values()][:3] == [
        "11月27日 星期四",
        "11月28日 星期五",
        "12月1日 星期一",
    ]
    visitor.touch(time.submit_button)
    assert time.error.text() == "请选择希望上门的日期。"
    visitor.touch(time.days.buttons["2025-11-28"])
    visitor.touch(time.halves.buttons["pm"])
    assert not time.error.isVisible()
    with qtbot.waitSignal(visitor.flow.print_finished, timeout=10_000):
        visitor.touch(time.submit_button)
    assert visitor.screen == DONE

    (request,) = _requests(sqlite_factory)
    assert (request.kind, request.visitor, request.state) == ("home_visit", "elderly", "new")
    assert (request.name, request.phone, request.address) == (
        NAME_TYPED,
        PHONE_TYPED,
        ADDRESS_TYPED,
    )
    assert (request.preferred_date.isoformat(), request.preferred_half) == ("2025-11-28", "pm")
    with sqlite_factory() as session:
        view = get_request(session, request.id)
    assert (view.masked_name, view.masked_phone, view.masked_address) == (
        "欧***",
        "139****5678",
        "华容区华容镇****",
    )
    assert view.matter_name == "残疾人证办理"

    done = visitor.flow.done
    assert done.reference_label.text() == request.reference
    assert done.next_label.text() == (
        "工作人员将先与您电话联系确认，于11月28日下午上门服务。请保持电话畅通。"
    )
    assert done.contact_label.text() == "欧***  139****5678  华容区华容镇****"
    assert done.print_label.text() == "请取走回执，凭编号查询办理进度"
    # Typed data is gone from the form as soon as the request is stored.
    assert [contact.name.edit.text(), contact.phone.edit.text()] == ["", ""]
    assert contact.address.edit.text() == ""

    (pdf,) = folder.glob("priority-*.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(text.split())  # a huge reference may come back letter-spaced
    assert request.reference in squeezed and "139****5678" in text and "欧***" in text
    for secret in (NAME_TYPED, PHONE_TYPED, "建设路"):
        assert secret not in text


def test_refusing_the_notice_stores_nothing(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("other", "home_visit")
    visitor.touch(visitor.flow.notice.decline_button)
    assert visitor.screen == WHAT
    visitor.touch(visitor.flow.what.tiles["assistance"])
    visitor.touch(visitor.flow.assist.phone_button)
    visitor.touch(visitor.flow.notice.decline_button)
    assert visitor.screen == ASSIST_SCREEN
    qtbot.wait(100)
    assert _count(sqlite_factory) == 0


def test_cannot_type_calls_an_assistant_and_drops_what_was_typed(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    visitor.accept_notice()
    visitor.type_into(visitor.flow.contact.name.edit, NAME_TYPED)
    visitor.touch(visitor.flow.contact.help_button)
    assert visitor.screen == ASSIST_SCREEN
    assert visitor.flow.contact.name.edit.text() == ""
    with qtbot.waitSignal(visitor.flow.request_submitted, timeout=10_000):
        visitor.touch(visitor.flow.assist.call_button)
    (request,) = _requests(sqlite_factory)
    assert (request.kind, request.name, request.phone) == ("assistance", None, None)


def test_idle_return_clears_what_was_typed(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    # The catalog index is built before the visitor starts, as on a kiosk that has been up a
    # while: with 0.3 s of quiet allowed, the first build (about 2 s) would outlast it.
    with sqlite_factory() as session:
        index_for(session)
    kiosk = make_kiosk(sqlite_factory, FAST)  # 0.3 s quiet, then a 3-tick countdown
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    visitor.accept_notice()
    visitor.fill_contact()
    contact = visitor.flow.contact
    assert contact.name.edit.text() == NAME_TYPED
    with qtbot.waitSignal(kiosk.controller.idle.timed_out, timeout=10_000):
        pass
    assert visitor.screen == HOME
    assert [f.edit.text() for f in contact.fields] == ["", "", ""]
    assert visitor.flow.visitor is None and visitor.flow.matter.chosen() is None
    assert _count(sqlite_factory) == 0


def test_logs_hold_no_personal_data(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    visitor.accept_notice()
    visitor.fill_contact()
    visitor.touch(visitor.flow.contact.next_button)
    visitor.touch(next(iter(visitor.flow.matter.choices.buttons.values())))
    visitor.touch(visitor.flow.matter.next_button)
    visitor.touch(next(iter(visitor.flow.time.days.buttons.values())))
    visitor.touch(visitor.flow.time.halves.buttons["am"])
    with qtbot.waitSignal(visitor.flow.print_finished, timeout=10_000):
        visitor.touch(visitor.flow.time.submit_button)
    (request,) = _requests(sqlite_factory)
    assert request.name == NAME_TYPED  # the flow did run to the end

    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    assert request.reference in logged  # the flow logs, by reference
    for secret in (NAME_TYPED, PHONE_TYPED, ADDRESS_TYPED, "建设路", PHONE_TYPED[-4:]):
        assert secret not in logged, secret


def test_the_slip_prints_masked_data_only(sqlite_factory: sessionmaker[Session]) -> None:
    from shared.services.kiosk_priority import common_matters, submit_request
    from tests.kiosk.conftest import OPEN_INSTANT

    with sqlite_factory.begin() as session:
        matter = common_matters(session, site="huarong")[0]
        made = submit_request(
            session,
            site="huarong",
            kind="home_visit",
            visitor="elderly",
            name=NAME_TYPED,
            phone=PHONE_TYPED,
            address=ADDRESS_TYPED,
            matter=matter.code,
            preferred="2025-11-27 am",
            now=OPEN_INSTANT,
        )
    assert made.slip.masked_phone == "139****5678"
    pdf = render_priority_slip_pdf(made.slip)
    assert pdf.startswith(b"%PDF")
    text = repr(made.slip)
    for secret in (NAME_TYPED, PHONE_TYPED, ADDRESS_TYPED):
        assert secret not in text


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_priority_screens_pass_accessibility(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    size: tuple[int, int],
    elder: bool,
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=size)
    if elder:
        qtbot.mouseClick(kiosk.controller.home.elder_switch, Qt.MouseButton.LeftButton)
    tokens = kiosk.controller.tokens
    visitor = Visitor(qtbot, kiosk)

    def check(name: str) -> None:
        # The screen changes and lays out after background work: wait for it, not a fixed time
        # (a loaded CI machine took longer than the 10 ms this once waited).
        qtbot.waitUntil(lambda: visitor.screen == name)
        with contextlib.suppress(AssertionError):
            qtbot.waitUntil(lambda: not check_accessibility(kiosk.window, tokens), timeout=3000)
        problems = check_accessibility(kiosk.window, tokens)
        assert problems == [], "\n".join(map(str, problems))
        assert kiosk.window.width() <= size[0] and kiosk.window.height() <= size[1]

    visitor.open()
    check(NAME)
    visitor.touch(visitor.flow.who.tiles["elderly"])
    check(WHAT)
    visitor.touch(visitor.flow.what.tiles["home_visit"])
    check(NOTICE)
    visitor.accept_notice()
    visitor.dial("12345678901")
    visitor.touch(visitor.flow.contact.next_button)  # every field's message shows
    check(CONTACT)
    visitor.touch(visitor.flow.contact.keypad.keys["clear"])
    visitor.fill_contact()
    visitor.touch(visitor.flow.contact.next_button)
    visitor.touch(visitor.flow.matter.next_button)  # the message under the list
    check(MATTER)
    visitor.touch(next(iter(visitor.flow.matter.choices.buttons.values())))
    visitor.touch(visitor.flow.matter.next_button)
    visitor.touch(visitor.flow.time.submit_button)
    check(TIME)
    visitor.touch(next(iter(visitor.flow.time.days.buttons.values())))
    visitor.touch(visitor.flow.time.halves.buttons["am"])
    with qtbot.waitSignal(visitor.flow.print_finished, timeout=10_000):
        visitor.touch(visitor.flow.time.submit_button)
    check(DONE)
    visitor.touch(visitor.flow.done.home_button)
    visitor.open()
    visitor.choose("pregnant", "assistance")
    check(ASSIST_SCREEN)


def test_out_of_hours_no_assistant_is_promised_but_home_visits_stay(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.advance(hours=12)  # 22:05 in the hall: closed
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.touch(visitor.flow.who.tiles["elderly"])
    what = visitor.flow.what
    assert what.tiles["assistance"].isHidden()
    assert what.note_label.text() == "现在不是办公时间，工作人员不在大厅；您可以预约上门服务。"
    visitor.touch(what.tiles["home_visit"])
    assert visitor.screen == NOTICE


def test_module_name_matches_the_home_choice() -> None:
    from kiosk.screens import names

    assert priority_module.NAME == names.PRIORITY


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_a_failure_names_who_can_help_now(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    night: bool,
) -> None:
    """A home visit can be booked at night, when nobody is at the desk: a failure then names
    the hotline, never 工作人员 or 服务台 (by day, the desk)."""
    from shared.services import kiosk_priority

    def broken(session: Session, *args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(kiosk_priority, "common_matters", broken)
    with sqlite_factory.begin() as session:
        change_setting(session, "service_hotline", "0716-12345", actor="test")
    if night:
        clock.advance(hours=12)  # 22:05 in the hall: closed
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    matter = visitor.flow.matter
    visitor.touch(visitor.flow.notice.accept_button)  # the common matters load, and fail
    qtbot.waitUntil(lambda: matter.error.text() != "", timeout=10_000)
    contact = visitor.flow.contact
    visitor.type_into(contact.name.edit, NAME_TYPED)
    visitor.dial(PHONE_TYPED)
    visitor.type_into(contact.address.edit, ADDRESS_TYPED)
    visitor.touch(contact.next_button)
    assert visitor.screen == MATTER
    assert matter.error.isVisible()
    if night:
        assert matter.error.text() == (
            "暂时无法查询事项，请稍后再试，或拨打 0716-12345 政务服务便民热线。"
        )
    else:
        assert matter.error.text() == "暂时无法查询事项，请稍后再试，或请工作人员帮忙。"
