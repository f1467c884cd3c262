"""Kiosk 取号 (issue #3, items 5, 6 and 9): home → queue → 确认取号 → the number, printed.

A real seeded SQLite file and the real allocator; only the printer (hardware) and the clock are
faked. Touches are real mouse clicks, counted, so "three touches from home" is checked.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import kiosk.screens.ticket as ticket_module
from kiosk.controller import KioskOptions
from kiosk.screens.ticket import CONFIRM, MESSAGE, NAME, RESULT, TicketFlow
from kiosk.screens.ticket_views import ConfirmScreen, QueueListScreen, ResultScreen
from kiosk.window import HOME
from shared.db import create_session_factory
from shared.models import Terminal, Ticket
from shared.models.feed import Change
from shared.printing import PrintError
from shared.qt.a11y import check_accessibility
from shared.qt.printing import PrintOutcome
from shared.rendering import TicketSlip
from shared.rendering.ticket import ticket_layout
from shared.services import window_sessions
from shared.services.tickets import issue_ticket
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, FakeClock, Kiosk, KioskMaker
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

# Fast timers, but no idle return in the middle of an assertion (one test checks it).
OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
FAILED_ADVICE = "打印机暂时无法出票，请记住您的号码 {number}，并到服务台补打"


class FakePrinter:
    """A receipt printer that records what it was given, or fails like a jammed one."""

    def __init__(self, error: PrintError | None = None) -> None:
        self.error = error
        self.printed: list[TicketSlip] = []

    def describe(self) -> str:
        return "fake"

    def print_ticket(self, slip: TicketSlip) -> None:
        if self.error is not None:
            raise self.error
        self.printed.append(slip)


class Visitor:
    """Walks the kiosk with real clicks and counts the touches."""

    def __init__(self, qtbot: QtBot, kiosk: Kiosk) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk
        self.touches = 0

    @property
    def flow(self) -> TicketFlow:
        return self.kiosk.controller.ticket_flow

    def touch(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.touches += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def take_ticket_screen(self) -> QueueListScreen:
        with self.qtbot.waitSignal(self.flow.menu_loaded, timeout=10_000):
            self.touch(self.kiosk.controller.home.tiles["ticket"])
        assert self.kiosk.window.current_name == NAME
        return self.flow.queues

    def choose(self, prefix: str) -> ConfirmScreen:
        self.touch(self.flow.queues.buttons[prefix])
        assert self.kiosk.window.current_name == CONFIRM
        return self.flow.confirm_screen

    def confirm(self) -> ResultScreen:
        with (
            self.qtbot.waitSignal(self.flow.ticket_issued, timeout=10_000),
            self.qtbot.waitSignal(self.flow.print_finished, timeout=10_000),
        ):
            self.touch(self.flow.confirm_screen.confirm_button)
        assert self.kiosk.window.current_name == RESULT
        return self.flow.result


def _set_printer(factory: sessionmaker[Session], config: dict[str, Any]) -> None:
    with factory.begin() as session:
        session.execute(update(Terminal).where(Terminal.code == "kiosk-01").values(printer=config))


def _tickets(factory: sessionmaker[Session]) -> list[Ticket]:
    with factory() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.sequence)))


def _issue_at_desk(
    factory: sessionmaker[Session], now: datetime, count: int, queue: str = "A"
) -> None:
    with factory.begin() as session:
        for _ in range(count):
            issue_ticket(session, site="huarong", queue=queue, channel="desk", now=now)


def _fake_printer(kiosk: Kiosk, printer: FakePrinter) -> Callable[[dict[str, Any]], FakePrinter]:
    def make(config: dict[str, Any]) -> FakePrinter:
        return printer

    kiosk.controller.ticket_flow.printer_factory = make
    return make


def test_three_touches_from_home_to_a_printed_ticket(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "printed"
    _set_printer(sqlite_factory, {"kind": "pdf-folder", "path": str(folder)})
    # Queue H: three windows and a 4-minute default, so four ahead wait 1–4 minutes. All of
    # H's and A's windows are signed in (issue #9: only open windows count).
    open_windows(sqlite_factory, range(1, 9), now=clock.now)
    open_windows(sqlite_factory, [31], now=clock.now)
    _issue_at_desk(sqlite_factory, clock.now, 4, "H")
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))

    queues = visitor.take_ticket_screen()
    button = queues.buttons["H"]
    assert button.title_label.text() == "H  综合出件"
    assert button.status_label.text() == "等候 4 人"
    assert button.wait_label.text() == "预计 1–4 分钟"
    assert queues.buttons["A"].wait_label.text() == "即将叫号"  # eight windows, nobody waits
    confirm = visitor.choose("H")
    assert confirm.queue_label.text() == "H  综合出件"
    assert confirm.ahead_label.text() == "前面还有 4 人"
    assert confirm.wait_label.text() == "预计等候 1–4 分钟"
    assert confirm.confirm_button.text() == "确认取号"
    result = visitor.confirm()

    assert visitor.touches == 3
    assert result.number_label.text() == "H005"
    assert result.ahead_label.text() == "前面还有 4 人 · 预计等候 1–4 分钟"
    assert result.time_label.text() == "取号时间 11月26日 10:05"
    assert result.print_label.text() == "请取走号票，留意叫号屏和语音提示"
    tickets = _tickets(sqlite_factory)
    assert [t.number for t in tickets] == ["H001", "H002", "H003", "H004", "H005"]
    mine = tickets[-1]
    assert (mine.channel, mine.state, mine.print_state) == ("kiosk", "issued", "printed")
    assert mine.request_key and mine.priority is None

    pdf = folder / "20251126-H005.pdf"
    assert pdf.exists()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "H005" in text and "综合出件" in text

    qtbot.mouseClick(result.home_button, Qt.MouseButton.LeftButton)
    assert visitor.kiosk.window.current_name == HOME


def test_double_tap_on_confirm_gives_one_ticket_printed_once(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    printer = FakePrinter()
    _fake_printer(kiosk, printer)
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    confirm = visitor.choose("C")
    outcomes: list[PrintOutcome] = []
    kiosk.controller.ticket_flow.print_finished.connect(outcomes.append)
    with qtbot.waitSignal(kiosk.controller.ticket_flow.print_finished, timeout=10_000):
        qtbot.mouseDClick(confirm.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(confirm.confirm_button, Qt.MouseButton.LeftButton)
        # A tap that slips past the disabled button is the request already on its way.
        kiosk.controller.ticket_flow.confirm()
    qtbot.wait(200)
    assert [t.number for t in _tickets(sqlite_factory)] == ["C001"]
    assert [s.number for s in printer.printed] == ["C001"]
    assert len(outcomes) == 1
    assert kiosk.controller.ticket_flow.result.number_label.text() == "C001"


def test_retry_after_a_database_error_reuses_the_request_key(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys: list[str] = []
    real = ticket_module.issue_kiosk_ticket

    def flaky(session: Session, **kwargs: Any) -> Any:
        keys.append(kwargs["request_key"])
        if len(keys) == 1:
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return real(session, **kwargs)

    monkeypatch.setattr(ticket_module, "issue_kiosk_ticket", flaky)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    _fake_printer(kiosk, FakePrinter())
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    confirm = visitor.choose("A")
    visitor.touch(confirm.confirm_button)
    qtbot.waitUntil(lambda: confirm.error_label.isVisible(), timeout=10_000)
    assert kiosk.window.current_name == CONFIRM
    assert "系统暂时无法取号" in confirm.error_label.text()
    assert "Error" not in confirm.error_label.text()
    assert confirm.confirm_button.isEnabled()
    visitor.confirm()
    assert keys[0] == keys[1]
    assert [t.request_key for t in _tickets(sqlite_factory)] == [keys[0]]

    # A new confirmation screen is a new request.
    qtbot.mouseClick(kiosk.controller.ticket_flow.result.home_button, Qt.MouseButton.LeftButton)
    visitor.take_ticket_screen()
    visitor.choose("A")
    visitor.confirm()
    assert keys[2] != keys[0]
    assert [t.number for t in _tickets(sqlite_factory)] == ["A001", "A002"]


def test_print_failure_keeps_the_number_with_advice_and_alerts_staff(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    _fake_printer(kiosk, FakePrinter(PrintError("paper out", "打印机缺纸")))
    with sqlite_factory() as session:
        before = session.scalar(select(Change.revision).order_by(Change.revision.desc())) or 0
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    visitor.choose("A")
    result = visitor.confirm()
    assert visitor.touches == 3
    assert result.number_label.text() == "A001"
    assert result.print_label.text() == FAILED_ADVICE.format(number="A001")
    assert result.print_label.property("role") == "kiosk_notice"
    assert kiosk.window.current_name == RESULT
    (ticket,) = _tickets(sqlite_factory)
    assert (ticket.state, ticket.print_state) == ("issued", "print_failed")
    with sqlite_factory() as session:
        alerts = session.scalars(
            select(Change.action).where(Change.revision > before, Change.kind == "ticket")
        ).all()
    assert "print_failed" in alerts


def test_a_kiosk_without_a_printer_shows_the_number_to_note(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    # The demo kiosk-01 has no printer ({}); "none" is the same.
    _set_printer(sqlite_factory, {"kind": "none"})
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.take_ticket_screen()
    visitor.choose("B")
    result = visitor.confirm()
    assert result.number_label.text() == "B001"
    assert "请记住您的号码 B001" in result.print_label.text()
    (ticket,) = _tickets(sqlite_factory)
    assert (ticket.state, ticket.print_state) == ("issued", "pending")


def test_bad_printer_settings_count_as_a_failed_print(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    _set_printer(sqlite_factory, {"kind": "escpos-network"})  # no host
    visitor = Visitor(qtbot, make_kiosk(sqlite_factory, OPTIONS))
    visitor.take_ticket_screen()
    visitor.choose("A")
    result = visitor.confirm()
    assert result.print_label.text() == FAILED_ADVICE.format(number="A001")
    assert _tickets(sqlite_factory)[0].print_state == "print_failed"


@pytest.mark.parametrize(
    ("instant", "message"),
    [
        # Wednesday 18:00: tomorrow morning.
        (datetime(2025, 11, 26, 10, 0, tzinfo=UTC), "现在不是取号时间，请于明天 08:30后再来取号。"),
        # Wednesday 12:30: this afternoon.
        (datetime(2025, 11, 26, 4, 30, tzinfo=UTC), "现在不是取号时间，请于今天 14:30后再来取号。"),
    ],
)
def test_outside_hall_hours_says_when_to_come_back(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    instant: datetime,
    message: str,
) -> None:
    clock.now = instant
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.window.current_name == MESSAGE, timeout=10_000)
    screen = kiosk.controller.ticket_flow.message
    assert screen.message_label.text() == message
    assert screen.detail_label.text() == "办事指南、优先服务和评价仍可使用。"
    assert _tickets(sqlite_factory) == []
    assert screen.home_button is not None
    qtbot.mouseClick(screen.home_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == HOME
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == "guide"


def test_hall_closing_before_confirm_shows_the_services_message(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.now = datetime(2025, 11, 26, 3, 59, tzinfo=UTC)  # 11:59
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    visitor.choose("A")
    clock.advance(minutes=2)
    visitor.touch(kiosk.controller.ticket_flow.confirm_screen.confirm_button)
    qtbot.waitUntil(lambda: kiosk.window.current_name == MESSAGE, timeout=10_000)
    text = kiosk.controller.ticket_flow.message.message_label.text()
    assert text.startswith("现在不是办理时间") and "14:30" in text
    assert _tickets(sqlite_factory) == []


def test_a_database_error_on_the_queue_list_is_plain_and_has_a_way_home(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(session: Session, **kwargs: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(ticket_module, "ticket_menu", broken)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.window.current_name == MESSAGE, timeout=10_000)
    screen = kiosk.controller.ticket_flow.message
    assert screen.message_label.text() == "系统暂时无法取号，请稍后再试，或到服务台取号。"
    assert screen.home_button is not None
    qtbot.mouseClick(screen.home_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == HOME


def test_queue_counts_follow_the_change_feed(
    qtbot: QtBot, make_kiosk: KioskMaker, seeded_sqlite_url: str, clock: FakeClock
) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    kiosk = make_kiosk(factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    queues = visitor.take_ticket_screen()
    assert queues.buttons["A"].status_label.text().startswith("等候 0 人")
    other = create_session_factory(seeded_sqlite_url)  # another terminal
    _issue_at_desk(other, clock.now, 3)
    qtbot.waitUntil(
        lambda: queues.buttons["A"].status_label.text().startswith("等候 3 人"), timeout=2000
    )
    confirm = visitor.choose("A")
    _issue_at_desk(other, clock.now, 1)
    qtbot.waitUntil(lambda: confirm.ahead_label.text() == "前面还有 4 人", timeout=2000)
    other.kw["bind"].dispose()
    factory.kw["bind"].dispose()


def test_green_channel_entry_for_priority_help(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    _issue_at_desk(sqlite_factory, clock.now, 3)
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    _fake_printer(kiosk, FakePrinter())
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=10_000):
        flow.start(priority="elderly")
    assert flow.queues.priority_label.text() == "绿色通道：老年人优先办理"
    assert flow.queues.buttons["A"].status_label.text().startswith("前面 0 人")
    visitor = Visitor(qtbot, kiosk)
    confirm = visitor.choose("A")
    assert confirm.priority_label.isVisible()
    assert confirm.ahead_label.text() == "前面还有 0 人"
    result = visitor.confirm()
    assert result.number_label.text() == "A004"
    assert result.priority_label.text() == "绿色通道：老年人优先办理"
    assert _tickets(sqlite_factory)[-1].priority == "elderly"
    with pytest.raises(ValueError, match="unknown priority"):
        flow.start(priority="vip")


def test_idle_return_from_the_number(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, FAST)
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    visitor.choose("A")
    visitor.confirm()
    qtbot.waitUntil(lambda: kiosk.window.current_name == HOME, timeout=5000)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_ticket_screens_pass_accessibility(
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
    _fake_printer(kiosk, FakePrinter(PrintError("offline", "打印机未连接")))
    visitor = Visitor(qtbot, kiosk)

    def check(name: str) -> None:
        qtbot.wait(10)
        assert kiosk.window.current_name == name
        problems = check_accessibility(kiosk.window, tokens)
        assert problems == [], "\n".join(map(str, problems))

    visitor.take_ticket_screen()
    check(NAME)
    visitor.choose("A")
    check(CONFIRM)
    visitor.confirm()
    check(RESULT)
    assert visitor.touches == 3


def test_request_keys_are_fresh_per_confirmation(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = Visitor(qtbot, kiosk)
    visitor.take_ticket_screen()
    visitor.choose("A")
    first = kiosk.controller.ticket_flow.request_key
    qtbot.mouseClick(
        kiosk.controller.ticket_flow.confirm_screen.back_button, Qt.MouseButton.LeftButton
    )
    assert kiosk.window.current_name == NAME
    visitor.choose("A")
    second = kiosk.controller.ticket_flow.request_key
    assert first and second and first != second
    assert uuid.UUID(hex=first)


def test_no_window_open_is_said_honestly_on_every_screen_and_the_slip(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    """Issue #9: seven people ahead and nobody signed in at an H window — the kiosk never says
    即将叫号 nor guesses minutes: the button, the confirmation, the number screen and the
    printed slip all say 窗口暂未开放. A paused window does not count either."""
    open_windows(sqlite_factory, [31], now=clock.now)
    with sqlite_factory.begin() as session:
        window_sessions.pause(session, site="huarong", window=31, reason="会议", now=clock.now)
    _issue_at_desk(sqlite_factory, clock.now, 7, "H")
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    printer = FakePrinter()
    _fake_printer(kiosk, printer)
    visitor = Visitor(qtbot, kiosk)

    queues = visitor.take_ticket_screen()
    assert queues.buttons["H"].status_label.text() == "等候 7 人"
    assert queues.buttons["H"].wait_label.text() == "窗口暂未开放"
    assert all("即将叫号" not in b.wait_label.text() for b in queues.buttons.values())
    confirm = visitor.choose("H")
    assert confirm.ahead_label.text() == "前面还有 7 人"
    assert confirm.wait_label.text() == "窗口暂未开放，暂无法估计等候时间"
    result = visitor.confirm()
    assert result.ahead_label.text() == "前面还有 7 人 · 窗口暂未开放，暂无法估计等候时间"
    (slip,) = printer.printed
    assert (slip.windows_open, slip.wait_minutes, slip.people_ahead) == (False, None, 7)
    lines = [getattr(e, "text", "") for e in ticket_layout(slip)]
    assert "窗口暂未开放，暂无法估计等候时间" in lines
    assert not any("即将叫号" in line or "分钟" in line for line in lines)
