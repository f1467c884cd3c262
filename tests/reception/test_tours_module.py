"""参观接待 console module: booking through the dialog with live conflicts and the manager's
override, the calendars, the detail from confirm to the log, check-in by scanning the slip's
real QR (and a forged one refused), the ledger export, and the accessibility check
(issue #6, items 4 and 5)."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode
from sqlalchemy import select

from reception.modules import tours_ops
from reception.modules.tours import ToursPage
from reception.modules.tours_booking import BookingDialog
from reception.modules.tours_calendar import TourBlock
from shared.models import AuditEntry, Tour
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.services import tours
from shared.services.tours_docs import tour_slip
from shared.services.tours_views import TourView
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]

TODAY = tours_ops.today()
T = SIGNAL_TIMEOUT_MS


def book(console: Console, **overrides: Any) -> TourView:
    """Book a tour as another console would (today 09:00-10:00, the hall, docent1)."""
    values: dict[str, Any] = {
        "date": TODAY,
        "start": "09:00",
        "end": "10:00",
        "group": "A组",
        "org": "湖北省政务服务办",
        "visitors": 10,
        "route": "hall",
        "docents": ["docent1"],
    }
    values.update(overrides)
    with console.factory.begin() as session:
        return tours.book_tour(session, **values)


def tour_row(console: Console, group: str) -> Tour:
    with console.factory() as session:
        tour = session.scalars(select(Tour).where(Tour.group_name == group)).one()
        session.expunge(tour)
        return tour


def ime_type(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method does: one committed string (QTest types only Latin-1)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def open_page(qtbot: QtBot, console: Console, username: str) -> ToursPage:
    page = ToursPage(console.context(username))
    qtbot.add_widget(page)
    page.resize(1600, 1000)
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        page.show()
    return page


def click(qtbot: QtBot, button: QWidget) -> None:
    assert button.isEnabled() and button.isVisible(), button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def act(qtbot: QtBot, page: ToursPage, key: str) -> TourView:
    """Press a detail button; wait for the action and the reload after it."""
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        click(qtbot, page.detail.buttons[key])
    assert done.args[0] == key
    # The reload the action asked for (a load already on its way may land first).
    qtbot.waitUntil(lambda: not page._loading, timeout=T)
    view: TourView = done.args[1]
    return view


def open_dialog(qtbot: QtBot, page: ToursPage) -> BookingDialog:
    click(qtbot, page.new_button)
    qtbot.waitUntil(
        lambda: page.booking_dialog is not None and page.booking_dialog.isVisible(), timeout=T
    )
    dialog = page.booking_dialog
    assert dialog is not None
    return dialog


def fill(
    qtbot: QtBot, dialog: BookingDialog, group: str, start: str, end: str, docent: str
) -> None:
    """Fill the form as staff would: type the names, set the times, tick one docent."""
    ime_type(dialog.group, group)
    ime_type(dialog.org, "湖北省政务服务办")
    dialog.start.setTime(QTime.fromString(start, "HH:mm"))
    dialog.end.setTime(QTime.fromString(end, "HH:mm"))
    click(qtbot, dialog.auto_docent)
    click(qtbot, dialog.docent_boxes[docent])
    assert dialog.chosen_docents() == (docent,)


def settled(qtbot: QtBot, dialog: BookingDialog) -> list[str]:
    """Wait for the live check of the form as it stands; returns the lines shown."""
    with qtbot.wait_signal(dialog.conflicts_checked, timeout=T) as checked:
        pass
    lines: list[str] = checked.args[0]
    return lines


def blocks_of(page: ToursPage, group: str) -> list[TourBlock]:
    """The chips of ``group`` on the week planner (the view the page opens on)."""
    return [b for b in page.week_view.blocks if b.view.group_name == group]


def pdf_qr(path: Path, tmp_path: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / "slip")], check=True)
    found: list[str] = []
    for page in sorted(tmp_path.glob("slip*.png")):
        found += [symbol.data.decode("ascii") for symbol in decode(Image.open(page))]
    return found


def save_as(qtbot: QtBot, page: ToursPage, path: Path) -> str:
    """Choose ``path`` in the save dialog the page opened; wait until the file is written."""
    qtbot.waitUntil(
        lambda: page.save_dialog is not None and page.save_dialog.isVisible(), timeout=T
    )
    dialog = page.save_dialog
    assert dialog is not None
    with qtbot.wait_signal(page.file_saved, timeout=T) as saved:
        dialog.selectFile(str(path))
        dialog.accept()
    written: str = saved.args[0]
    return written


# -- booking ---------------------------------------------------------------------------------


def test_a_docent_books_through_the_dialog_and_sees_it_in_the_lane(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = console_on(seeded_sqlite_url)
    threads: list[str] = []
    real_check = tours_ops.check

    def spying_check(site: str, form: tours_ops.BookingForm) -> Any:
        run = real_check(site, form)

        def spy(session: Any) -> Any:
            threads.append(threading.current_thread().name)
            return run(session)

        return spy

    monkeypatch.setattr(tours_ops, "check", spying_check)
    page = open_page(qtbot, console, "docent2")
    dialog = open_dialog(qtbot, page)
    fill(qtbot, dialog, "省政务办调研组", "14:30", "15:30", "docent2")
    ime_type(dialog.contact_name, "刘主任")
    qtbot.keyClicks(dialog.contact_phone, "1380000123")
    assert dialog.phone_error.isVisible()
    qtbot.keyClicks(dialog.contact_phone, "4")
    assert not dialog.phone_error.isVisible()
    dialog.visitors.selectAll()
    qtbot.keyClicks(dialog.visitors, "12")
    dialog.level.setCurrentIndex(dialog.level.findText("重要"))
    ime_type(dialog.letter, "鄂华政函〔2026〕12号")
    assert settled(qtbot, dialog) == []
    assert dialog.clear_label.isVisible() and not dialog.conflict_box.isVisible()
    # The rules were checked on the worker thread, never on the GUI thread.
    assert threads and set(threads) == {"hall-tasks"}

    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        click(qtbot, dialog.book_button)
    assert done.args[0] == "book" and not dialog.isVisible()
    qtbot.waitUntil(lambda: not page._loading, timeout=T)
    [block] = blocks_of(page, "省政务办调研组")
    assert block.property("docent") == "docent2" and block.property("state") == "requested"
    lane = page.week_view.lane_rect(TODAY, "docent2")
    assert lane.contains(block.geometry().center().toPointF())
    [in_day] = [b for b in page.day_view.blocks if b.view.group_name == "省政务办调研组"]
    assert page.day_view.lane_rect(TODAY, "docent2").contains(in_day.geometry().center().toPointF())
    assert "14:30–15:30" in block.text() and "12人" in block.text()
    row = tour_row(console, "省政务办调研组")
    assert (row.expected_visitors, row.level, row.contact_phone) == (12, "重要", "13800001234")
    assert row.letter_ref == "鄂华政函〔2026〕12号"
    assert page.detail.values["contact"].text() == "刘主任 138****1234"

    # Another terminal books: the change feed brings it into the calendar.
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        book(console, group="B组", docents=["docent3"])
    assert [b.property("docent") for b in blocks_of(page, "B组")] == ["docent3"]


def test_the_dialog_shows_a_conflict_live_and_lets_only_a_manager_override_with_a_reason(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    book(console, group="A组")
    page = open_page(qtbot, console, "docent2")
    dialog = open_dialog(qtbot, page)
    fill(qtbot, dialog, "C组", "09:30", "10:30", "docent1")
    lines = settled(qtbot, dialog)
    assert lines == ["讲解员王丽在 09:00-10:00 已有接待“A组”"]
    assert dialog.conflict_box.isVisible() and "已有接待“A组”" in dialog.conflict_box.text()
    assert not dialog.book_button.isEnabled()
    assert not dialog.override_button.isVisible() and dialog.override_hint.isVisible()
    # Another docent: the conflict goes as soon as the check reruns.
    click(qtbot, dialog.docent_boxes["docent1"])
    click(qtbot, dialog.docent_boxes["docent2"])
    assert settled(qtbot, dialog) == []
    assert dialog.book_button.isEnabled()
    # A race lost to another console: the service refuses, the dialog says why.
    book(console, group="D组", start="10:00", end="11:00", docents=["docent2"])
    with qtbot.wait_signal(dialog.booking_failed, timeout=T) as failed:
        click(qtbot, dialog.book_button)
    assert failed.args[0].startswith("讲解员李娜在 10:00-11:00 已有接待“D组”")
    assert dialog.error.isVisible() and dialog.isVisible()
    assert settled(qtbot, dialog) == ["讲解员李娜在 10:00-11:00 已有接待“D组”"]
    dialog.reject()

    manager = open_page(qtbot, console, "manager")
    dialog = open_dialog(qtbot, manager)
    fill(qtbot, dialog, "省领导调研", "09:30", "10:30", "docent1")
    assert settled(qtbot, dialog) == ["讲解员王丽在 09:00-10:00 已有接待“A组”"]
    assert dialog.override_button.isVisible() and not dialog.override_hint.isVisible()
    assert not dialog.override_button.isEnabled() and not dialog.book_button.isEnabled()
    ime_type(dialog.override_reason, "省领导临时调研，经中心主任同意")
    assert dialog.override_button.isEnabled()
    with qtbot.wait_signal(manager.action_done, timeout=T):
        click(qtbot, dialog.override_button)
    row = tour_row(console, "省领导调研")
    assert row.override_reason == "省领导临时调研，经中心主任同意"
    with console.factory() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "tour.override")
        ).all()
        assert entry.actor == "manager" and entry.detail["rules"] == ["docent"]


def test_the_booking_dialog_shows_whole_placeholders_and_a_clean_notes_field(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #19: 联系电话's placeholder was cut off; 备注 showed a grey square (a scroll
    bar's handle squeezed into a field the stylesheet had shrunk)."""
    console = console_on(seeded_sqlite_url)
    page = open_page(qtbot, console, "docent1")
    dialog = open_dialog(qtbot, page)
    qtbot.wait(50)
    for field in (dialog.contact_phone, dialog.letter, dialog.group):
        text = field.fontMetrics().horizontalAdvance(field.placeholderText())
        # The stylesheet's padding (8 px a side) and border (2 px a side) come off the width.
        assert text <= field.width() - 2 * (8 + 2), field.placeholderText()
    notes = dialog.notes
    assert notes.height() >= 2 * notes.fontMetrics().lineSpacing() + 16
    assert not notes.verticalScrollBar().isVisible()
    assert not notes.horizontalScrollBar().isVisible()
    assert notes.tabChangesFocus()
    dialog.reject()


