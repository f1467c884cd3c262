"""叫号 window mode: call next (priority first), recall, no-show, serve, finish, transfer
(issue #3, item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.board import BoardWindow
from reception.modules.calling import WindowPage
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import WindowEvent
from shared.qt.a11y import check_accessibility
from shared.qt.announcer import Announcer
from shared.qt.theme import NORMAL
from shared.services import calling, window_sessions
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


def silent(parent: QObject) -> Announcer:
    return Announcer(None, parent)


def open_window(
    qtbot: QtBot,
    console: Console,
    window: int = 3,
    username: str = "window1",
    sign_in: bool = True,
) -> WindowPage:
    """The 叫号 page at ``window``; signed in with 签到 first unless ``sign_in`` is false
    (a window calls only once signed in, issue #9)."""
    page = WindowPage(console.context(username), announcer_factory=silent)
    qtbot.add_widget(page)
    page.resize(1600, 1000)
    with qtbot.wait_signal(page.state_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.show()
    if page.window_number != window:
        with qtbot.wait_signal(page.state_loaded, timeout=SIGNAL_TIMEOUT_MS):
            page.choose_window(window)
    if sign_in:
        press(qtbot, page, page.sign_in_button, page.session_changed)
        assert page.session is not None and page.session.state == "open"
    return page


def press(
    qtbot: QtBot, page: WindowPage, button: QPushButton, signal: Any = None
) -> tuple[str, Any]:
    """Click an action button; wait for the action (``signal``, else ``action_done``) and
    for the page's refresh after it."""
    assert button.isEnabled(), button.text()
    signal = signal if signal is not None else page.action_done
    events: list[str] = []
    signal.connect(lambda *_args: events.append("done"))
    page.state_loaded.connect(lambda _state: events.append("loaded"))
    with qtbot.wait_signal(signal, timeout=SIGNAL_TIMEOUT_MS) as done:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "loaded" in events[events.index("done") :], timeout=SIGNAL_TIMEOUT_MS)
    return done.args[0], done.args[1]


def test_a_clerk_works_a_ticket_from_call_to_finish(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    console.issue("A", priority="elderly")
    page = open_window(qtbot, console, 3)
    assert page.waiting_label.text() == "A 综合受理：等候 2 人（优先 1 人）"
    assert not page.recall_button.isEnabled() and page.call_button.isEnabled()

    _, called = press(qtbot, page, page.call_button)
    assert called.number == "A002"  # the priority ticket first
    assert page.number_label.text() == "A002"
    assert page.detail_label.text() == "已呼叫 · 综合受理 · 老年人优先"
    assert page.waiting_label.text() == "A 综合受理：等候 1 人"
    assert {b.text() for b in (page.recall_button, page.no_show_button, page.start_button)} == {
        "重呼",
        "过号",
        "开始办理",
    }

    press(qtbot, page, page.recall_button)
    assert "已重呼 1 次" in page.detail_label.text()
    press(qtbot, page, page.no_show_button)
    assert page.detail_label.text().startswith("过号")
    assert page.recall_button.isEnabled() and not page.finish_button.isEnabled()
    press(qtbot, page, page.recall_button)  # back within the grace period
    assert page.detail_label.text().startswith("已呼叫")
    press(qtbot, page, page.start_button)
    assert page.detail_label.text().startswith("办理中")
    assert not page.recall_button.isEnabled() and not page.no_show_button.isEnabled()
    press(qtbot, page, page.finish_button)
    assert page.number_label.text() == "—"
    assert page.ticket_rows() == [("A002", "已办结")]
    assert console.ticket("A002").state == "done"

    _, called = press(qtbot, page, page.call_button)
    assert called.number == "A001"
    _, nobody = press(qtbot, page, page.call_button)  # A001 finishes, nobody else waits
    assert nobody is None
    assert page.message.isVisible() and page.message.text() == "无人等候"
    assert [n for n, _ in page.ticket_rows()] == ["A001", "A002"]


def test_transfer_to_another_queue_keeps_the_place(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    page = open_window(qtbot, console, 3)
    press(qtbot, page, page.call_button)
    qtbot.mouseClick(page.transfer_button, Qt.MouseButton.LeftButton)
    dialog = page.transfer_dialog
    assert dialog is not None and dialog.isVisible()
    prefixes = [
        dialog.queues.item(r).data(Qt.ItemDataRole.UserRole) for r in range(dialog.queues.count())
    ]
    assert "A" not in prefixes and "B" in prefixes
    dialog.choose("B")
    action, moved = press(qtbot, page, dialog.buttons.buttons()[0])
    assert (action, moved.number, moved.queue_prefix) == ("transfer", "B001", "B")
    assert page.message.text() == "已转到 不动产登记，新号码 B001。"
    assert console.ticket("A001").state == "transferred"
    assert console.ticket("B001").issued_at == console.ticket("A001").issued_at
    assert page.number_label.text() == "—"


def test_refusals_are_said_plainly(qtbot: QtBot, console_on: Any, seeded_sqlite_url: str) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    page = open_window(qtbot, console, 3)
    press(qtbot, page, page.call_button)
    # Another terminal cancels the ticket before this page hears of it.
    console.hub.changes_arrived.disconnect(page.on_changes_arrived)
    with console.factory.begin() as session:
        calling.cancel(session, site="huarong", number="A001")
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["号码A001当前状态无法执行该操作。"]
    assert page.message.isVisible() and page.message.text() == failed.args[0]
    qtbot.waitUntil(lambda: page.number_label.text() == "—", timeout=SIGNAL_TIMEOUT_MS)


def test_calls_from_other_windows_update_the_counts(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    page = open_window(qtbot, console, 3)
    assert page.waiting_label.text() == "A 综合受理：等候 0 人"
    console.issue("A")
    console.issue("A")
    qtbot.waitUntil(lambda: "等候 2 人" in page.waiting_label.text(), timeout=2_000)


def test_window_clerk_logs_in_and_the_window_is_remembered(
    qtbot: QtBot, open_shell: ShellMaker, console_on: Any, seeded_sqlite_url: str
) -> None:
    console_on(seeded_sqlite_url)
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "window1", DEMO_PASSWORD)
    assert shell.console is not None
    page = shell.console.module("calling")
    assert isinstance(page, WindowPage)
    qtbot.waitUntil(lambda: page.window_number == 1, timeout=SIGNAL_TIMEOUT_MS)
    with qtbot.wait_signal(page.state_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.window_combo.setCurrentIndex(page.window_combo.findData(5))
    shell.console.select_module("live")
    shell.console.select_module("calling")
    assert page.window_number == 5 and page.window_combo.currentText().startswith("5号窗口")


def test_window_mode_passes_the_accessibility_check(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("B", priority="disabled")
    page = open_window(qtbot, console, 1)
    press(qtbot, page, page.call_button)
    assert page.number_label.text() == "B001"
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, r"This plugin does not support raise\(\)")
def test_the_board_opens_from_window_mode_and_announces_its_calls(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    page = open_window(qtbot, console, 3)
    with qtbot.wait_signal(page.board_opened, timeout=SIGNAL_TIMEOUT_MS) as opened:
        qtbot.mouseClick(page.board_button, Qt.MouseButton.LeftButton)
    board = opened.args[0]
    assert isinstance(board, BoardWindow) and board.isVisible() and board.isWindow()
    qtbot.waitUntil(lambda: board.state is not None, timeout=SIGNAL_TIMEOUT_MS)
    with qtbot.wait_signal(board.calls_announced, timeout=SIGNAL_TIMEOUT_MS):
        press(qtbot, page, page.call_button)
    assert board.announcer.history == ["请 A001 号 到 3 号窗口办理"]
    assert board.call_label.text() == "A001" and board.window_label.text() == "请到 3 号窗口"
    assert page.open_board() is board  # one board, brought forward


def test_sign_in_pause_resume_and_sign_out_drive_the_call_button(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #9: 叫下一位 works only while the window is signed in and not paused, and says
    why otherwise; each move is a window event."""
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    page = open_window(qtbot, console, 3, sign_in=False)
    assert page.session_label.text() == "3号窗口 · 未签到"
    assert not page.call_button.isEnabled()
    assert page.blocked_label.isVisible()
    assert page.blocked_label.text() == "窗口尚未签到，请先签到再叫号。"
    assert page.call_button.toolTip() == page.blocked_label.text()
    assert page.sign_in_button.isVisible() and not page.pause_button.isVisible()

    action, status = press(qtbot, page, page.sign_in_button, page.session_changed)
    assert (action, status.state, status.staff_username) == ("sign_in", "open", "window1")
    assert page.session_label.text().startswith("3号窗口 · 已签到 · 杨帆 · ")
    assert page.call_button.isEnabled() and not page.blocked_label.isVisible()
    assert not page.sign_in_button.isVisible() and page.pause_button.isEnabled()
    _, called = press(qtbot, page, page.call_button)
    assert called.number == "A001"

    page.reason_combo.setCurrentIndex(page.reason_combo.findText("系统故障"))
    _, status = press(qtbot, page, page.pause_button, page.session_changed)
    assert (status.state, status.reason) == ("paused", "系统故障")
    assert "暂停中（系统故障）" in page.session_label.text()
    assert not page.call_button.isEnabled()
    assert page.blocked_label.text() == "窗口暂停中（系统故障），点“恢复”后才能叫号。"
    assert page.finish_button.isEnabled()  # the visitor already called is still served
    press(qtbot, page, page.finish_button)

    _, status = press(qtbot, page, page.resume_button, page.session_changed)
    assert status.state == "open" and page.call_button.isEnabled()
    page.reason_edit.setText("窗口设备维护")  # typed (via an IME); it wins over the list
    _, status = press(qtbot, page, page.pause_button, page.session_changed)
    assert status.reason == "窗口设备维护" and page.reason_edit.text() == ""
    _, status = press(qtbot, page, page.sign_out_button, page.session_changed)
    assert status.state == "closed" and not page.call_button.isEnabled()
    assert page.sign_in_button.isVisible() and page.sign_in_button.isEnabled()

    with console.factory() as session:
        kinds = session.scalars(select(WindowEvent.kind).order_by(WindowEvent.at)).all()
    assert kinds == ["signed_in", "paused", "resumed", "paused", "signed_out"]


def test_a_window_held_by_another_clerk_is_refused_plainly(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #9: the second clerk sees who holds the window; 签到 is refused with the reason,
    and a sign-in made elsewhere reaches the page through the change feed."""
    console = console_on(seeded_sqlite_url)
    first, second = console.staff("window1").id, console.staff("window2").id
    page = open_window(qtbot, console, 4, username="window2", sign_in=False)
    with console.factory.begin() as session:
        window_sessions.sign_in(session, site="huarong", window=4, staff_id=first)
    qtbot.waitUntil(lambda: "已签到" in page.session_label.text(), timeout=SIGNAL_TIMEOUT_MS)
    assert "杨帆（其他工作人员）" in page.session_label.text()
    with console.factory.begin() as session:
        window_sessions.sign_out(session, site="huarong", window=4)
        window_sessions.sign_in(session, site="huarong", window=4, staff_id=first)
    console.hub.changes_arrived.disconnect(page.on_changes_arrived)
    page.reload()
    qtbot.waitUntil(lambda: page.sign_out_button.isVisible(), timeout=SIGNAL_TIMEOUT_MS)
    with console.factory.begin() as session:
        window_sessions.sign_out(session, site="huarong", window=4)
        window_sessions.sign_in(session, site="huarong", window=5, staff_id=second)
    page.reload()
    qtbot.waitUntil(lambda: page.sign_in_button.isVisible(), timeout=SIGNAL_TIMEOUT_MS)
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        qtbot.mouseClick(page.sign_in_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["您已在5号窗口签到，请先在该窗口签退。"]
    assert page.message.isVisible() and page.message.text() == failed.args[0]
