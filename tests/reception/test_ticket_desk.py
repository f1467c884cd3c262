"""取号台: issue, print, reprint and cancel at the desk; print-failed alerts (issue #3, item 7)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode

from reception.modules.ticket_desk import DeskPage
from shared.demo.org_data import DEMO_PASSWORD
from shared.printing import PdfFolderPrinter, PrintError
from shared.qt.a11y import check_accessibility
from shared.qt.printing import PrintOutcome
from shared.qt.theme import NORMAL
from shared.rendering import TicketSlip
from shared.services.tickets import mark_printed
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in
from tests.reception.desk_support import NEVER_OPEN, Console, console_on, ticket_id
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


def open_desk(qtbot: QtBot, console: Console, username: str = "guide1", **kwargs: Any) -> DeskPage:
    page = DeskPage(console.context(username), **kwargs)
    qtbot.add_widget(page)
    page.resize(1600, 1000)
    with qtbot.wait_signal(page.state_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.show()
    return page


def issue(
    qtbot: QtBot, page: DeskPage, queue: str = "A", priority_index: int = 0
) -> tuple[Any, PrintOutcome]:
    """Walk the desk: queue button, priority, 取号; returns the ticket and its print outcome."""
    qtbot.mouseClick(page.queue_button(queue), Qt.MouseButton.LeftButton)
    page.priority.setCurrentIndex(priority_index)
    with (
        qtbot.wait_signal(page.print_finished, timeout=SIGNAL_TIMEOUT_MS) as printed,
        qtbot.wait_signal(page.ticket_issued, timeout=SIGNAL_TIMEOUT_MS) as issued,
    ):
        qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    return issued.args[0], printed.args[0]


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_qr(pdf: Path, tmp_path: Path) -> list[str]:
    stem = tmp_path / f"page-{pdf.stem}"
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(stem)], check=True
    )
    with Image.open(f"{stem}.png") as image:
        return [s.data.decode("ascii") for s in decode(image)]


def test_guide_logs_in_and_issues_a_priority_ticket(
    qtbot: QtBot, open_shell: ShellMaker, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)  # opens the hall for the test
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "guide1", DEMO_PASSWORD)
    assert shell.console is not None
    assert shell.console.current_module() == "ticket_desk"
    page = shell.console.module("ticket_desk")
    assert isinstance(page, DeskPage)
    qtbot.waitUntil(lambda: page.state is not None, timeout=SIGNAL_TIMEOUT_MS)
    assert not page.override.isVisible()  # guides cannot override the hours

    ticket, outcome = issue(qtbot, page, "A", priority_index=1)  # 老年人
    assert ticket.number == "A001" and ticket.priority == "elderly"
    assert page.number_label.text() == "A001"
    assert "老年人优先" in page.detail_label.text()
    # The demo desk terminal has no printer: the number stays on screen, said plainly.
    assert (outcome.printed, outcome.recorded) == (False, False)
    assert "未配置打印机" in page.print_label.text() and "A001" in page.print_label.text()
    assert "未配置打印机" in page.printer_label.text()

    qtbot.waitUntil(lambda: "A001" in page.ticket_numbers(), timeout=SIGNAL_TIMEOUT_MS)
    assert page.row_of("A001")[:5] == ["A001", "综合受理", "老年人", "等候中", "未打印"]
    row = console.ticket("A001")
    assert (row.channel, row.priority, row.state) == ("desk", "elderly", "issued")
    assert page.priority.currentIndex() == 0  # the next visitor starts from 普通


def test_each_click_is_a_new_ticket_and_queues_follow_the_feed(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    open_windows(console.factory, [9])  # a B window is signed in (issue #9)
    page = open_desk(qtbot, console)
    assert page.queue_button("B").text().endswith("等候 0 人 · 即将叫号")  # as the kiosk says
    first, _ = issue(qtbot, page, "B")
    second, _ = issue(qtbot, page, "B")
    assert (first.number, second.number) == ("B001", "B002")

    # A kiosk elsewhere issues one: the button's count follows within a second.
    console.issue("B")
    qtbot.waitUntil(lambda: "等候 3 人" in page.queue_button("B").text(), timeout=2_000)
    assert page.ticket_numbers()[:3] == ["B003", "B002", "B001"]
    assert page.queue_button("B").accessibleName().startswith("B  不动产登记，等候 3 人")


def test_without_a_queue_nothing_is_issued(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    page = open_desk(qtbot, console_on(seeded_sqlite_url))
    with qtbot.assert_not_emitted(page.ticket_issued, wait=200):
        qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    assert page.message.isVisible() and page.message.text() == "请先选择业务。"


def test_printed_and_reprinted_with_the_same_number_and_code(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    folder = tmp_path / "desk-prints"
    console.set_printer({"kind": "pdf-folder", "path": str(folder)})
    page = open_desk(qtbot, console)
    qtbot.waitUntil(lambda: page.printer is not None, timeout=SIGNAL_TIMEOUT_MS)
    assert page.printer_label.text() == "打印机：desk-01"
    assert page.printer_label.isVisible() and not page.printer_warning.isVisible()

    ticket, outcome = issue(qtbot, page, "C", priority_index=3)  # 孕妇
    assert (outcome.printed, outcome.recorded) == (True, True)
    assert page.print_label.text() == "C001 已打印。"
    (pdf,) = folder.glob("*-C001.pdf")
    first_text, first_qr = _pdf_text(pdf), _pdf_qr(pdf, tmp_path)
    assert "C001" in first_text and "社保医保" in first_text
    shutil.move(pdf, tmp_path / "first.pdf")
    qtbot.waitUntil(lambda: page.row_of("C001")[4] == "已打印", timeout=SIGNAL_TIMEOUT_MS)

    page.select_number("C001")
    assert page.reprint_button.isEnabled()
    with qtbot.wait_signal(page.print_finished, timeout=SIGNAL_TIMEOUT_MS) as again:
        qtbot.mouseClick(page.reprint_button, Qt.MouseButton.LeftButton)
    assert again.args[0] == PrintOutcome(ticket.id, "C001", True, True)
    (reprint,) = folder.glob("*-C001.pdf")
    assert "C001" in _pdf_text(reprint)
    assert _pdf_qr(reprint, tmp_path) == first_qr and first_qr[0].startswith("SH1:huarong:")
    assert console.ticket("C001").state == "issued"


def test_cancel_asks_first(qtbot: QtBot, console_on: Any, seeded_sqlite_url: str) -> None:
    console = console_on(seeded_sqlite_url)
    page = open_desk(qtbot, console)
    issue(qtbot, page, "A")
    qtbot.waitUntil(lambda: page.ticket_numbers() == ["A001"], timeout=SIGNAL_TIMEOUT_MS)
    page.select_number("A001")
    assert page.cancel_button.isEnabled()

    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert page.cancel_box.isVisible() and "A001" in page.cancel_box.text()
    with qtbot.assert_not_emitted(page.ticket_cancelled, wait=300):
        page.cancel_box.button(QMessageBox.StandardButton.No).click()
    assert console.ticket("A001").state == "issued"

    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.wait_signal(page.ticket_cancelled, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        page.cancel_box.button(QMessageBox.StandardButton.Yes).click()
    assert blocker.args == ["A001"]
    assert page.message.text() == "号票 A001 已取消。"
    assert console.ticket("A001").state == "cancelled"
    qtbot.waitUntil(lambda: page.row_of("A001")[3] == "已取消", timeout=SIGNAL_TIMEOUT_MS)
    page.select_number("A001")
    assert not page.cancel_button.isEnabled() and not page.reprint_button.isEnabled()


class JammedOnce:
    """A printer that fails its first ticket (paper jam), then prints to a PDF folder."""

    def __init__(self, folder: Path) -> None:
        self.inner = PdfFolderPrinter(folder)
        self.jammed = False

    def print_ticket(self, slip: TicketSlip) -> None:
        if not self.jammed:
            self.jammed = True
            raise PrintError("paper jam", "打印机卡纸，请记住屏幕上的号码，或请工作人员补打。")
        self.inner.print_ticket(slip)


def test_a_print_failure_shows_an_alert_with_a_reprint(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    console.set_printer({"kind": "pdf-folder", "path": str(tmp_path)})
    printer = JammedOnce(tmp_path / "out")
    page = open_desk(qtbot, console, printer_factory=lambda _config: printer)
    qtbot.waitUntil(lambda: page.printer is printer, timeout=SIGNAL_TIMEOUT_MS)

    with qtbot.wait_signal(page.alert_shown, timeout=SIGNAL_TIMEOUT_MS) as alerted:
        ticket, outcome = issue(qtbot, page, "A")
    assert not outcome.printed and outcome.recorded
    assert alerted.args == ["A001"]
    assert "A001 打印失败" in page.print_label.text() and "卡纸" in page.print_label.text()
    # The number is still on screen and the ticket still valid.
    assert page.number_label.text() == "A001"
    assert console.ticket("A001").print_state == "print_failed"
    alert = page.alerts[ticket.id]
    assert alert.isVisible()
    assert alert.text.text() == "号票 A001 打印失败，请为群众补打"
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []

    with qtbot.wait_signal(page.print_finished, timeout=SIGNAL_TIMEOUT_MS) as again:
        qtbot.mouseClick(alert.reprint_button, Qt.MouseButton.LeftButton)
    assert again.args[0].printed
    qtbot.waitUntil(lambda: ticket.id not in page.alerts, timeout=SIGNAL_TIMEOUT_MS)
    assert list((tmp_path / "out").glob("*-A001.pdf"))


def test_a_print_failure_elsewhere_alerts_the_desk(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    page = open_desk(qtbot, console)
    number = console.issue("D")
    failed = ticket_id(console, number)
    with (
        qtbot.wait_signal(page.alert_shown, timeout=2_000) as alerted,
        console.factory.begin() as session,
    ):
        mark_printed(session, failed, False)  # a kiosk's printer jammed
    assert alerted.args == [number]
    alert = page.alerts[failed]
    with qtbot.wait_signal(alert.destroyed, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(alert.dismiss_button, Qt.MouseButton.LeftButton)
    assert page.alerts == {}


def test_closed_hours_refuse_guides_and_let_managers_override(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url, hours=NEVER_OPEN)
    guide = open_desk(qtbot, console, "guide1")
    assert "现在不是办理时间" in guide.hall_label.text()
    assert not guide.override.isVisible()
    qtbot.mouseClick(guide.queue_button("A"), Qt.MouseButton.LeftButton)
    with qtbot.wait_signal(guide.issue_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        qtbot.mouseClick(guide.issue_button, Qt.MouseButton.LeftButton)
    assert refused.args[0] == "现在不是办理时间。"
    assert guide.message.text() == refused.args[0] and guide.issue_button.isEnabled()

    manager = open_desk(qtbot, console, "manager")
    assert manager.override.isVisible()
    assert "非办理时间强制取号" in manager.hall_label.text()
    qtbot.mouseClick(manager.override, Qt.MouseButton.LeftButton)
    ticket, _ = issue(qtbot, manager, "A")
    assert ticket.number == "A001"
    assert not manager.override.isChecked()  # one override, one ticket


def test_desk_passes_the_accessibility_check(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    page = open_desk(qtbot, console_on(seeded_sqlite_url), "manager")
    issue(qtbot, page, "A", priority_index=2)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=SIGNAL_TIMEOUT_MS)
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


@pytest.mark.postgres
def test_desk_on_postgresql(qtbot: QtBot, console_on: Any, seeded_pg_url: str) -> None:
    console = console_on(seeded_pg_url)
    page = open_desk(qtbot, console)
    first, outcome = issue(qtbot, page, "E", priority_index=4)  # 其他
    assert first.number == "E001" and not outcome.printed
    console.issue("E")
    qtbot.waitUntil(lambda: page.ticket_numbers() == ["E002", "E001"], timeout=2_000)
    assert page.row_of("E001")[2] == "其他"


def test_no_window_open_says_so_and_follows_sign_ins(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #9: with people waiting and nobody at the windows the desk never says 即将叫号 or
    即到即办; a window signed in elsewhere turns the button into a real range at once."""
    console = console_on(seeded_sqlite_url)
    for _ in range(3):
        console.issue("G")
    page = open_desk(qtbot, console)
    assert page.queue_button("G").text().endswith("等候 3 人 · 窗口暂未开放")
    assert page.queue_button("B").text().endswith("等候 0 人 · 窗口暂未开放")
    assert all("即将叫号" not in page.queue_button(q).text() for q in "ABCDEFGH")

    open_windows(console.factory, [29])  # another terminal signs a G window in
    qtbot.waitUntil(lambda: "分钟" in page.queue_button("G").text(), timeout=2_000)
    assert "等候 3 人 · 预计 " in page.queue_button("G").text()


def test_loading_shows_in_each_panel_then_a_missing_printer_is_a_warning(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #19: the 取号台 showed empty panels with a small 正在读取业务…, and 未配置打印机
    was small grey text nobody read before a print failed."""
    console = console_on(seeded_sqlite_url)
    page = DeskPage(console.context("guide1"))
    qtbot.add_widget(page)
    page.resize(1600, 1000)
    page.show()
    # Before anything is read: a skeleton and a turning spinner where the data will be.
    assert page.queue_loading.is_loading and page.queue_loading.spinner.turning
    assert page.queue_loading.text == "正在读取业务和等候人数…"
    assert page.table.loading and page.table.overlay.is_loading
    assert not page.printer_warning.isVisible()
    with (
        qtbot.wait_signal(page.state_loaded, timeout=SIGNAL_TIMEOUT_MS),
        qtbot.wait_signal(page.printer_ready, timeout=SIGNAL_TIMEOUT_MS) as ready,
    ):
        pass
    assert ready.args == [None]  # the demo desk terminal has no printer
    assert not page.queue_loading.isVisible()
    qtbot.waitUntil(page.queue_button("A").isVisible)  # shown by the layout, next turn
    # No ticket yet today: the list says so instead of staying blank.
    assert not page.table.loading and page.table.overlay.text == "今日还没有号票。"
    # Said before the first 取号, at the top of the page, in bold on the alert colours.
    warning = page.printer_warning
    assert warning.isVisible() and warning.property("role") == "alert"
    assert "本机未配置打印机" in warning.text.text() and "desk-01" in warning.text.text()
    assert warning.accessibleName() == warning.text.text()
    assert not warning.icon.pixmap().isNull()
    assert not page.printer_label.isVisible()
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


def test_the_ticket_that_needs_the_desk_is_selected_and_marked(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #19: kind and urgency show by colour and pictogram; the most urgent row — a
    ticket whose slip did not print — is selected, so 补打 is one press away."""
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    console.issue("A", priority="elderly")
    jammed = console.issue("B")
    console.issue("C")
    with console.factory.begin() as session:
        mark_printed(session, ticket_id(console, jammed), False)
    page = open_desk(qtbot, console)
    table = page.table
    assert page.ticket_numbers() == ["C001", "B001", "A002", "A001"]
    selected = page.selected_ticket()
    assert selected is not None and selected.number == jammed and selected.urgency == 2
    assert page.reprint_button.isEnabled()
    row = page.ticket_numbers().index(jammed)
    printed = table.item(row, 4)
    assert printed.text() == "打印失败" and printed.font().bold()
    assert printed.foreground().color() == table.tone_colour("urgent")
    assert not printed.icon().isNull()
    assert printed.data(Qt.ItemDataRole.AccessibleTextRole) == "打印失败，请补打"
    assert table.item(row, 1).background().color() == table.tone_colour("urgent_fill")
    elder = page.ticket_numbers().index("A002")
    kind = table.item(elder, 2)
    assert kind.text() == "老年人" and not kind.icon().isNull()
    assert kind.foreground().color() == table.tone_colour("priority")
    # Sorted by number as staff would read it: by queue, then number.
    table.sort_by(0)
    assert page.ticket_numbers() == ["A001", "A002", "B001", "C001"]
    assert page.selected_ticket() == selected  # the same ticket, wherever its row went
