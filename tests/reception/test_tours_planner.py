"""The docents' week planner (issue #19, items 1 and 7): tours placed on the time axis in
their docent's lane, closed days and hours shown, and tours dragged with the real mouse —
moved through the booking rules, a conflicting drop refused with the reason, a manager's
override with a reason audited.

The week is fixed (Monday 2026-12-28 to Sunday 2027-01-03, 元旦 on the Friday) with the
hall's real hours, so the planner looks as it would in the hall.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.tours import ToursPage
from reception.modules.tours_calendar import TourBlock
from reception.modules.tours_week import WeekPlanner
from reception.modules.tours_week_paint import LANE_MAX
from shared.clock import to_local
from shared.models import AuditEntry, Tour
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.services import holidays, tours
from shared.services.tours_views import TourView
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, console_on

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]

T = SIGNAL_TIMEOUT_MS
MONDAY = dt.date(2026, 12, 28)
TUESDAY = MONDAY + dt.timedelta(days=1)
NEW_YEAR = dt.date(2027, 1, 1)
HALL_HOURS = {"weekdays": [0, 1, 2, 3, 4], "sessions": [["08:30", "12:00"], ["14:30", "17:30"]]}


def open_on(console_on: Any, url: str) -> Console:
    console: Console = console_on(url, HALL_HOURS)
    with console.factory.begin() as session:
        holidays.set_day(session, day=NEW_YEAR, kind="holiday", name="元旦")
        holidays.set_day(session, day=TUESDAY, kind="extended", sessions=[["17:30", "19:00"]])
    return console


def book(console: Console, **overrides: Any) -> TourView:
    """Book as another console would: Monday 10:00-11:00, the hall, docent1."""
    values: dict[str, Any] = {
        "date": MONDAY,
        "start": "10:00",
        "end": "11:00",
        "group": "鄂州市营商环境优化专项调研组",
        "org": "鄂州市发展和改革委员会",
        "visitors": 18,
        "route": "hall",
        "docents": ["docent1"],
    }
    values.update(overrides)
    with console.factory.begin() as session:
        return tours.book_tour(session, **values)


def open_page(qtbot: QtBot, console: Console, username: str) -> ToursPage:
    page = ToursPage(console.context(username))
    qtbot.add_widget(page)
    page.resize(1600, 1000)
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        page.show()
    with qtbot.wait_signal(page.calendar_loaded, timeout=T):
        page.show_day(MONDAY)
    assert page.views.currentWidget() is page.week_pane
    return page


def chips(planner: WeekPlanner, group: str) -> list[TourBlock]:
    return [b for b in planner.blocks if b.view.group_name == group]


def row(console: Console, group: str) -> Tour:
    with console.factory() as session:
        tour = session.scalars(select(Tour).where(Tour.group_name == group)).one()
        session.expunge(tour)
        return tour


def local_span(tour: Tour) -> tuple[dt.date, str, str]:
    start, end = to_local(tour.starts_at), to_local(tour.ends_at)
    return start.date(), f"{start:%H:%M}", f"{end:%H:%M}"


def spot(planner: WeekPlanner, day: dt.date, docent: str, hhmm: str, grip: int) -> QPoint:
    """Where the pointer must be for a chip held ``grip`` px from its left edge to start
    at ``hhmm`` in ``docent``'s lane on ``day``."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    lane = planner.lane_rect(day, docent)
    return QPoint(round(planner.x_at(hours * 60 + minutes)) + grip, round(lane.center().y()))


def verdicts(page: ToursPage) -> list[tuple[str, str]]:
    """Every live verdict the page shows from now on: (verdict, sentence)."""
    seen: list[tuple[str, str]] = []
    page.moves.verdict_shown.connect(lambda verdict, text: seen.append((verdict, text)))
    return seen


def verdict_until(qtbot: QtBot, seen: list[tuple[str, str]], wanted: str) -> str:
    """Wait for the live verdict ``wanted`` (``ok`` or ``conflict``); returns its text."""
    qtbot.waitUntil(lambda: any(v == wanted for v, _t in seen), timeout=T)
    return next(t for v, t in seen if v == wanted)


def hold_over(
    qtbot: QtBot, planner: WeekPlanner, chip: TourBlock, to: QPoint, *, grabbed: bool = False
) -> None:
    """Press the chip and move over ``to`` (planner coordinates) without releasing.

    QTest delivers a move to the widget it names; ``grabbed`` names the pressed chip, as
    the window system does while a button is held (Qt's implicit grab), else the planner
    under the pointer. The planner follows the drag either way.
    """
    grip = QPoint(8, chip.height() // 2)
    start = chip.mapTo(planner, grip)
    qtbot.mousePress(chip, Qt.MouseButton.LeftButton, pos=grip)
    for step in range(1, 6):
        at = start + (to - start) * step / 5
        if grabbed:
            qtbot.mouseMove(chip, chip.mapFrom(planner, at))
        else:
            qtbot.mouseMove(planner, at)


# -- placement ---------------------------------------------------------------------------------


def test_a_tour_sits_between_its_ticks_in_its_docents_lane(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    important = book(console, level="重要")
    book(
        console,
        group="湖北省政务服务和大数据管理局调研组",
        date=TUESDAY,
        start="09:00",
        end="10:30",
        route="both",
        visitors=25,
        docents=["docent2", "docent3"],
        level="重大",
    )
    page = open_page(qtbot, console, "docent1")
    week, axis = page.week_view, page.week_axis
    assert (week.first_hour, week.last_hour) == (8, 19)  # 08:30 opening, 19:00 延时 closing

    [chip] = chips(week, important.group_name)
    lane = week.lane_rect(MONDAY, "docent1")
    rect = chip.geometry()
    assert abs(rect.left() - week.tick_x(10)) <= 1 and abs(rect.right() + 1 - week.tick_x(11)) <= 1
    assert lane.contains(rect.center().toPointF())
    assert lane.top() <= rect.top() and rect.bottom() <= lane.bottom() + 1
    # The header's ticks are the planner's, wherever the header sits.
    for hour in (8, 10, 11, 19):
        on_axis = axis.mapToGlobal(QPoint(round(axis.tick_x(hour)), 0)).x()
        assert abs(on_axis - week.mapToGlobal(QPoint(round(week.tick_x(hour)), 0)).x()) <= 1

    # State and level show on the chip; the full name on hover and in the side panel.
    assert chip.property("state") == "requested" and chip.level_rank == 1
    assert chip.toolTip().startswith("鄂州市营商环境优化专项调研组（鄂州市发展和改革委员会）")
    both = chips(week, "湖北省政务服务和大数据管理局调研组")
    assert sorted(str(b.property("docent")) for b in both) == ["docent2", "docent3"]
    assert all(b.level_rank == 2 for b in both)
    with qtbot.wait_signal(page.tour_selected):
        qtbot.mouseClick(both[0], Qt.MouseButton.LeftButton)
    assert page.detail.values["group"].text() == "湖北省政务服务和大数据管理局调研组"
    assert both[0].selected and both[1].selected and not chip.selected

    # Hours: weekends and the holiday folded closed; lunch and 延时 shaded; free time, loads.
    folded = {r.day: r for r in week.rows if r.kind == "closed"}
    assert sorted(folded) == [
        NEW_YEAR,
        NEW_YEAR + dt.timedelta(days=1),
        NEW_YEAR + dt.timedelta(days=2),
    ]
    assert "元旦" in week.tip_at(QPoint(600, round(folded[NEW_YEAR].top + 5)))
    assert [p.note for p in week.days if p.closed] == ["元旦", "休息", "休息"]
    tuesday = next(p for p in week.days if p.day == TUESDAY)
    assert tuesday.extended == ((dt.time(17, 30), dt.time(19)),)
    assert week.tip_at(QPoint(50 + week.label_width() - 116, round(lane.center().y()))) == (
        "王丽 12月28日 星期一：空闲 5.5 小时"
    )
    load_row = next(r for r in week.rows if r.kind == "load" and r.day == MONDAY)
    assert "政务服务大厅 18/60 人" in week.tip_at(
        QPoint(round(week.x_at(10 * 60 + 30)), round(load_row.top + 5))
    )
    assert "12月28日：政务服务大厅最高 18/60 人（10:00）" in week.accessibleDescription()
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


# -- dragging ----------------------------------------------------------------------------------


def test_dragging_a_tour_to_another_docent_and_time_moves_it(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    view = book(console)
    page = open_page(qtbot, console, "docent1")
    week = page.week_view
    [chip] = chips(week, view.group_name)
    to = spot(week, TUESDAY, "docent2", "14:30", 8)

    seen = verdicts(page)
    hold_over(qtbot, week, chip, to, grabbed=True)
    said = verdict_until(qtbot, seen, "ok")
    assert said == "✓ 可以调整到 12月29日 周二 14:30–15:30 · 李娜，松开即调整"
    ghost = week.dragger.ghost
    assert ghost.isVisible() and ghost.verdict == "ok" and ghost.label == "14:30–15:30"
    assert week.dragger.callout.isVisible()
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        qtbot.mouseRelease(chip, Qt.MouseButton.LeftButton, pos=chip.mapFrom(week, to))
    assert done.args[0] == "move"
    qtbot.waitUntil(lambda: not page._loading, timeout=T)

    moved = row(console, view.group_name)
    assert local_span(moved) == (TUESDAY, "14:30", "15:30")
    with console.factory() as session:
        tour = session.get(Tour, view.id)
        assert tour is not None and [d.username for d in tour.docents] == ["docent2"]
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "tour.moved"))
        assert entry.actor == "docent1"
    assert page.status.text() == (
        "已调整：鄂州市营商环境优化专项调研组 改为 12月29日 14:30–15:30（李娜）"
    )
    [chip] = chips(week, view.group_name)
    assert chip.property("docent") == "docent2"
    assert week.lane_rect(TUESDAY, "docent2").contains(chip.geometry().center().toPointF())
    assert not ghost.isVisible()

    # A press and release in place is a click: it opens the details, nothing moves.
    with qtbot.wait_signal(page.tour_selected):
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert local_span(row(console, view.group_name)) == (TUESDAY, "14:30", "15:30")


def test_a_conflicting_drop_is_refused_with_the_reason(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    book(console, group="A组", start="09:00", end="10:00")
    mover = book(console, group="B组", start="14:30", end="15:30", docents=["docent2"])
    page = open_page(qtbot, console, "docent2")
    week = page.week_view
    [chip] = chips(week, "B组")
    to = spot(week, MONDAY, "docent1", "09:30", 8)

    seen = verdicts(page)
    hold_over(qtbot, week, chip, to)
    said = verdict_until(qtbot, seen, "conflict")
    assert said == "✕ 讲解员王丽在 09:00-10:00 已有接待“A组”"
    assert week.dragger.ghost.verdict == "conflict"
    assert week.dragger.verdict.text() == said and week.dragger.callout.isVisible()
    with qtbot.wait_signal(page.action_failed, timeout=T) as failed:
        qtbot.mouseRelease(week, Qt.MouseButton.LeftButton, pos=to)
    assert failed.args[0] == (
        "未能调整：讲解员王丽在 09:00-10:00 已有接待“A组”（经理可填写理由后强制调整）"
    )
    assert page.error.isVisible() and page.moves.override_dialog is None
    assert local_span(row(console, "B组")) == (MONDAY, "14:30", "15:30")
    with console.factory() as session:
        tour = session.get(Tour, mover.id)
        assert tour is not None and [d.username for d in tour.docents] == ["docent2"]
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "tour.moved")
        ).all()
    assert not week.dragger.ghost.isVisible() and not week.dragger.active

    # Escape during a drag puts it back without asking anything.
    with qtbot.wait_signal(week.drag_cancelled, timeout=T):
        hold_over(qtbot, week, chips(week, "B组")[0], spot(week, TUESDAY, "docent2", "09:00", 8))
        qtbot.keyClick(week.dragger.chip, Qt.Key.Key_Escape)
    assert not week.dragger.active


def test_a_manager_overrides_a_conflicting_drop_with_a_reason(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    book(console, group="A组", start="09:00", end="10:00")
    mover = book(console, group="省领导调研", start="14:30", end="15:30", docents=["docent2"])
    page = open_page(qtbot, console, "manager")
    week = page.week_view
    [chip] = chips(week, "省领导调研")
    to = spot(week, MONDAY, "docent1", "09:30", 8)

    seen = verdicts(page)
    hold_over(qtbot, week, chip, to)
    said = verdict_until(qtbot, seen, "conflict")
    assert said.endswith("松开后可填写理由强制调整")
    qtbot.mouseRelease(week, Qt.MouseButton.LeftButton, pos=to)
    qtbot.waitUntil(
        lambda: page.moves.override_dialog is not None and page.moves.override_dialog.isVisible(),
        timeout=T,
    )
    dialog = page.moves.override_dialog
    assert dialog is not None
    assert "讲解员王丽在 09:00-10:00 已有接待“A组”" in dialog.conflicts.text()
    assert not dialog.override_button.isEnabled()
    assert [str(p) for p in check_accessibility(dialog, NORMAL)] == []
    event = QInputMethodEvent()
    event.setCommitString("省领导行程提前，经中心主任同意")
    QApplication.sendEvent(dialog.reason, event)
    assert dialog.override_button.isEnabled()
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    assert done.args[0] == "move"
    moved = row(console, "省领导调研")
    assert local_span(moved) == (MONDAY, "09:30", "10:30")
    assert moved.override_reason == "省领导行程提前，经中心主任同意"
    with console.factory() as session:
        tour = session.get(Tour, mover.id)
        assert tour is not None and [d.username for d in tour.docents] == ["docent1"]
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "tour.override"))
        assert entry.actor == "manager" and entry.detail["action"] == "move"
        assert entry.detail["override_reason"] == "省领导行程提前，经中心主任同意"
        assert entry.detail["rules"] == ["docent"]


def test_a_tour_under_way_does_not_drag(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    view = book(console)
    with console.factory.begin() as session:
        tours.confirm(session, view.id)
        tours.start(session, view.id)
    page = open_page(qtbot, console, "docent1")
    week = page.week_view
    [chip] = chips(week, view.group_name)
    assert chip.property("state") == "in_progress"
    with qtbot.assert_not_emitted(week.drag_moved, wait=200):
        hold_over(qtbot, week, chip, spot(week, TUESDAY, "docent1", "14:30", 8))
    qtbot.mouseRelease(week, Qt.MouseButton.LeftButton)
    assert not week.dragger.active and not week.dragger.ghost.isVisible()


def test_the_day_view_is_the_same_planner_filling_the_page(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = open_on(console_on, seeded_sqlite_url)
    view = book(console)
    page = open_page(qtbot, console, "docent1")
    with qtbot.wait_signal(page.calendar_loaded, timeout=T, raising=False):
        qtbot.mouseClick(
            page.week_view.findChild(QWidget, f"week_day_{MONDAY:%Y%m%d}"),
            Qt.MouseButton.LeftButton,
        )
    assert page.views.currentWidget() is page.day_pane and page.day == MONDAY
    day = page.day_view
    [chip] = chips(day, view.group_name)
    assert abs(chip.geometry().left() - day.tick_x(10)) <= 1
    # Lanes grow to fill the page (up to a sensible height) rather than leave it empty.
    lanes = [r for r in day.rows if r.kind == "lane"]
    assert lanes[0].height > 44
    filled = lanes[-1].bottom >= page.day_scroll.viewport().height() - 12
    assert filled or lanes[0].height == LANE_MAX[True]
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


def test_a_tour_moves_without_dragging_from_the_detail_panel(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """The keyboard's way (WCAG 2.2 2.5.7): 调整时间 names the day, start and docent."""
    console = open_on(console_on, seeded_sqlite_url)
    book(console, group="A组", start="09:00", end="10:00", docents=["docent2"])
    view = book(console)
    page = open_page(qtbot, console, "docent1")
    [chip] = chips(page.week_view, view.group_name)
    with qtbot.wait_signal(page.tour_selected):
        chip.setFocus()
        qtbot.keyClick(chip, Qt.Key.Key_Return)
    move = page.detail.buttons["move"]
    assert move.isVisible() and move.accessibleName() == "调整日期、时间或讲解员（不用拖动）"
    qtbot.mouseClick(move, Qt.MouseButton.LeftButton)
    dialog = page.move_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.move_button.isEnabled()  # nothing changed yet

    with qtbot.wait_signal(dialog.target_checked, timeout=T) as checked:
        dialog.docent_to.setCurrentIndex(dialog.docent_to.findData("docent2"))
        dialog.start.setTime(dialog.start.time().addSecs(-30 * 60))
    assert checked.args == ["conflict", "✕ 讲解员李娜在 09:00-10:00 已有接待“A组”"]
    with qtbot.wait_signal(dialog.target_checked, timeout=T) as checked:
        dialog.date.setDate(dialog.date.date().addDays(1))
    assert checked.args[0] == "ok"
    assert checked.args[1] == "✓ 可以调整到 12月29日 周二 09:30–10:30 · 李娜"
    assert [str(p) for p in check_accessibility(dialog, NORMAL)] == []
    with qtbot.wait_signal(page.action_done, timeout=T) as done:
        qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    assert done.args[0] == "move" and not dialog.isVisible()
    assert local_span(row(console, view.group_name)) == (TUESDAY, "09:30", "10:30")