# -- detail, slip, scan, log -------------------------------------------------------------------


def test_confirm_check_in_by_the_slip_qr_start_and_finish_with_the_log(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    view = book(console, group="华容区人大代表视察", visitors=20)
    page = open_page(qtbot, console, "docent1")
    [block] = blocks_of(page, "华容区人大代表视察")
    with qtbot.wait_signal(page.tour_selected):
        click(qtbot, block)
    assert page.detail.values["state"].text() == "待确认"
    shown = {k for k, b in page.detail.buttons.items() if b.isVisibleTo(page.detail)}
    assert shown >= {"confirm", "arrive", "cancel", "print", "save_slip"}
    assert "start" not in shown and "finish" not in shown

    assert act(qtbot, page, "confirm").state == "confirmed"
    assert page.detail.values["state"].text() == "已确认"
    assert blocks_of(page, "华容区人大代表视察")[0].property("state") == "confirmed"

    click(qtbot, page.detail.buttons["save_slip"])
    written = save_as(qtbot, page, tmp_path / "slip.pdf")
    text = subprocess.run(
        ["pdftotext", written, "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "华容区人大代表视察" in text and "王丽" in text
    [payload] = pdf_qr(Path(written), tmp_path)
    with console.factory.begin() as session:
        assert payload == tour_slip(session, view.id).qr_payload

    # The scanner types the code and Enter into a field no input method may touch.
    assert not page.scan.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert page.scan.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly
    assert page.scan.inputMethodHints() & Qt.InputMethodHint.ImhNoPredictiveText
    with qtbot.wait_signal(page.checked_in, timeout=T) as checked:
        qtbot.keyClicks(page.scan, payload)
        qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert checked.args[0].id == view.id
    assert page.scan_result.text() == "已签到：华容区人大代表视察"
    assert page.scan.text() == ""
    assert tour_row(console, "华容区人大代表视察").arrived_at is not None
    qtbot.waitUntil(lambda: page.detail.values["state"].text() == "已签到")

    assert act(qtbot, page, "start").state == "in_progress"
    click(qtbot, page.detail.buttons["finish"])
    detail = page.detail
    assert detail.log_form.isVisible() and not detail.actions.isVisible()
    detail.actual_visitors.selectAll()
    qtbot.keyClicks(detail.actual_visitors, "18")
    detail.feedback.setCurrentIndex(detail.feedback.findData(4))
    ime_type(detail.log_notes, "重点参观了24小时自助服务区")
    ime_type(detail.follow_ups, "寄送宣传册")
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        click(qtbot, detail.save_log)
    assert done.args[0] == "finish" and done.args[1].state == "completed"
    row = tour_row(console, "华容区人大代表视察")
    assert (row.state, row.actual_visitors, row.feedback) == ("completed", 18, 4)
    assert (row.log_notes, row.follow_ups) == ("重点参观了24小时自助服务区", "寄送宣传册")
    assert row.actual_start is not None and row.actual_end is not None
    assert row.actual_end >= row.actual_start
    assert detail.values["state"].text() == "已完成"
    assert "实到 18 人" in detail.values["log"].text() and "满意" in detail.values["log"].text()
    assert not any(b.isVisibleTo(detail) for b in detail.buttons.values())


def test_a_forged_or_altered_code_is_refused_in_chinese(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    view = book(console)
    with console.factory.begin() as session:
        genuine = tour_slip(session, view.id).qr_payload
    assert genuine is not None
    page = open_page(qtbot, console, "docent1")
    forged = "SHT1:0123456789ab:20260101:ABCDEFGHJK"
    altered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    for code in (forged, altered):
        with qtbot.wait_signal(page.scan_refused, timeout=T) as refused:
            qtbot.keyClicks(page.scan, code)
            qtbot.keyClick(page.scan, Qt.Key.Key_Return)
        assert refused.args[0] == "接待确认单二维码无效。"
        assert page.scan_result.text() == "签到失败：接待确认单二维码无效。"
    assert tour_row(console, "A组").arrived_at is None
    # A cancelled tour's genuine slip no longer checks in either.
    with console.factory.begin() as session:
        tours.cancel(session, view.id)
    with qtbot.wait_signal(page.scan_refused, timeout=T) as refused:
        qtbot.keyClicks(page.scan, genuine)
        qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    assert "不能执行该操作" in refused.args[0]


def test_cancel_asks_first(qtbot: QtBot, console_on: Any, seeded_sqlite_url: str) -> None:
    console = console_on(seeded_sqlite_url)
    view = book(console)
    page = open_page(qtbot, console, "docent1")
    page.select_tour(view.id)
    click(qtbot, page.detail.buttons["cancel"])
    box = page.cancel_box
    assert box is not None and box.isVisible()
    no = next(b for b in box.buttons() if b.text() == "不取消")
    with qtbot.assert_not_emitted(page.action_done, wait=300):
        click(qtbot, no)
    click(qtbot, page.detail.buttons["cancel"])
    box = page.cancel_box
    assert box is not None
    yes = next(b for b in box.buttons() if b.text() == "确认取消")
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        click(qtbot, yes)
    assert done.args[1].state == "cancelled"
    qtbot.waitUntil(lambda: not page.closed_line.isHidden())
    assert blocks_of(page, "A组") == [] and "A组" in page.closed_line.text()


# -- calendars --------------------------------------------------------------------------------


def test_week_view_shows_the_tours_and_opens_a_day(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    monday = tours_ops.monday_of(TODAY)
    book(console, group="今日团组", route="both", end="10:30", visitors=25)
    book(console, group="周一团组", date=monday, start="10:00", end="11:00", docents=["docent2"])
    page = open_page(qtbot, console, "manager")
    assert page.views.currentWidget() is page.week_pane and page.week_mode.isChecked()
    texts = {b.view.group_name: b for b in page.week_view.blocks}
    assert set(texts) == {"今日团组", "周一团组"}
    assert texts["今日团组"].text() == "今日团组\n09:00–10:30 · 25人"
    assert texts["周一团组"].accessibleName().startswith("周一团组（湖北省政务服务办），")
    # The hall's load for today: 25 of 60, as a bar for the hour and in words.
    assert page.data is not None and page.data.loads[(TODAY, "hall")][9] == 25
    assert f"{TODAY:%m月%d日}：政务服务大厅最高 25/60 人（09:00）" in (
        page.week_view.accessibleDescription()
    )

    with qtbot.wait_signal(page.tour_selected):
        texts["周一团组"].setFocus()
        qtbot.keyClick(texts["周一团组"], Qt.Key.Key_Return)
    assert page.detail.values["group"].text() == "周一团组"

    click(qtbot, page.week_view.findChild(QPushButton, f"week_day_{monday:%Y%m%d}"))
    assert page.views.currentWidget() is page.day_pane and page.day == monday
    on_monday = ["今日团组", "周一团组"] if monday == TODAY else ["周一团组"]
    assert sorted(b.view.group_name for b in page.day_view.blocks) == on_monday
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        click(qtbot, page.prev_button)
    assert page.day == monday - dt.timedelta(days=1) and page.day_view.blocks == []
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        click(qtbot, page.today_button)
    assert page.day == TODAY
    assert "政务服务大厅最高 25/60 人（09:00）" in page.day_view.accessibleDescription()


# -- ledger -----------------------------------------------------------------------------------


def test_ledger_export_writes_an_xlsx(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    console = console_on(seeded_sqlite_url)
    view = book(console, group="台账团组", level="重要", letter="鄂华政函〔2026〕3号")
    with console.factory.begin() as session:
        tours.confirm(session, view.id)
        tours.start(session, view.id)
        tours.finish(session, view.id, actual_visitors=9, feedback=5)
    page = open_page(qtbot, console, "manager")
    click(qtbot, page.ledger_button)
    qtbot.waitUntil(page.ledger_dialog.isVisible)
    assert [str(p) for p in check_accessibility(page.ledger_dialog, NORMAL)] == []
    page.ledger_from.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    page.ledger_to.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    click(qtbot, page.export_xlsx)
    written = save_as(qtbot, page, tmp_path / "ledger")
    assert written == str(tmp_path / "ledger.xlsx")
    assert not page.ledger_dialog.isVisible()
    assert page.status.text() == f"已保存：{written}"
    sheet = load_workbook(written).active
    assert sheet is not None
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert row["团组"] == "台账团组" and row["公函"] == "鄂华政函〔2026〕3号"
    assert (row["预计人数"], row["实到人数"], row["状态"]) == (10, 9, "已完成")
    assert row["反馈"] == "5 非常满意"


# -- accessibility ----------------------------------------------------------------------------


def test_module_and_dialog_pass_the_accessibility_check(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    first = book(console, group="A组")
    book(console, group="B组", docents=["docent2"], route="centre", start="09:00", end="09:40")
    with console.factory.begin() as session:
        tours.confirm(session, first.id)
    page = open_page(qtbot, console, "manager")
    page.select_tour(first.id)
    qtbot.wait(50)
    for block in page.day_view.blocks:
        assert block.focusPolicy() & Qt.FocusPolicy.TabFocus and block.accessibleName()
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []
    click(qtbot, page.week_mode)
    qtbot.wait(50)
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []

    dialog = open_dialog(qtbot, page)
    fill(qtbot, dialog, "C组", "09:00", "10:00", "docent1")
    assert settled(qtbot, dialog)
    qtbot.wait(50)
    assert dialog.override_button.isVisible()
    assert [str(p) for p in check_accessibility(dialog, NORMAL)] == []
    dialog.reject()

    click(qtbot, page.day_mode)
    act(qtbot, page, "start")
    click(qtbot, page.detail.buttons["finish"])
    qtbot.wait(50)
    assert page.detail.log_form.isVisible()
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []
