"""参观接待: the docents' console — the week planner, booking, running and logging tours.

The page shows a week of tours (read in the background, refreshed when the change feed
reports kind ``tour`` from any terminal) on a planner: per day, one lane per docent along a
time axis of the hall's hours, each venue's load per hour, closed days and lunch shaded
(:mod:`reception.modules.tours_week`); the day view is the same planner for one day. A chip
opens the detail panel, whose buttons move the tour on through
:mod:`shared.services.tours`; dragging a chip to another time, day or docent moves it
through the booking rules (:mod:`reception.modules.tours_moving`). 新建预约 opens the
booking dialog (:mod:`reception.modules.tours_booking`). 扫码签到 takes a USB scanner's
typing — the field switches input methods off, so a scan works whatever IME is active — and
checks the group in by the slip's signed code. The 接待台账 for a date range is exported as
XLSX or PDF.

Every database, file and printer operation goes through the console's TaskRunner
(:mod:`reception.modules.tours_ops`); dialogs open with ``open()``, never ``exec()``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules import tours_ops as ops
from reception.modules.tours_bars import (
    LedgerBar,
    LedgerDialog,
    NavBar,
    ResultLine,
    ScanBar,
    ask_save_path,
    file_error_message,
)
from reception.modules.tours_booking import BookingDialog
from reception.modules.tours_detail import TourDetail
from reception.modules.tours_moving import MoveDialog, MoveFlow
from reception.modules.tours_week import WeekPlanner
from reception.modules.tours_week_paint import TimeAxis
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.qt.theme import tokens_for
from shared.rendering.tour_slip import TourSlip
from shared.services.tours_views import TourView

KEY = "tours"
CHANGE_KIND = "tour"
DETAIL_WIDTH = 400
NARROW_DETAIL = 330
#: A page at least this wide (a 1920 px screen's) gets the wide side panel.
WIDE = 1500

DONE_ZH = {
    "book": QT_TRANSLATE_NOOP("ToursPage", "已预约"),
    "confirm": QT_TRANSLATE_NOOP("ToursPage", "已确认"),
    "arrive": QT_TRANSLATE_NOOP("ToursPage", "已签到"),
    "start": QT_TRANSLATE_NOOP("ToursPage", "已开始"),
    "finish": QT_TRANSLATE_NOOP("ToursPage", "已结束"),
    "cancel": QT_TRANSLATE_NOOP("ToursPage", "已取消"),
    "no_show": QT_TRANSLATE_NOOP("ToursPage", "已标记未到"),
    "move": QT_TRANSLATE_NOOP("ToursPage", "已调整"),
}


class ToursPage(QWidget):
    """The 参观接待 module.

    Signals:
        calendar_loaded(object): a week was (re)loaded (its :class:`CalendarData`).
        tour_selected(object): the detail shows this :class:`TourView`.
        action_done(str, object): ``book``, ``move``, ``confirm``, ``arrive``, ``start``,
            ``finish``, ``cancel`` or ``no_show`` succeeded; the tour as it now is.
        action_failed(str): an action, scan or load failed; the Chinese message shown.
        checked_in(object): a scanned slip checked its group in (the :class:`TourView`).
        scan_refused(str): a scanned code was refused; the Chinese message shown.
        file_saved(str): a slip PDF or ledger was written to this path.
        slip_printed(str): the slip went to this system printer.
    """

    calendar_loaded = Signal(object)
    tour_selected = Signal(object)
    action_done = Signal(str, object)
    action_failed = Signal(str)
    checked_in = Signal(object)
    scan_refused = Signal(str)
    file_saved = Signal(str)
    slip_printed = Signal(str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self.day = ops.today()
        self.data: ops.CalendarData | None = None
        self._loading = False
        self._stale = False
        self._render_pending = False
        self._scrolled_to: dt.date | None = None
        self.booking_dialog: BookingDialog | None = None
        self.cancel_box: QMessageBox | None = None
        self.save_dialog: QFileDialog | None = None
        self.move_dialog: MoveDialog | None = None

        title = QLabel(self.tr("参观接待"))
        title.setProperty("role", "title")
        self.nav = NavBar()
        self.prev_button, self.next_button = self.nav.prev_button, self.nav.next_button
        self.today_button, self.date_label = self.nav.today_button, self.nav.date_label
        self.day_mode, self.week_mode = self.nav.day_mode, self.nav.week_mode
        self.new_button = QPushButton(self.tr("新建预约"))
        self.new_button.setObjectName("tours_new")
        self.new_button.setProperty("role", "primary")
        self.new_button.setAccessibleName(self.tr("新建参观接待预约"))

        self.scan_bar = ScanBar(context.runner, context.staff)
        self.scan = self.scan_bar.field
        self.scan_result = self.scan_bar.take_result()

        self.day_view = WeekPlanner(single_day=True)
        self.week_view = WeekPlanner()
        self.closed_line = QLabel()
        self.closed_line.setObjectName("tours_closed")
        self.closed_line.setProperty("role", "muted")
        self.closed_line.setWordWrap(True)
        self.day_scroll = self._scroll(self.day_view, self.tr("日视图"))
        self.week_scroll = self._scroll(self.week_view, self.tr("周视图"))
        self.day_axis = TimeAxis(self.day_view)
        self.week_axis = TimeAxis(self.week_view)
        self.day_pane = self._pane(self.day_axis, self.day_scroll, self.closed_line)
        self.week_pane = self._pane(self.week_axis, self.week_scroll)
        self.views = QStackedWidget()
        self.views.addWidget(self.day_pane)
        self.views.addWidget(self.week_pane)
        self.views.setCurrentWidget(self.week_pane)
        self.moves = MoveFlow(context.runner, context.staff, self)
        for planner, scroll in (
            (self.day_view, self.day_scroll),
            (self.week_view, self.week_scroll),
        ):
            planner.follow(scroll.viewport())
            self.moves.attach(planner)

        self.detail = TourDetail()
        self.detail_scroll = self._scroll(self.detail, self.tr("接待详情"))
        self.detail_scroll.setFixedWidth(DETAIL_WIDTH)
        # On a narrow screen the side panel folds to this strip until a tour is chosen.
        self.panel_open = False
        self.panel_toggle = QPushButton("‹\n" + "\n".join(self.tr("详情图例")))
        self.panel_toggle.setObjectName("tours_panel_open")
        self.panel_toggle.setAccessibleName(self.tr("展开接待详情与图例"))
        self.panel_toggle.setFixedWidth(tokens_for(False).min_target + 8)
        self.panel_toggle.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        self.ledger = LedgerBar(context.runner, lambda: self.site, self._ask_path, self.day)
        self.ledger_from, self.ledger_to = self.ledger.date_from, self.ledger.date_to
        self.export_xlsx, self.export_pdf = self.ledger.export_xlsx, self.ledger.export_pdf
        self.ledger_dialog = LedgerDialog(self.ledger, self)
        self.ledger_button = QPushButton(self.tr("接待台账…"))
        self.ledger_button.setObjectName("tours_ledger")
        self.ledger_button.setAccessibleName(self.tr("导出接待台账"))
        self.status = ResultLine()
        self.status.setObjectName("tours_status")
        self.status.setProperty("role", "ok")
        self.error = QLabel()
        self.error.setObjectName("tours_error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self._lay_out(title)
        self._connect()
        self._show_date()
        self.reload()

    @staticmethod
    def _scroll(widget: QWidget, name: str) -> QScrollArea:
        area = QScrollArea()
        area.setWidget(widget)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setAccessibleName(name)
        return area

    @staticmethod
    def _pane(axis: QWidget, scroll: QScrollArea, below: QWidget | None = None) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(axis)
        layout.addWidget(scroll, 1)
        if below is not None:
            layout.addWidget(below)
        return pane

    def _lay_out(self, title: QLabel) -> None:
        # The scan field and 接待台账… sit in the top row on a wide screen (so the planner
        # gets the height for a whole week) and in a row of their own on a narrow one.
        self.top = QHBoxLayout()
        self.top.addWidget(title)
        self.top.addSpacing(16)
        self.top.addWidget(self.nav)
        self.top.addStretch(1)
        self.top.addWidget(self.new_button)
        self.tools = QHBoxLayout()
        middle = QHBoxLayout()
        middle.addWidget(self.views, 1)
        middle.addSpacing(8)
        middle.addWidget(self.detail_scroll)
        middle.addWidget(self.panel_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 4)
        layout.setSpacing(8)
        layout.addLayout(self.top)
        layout.addLayout(self.tools)
        layout.addWidget(self.error)
        layout.addLayout(middle, 1)
        self.detail.add_status(self.scan_result)
        self.detail.add_status(self.status)
        self._wide: bool | None = None

    def _place_tools(self, wide: bool) -> None:
        if wide == self._wide:
            return
        self._wide = wide
        for widget in (self.scan_bar, self.ledger_button):
            self.top.removeWidget(widget)
            self.tools.removeWidget(widget)
        while self.tools.count():
            self.tools.takeAt(0)
        if wide:
            at = self.top.indexOf(self.new_button)
            self.top.insertWidget(at, self.ledger_button)
            self.top.insertWidget(at, self.scan_bar)
            self.top.insertSpacing(at + 2, 8)
        else:
            self.tools.addWidget(self.scan_bar)
            self.tools.addStretch(1)
            self.tools.addWidget(self.ledger_button)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_panel()

    def _fit_panel(self) -> None:
        # On a small screen (1366 px wide) the planner needs the width: the side panel is
        # narrower, and folds away until a tour is chosen or it is opened.
        narrow = self.width() < WIDE
        self._place_tools(not narrow)
        shown = not narrow or self.panel_open
        self.detail_scroll.setFixedWidth(NARROW_DETAIL if narrow else DETAIL_WIDTH)
        self.detail_scroll.setVisible(shown)
        self.panel_toggle.setVisible(not shown)
        self.detail.close_button.setVisible(narrow)

    def set_panel_open(self, shown: bool) -> None:
        """Open or fold the side panel (it only folds on a narrow screen)."""
        self.panel_open = shown
        self._fit_panel()

    def _connect(self) -> None:
        self.prev_button.clicked.connect(self.on_prev_clicked)
        self.next_button.clicked.connect(self.on_next_clicked)
        self.today_button.clicked.connect(self.on_today_clicked)
        self.nav.mode_group.idClicked.connect(self.on_mode_clicked)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.scan_bar.checked_in.connect(self.on_checked_in)
        self.scan_bar.scan_refused.connect(self.on_scan_refused)
        self.ledger_button.clicked.connect(self.ledger_dialog.open)
        self.ledger.file_saved.connect(self.on_file_saved)
        self.ledger.export_failed.connect(self._show_error)
        self.ledger.export_started.connect(lambda: self.status.setText(self.tr("正在导出…")))
        self.day_view.tour_activated.connect(self.on_tour_activated)
        self.week_view.tour_activated.connect(self.on_tour_activated)
        self.week_view.day_activated.connect(self.on_week_day_activated)
        self.panel_toggle.clicked.connect(lambda: self.set_panel_open(True))
        self.detail.collapse_requested.connect(lambda: self.set_panel_open(False))
        self.moves.moved.connect(self.on_tour_moved)
        self.moves.move_refused.connect(self.on_move_refused)
        self.moves.move_abandoned.connect(self.on_move_abandoned)
        for planner in (self.day_view, self.week_view):
            planner.drag_cancelled.connect(lambda _view: self._render_if_stale())
        self.detail.action_requested.connect(self.on_detail_action_requested)
        self.detail.finish_requested.connect(self.on_detail_finish_requested)
        self._context.hub.changes_arrived.connect(self.on_changes_arrived)

    # -- loading ---------------------------------------------------------------------------

    @property
    def site(self) -> str | None:
        """The site shown: the terminal's, else the loaded one (the district hall)."""
        return self._context.site_code or (self.data.site_code if self.data else None)

    def reload(self) -> None:
        """Read the shown week in the background (once more afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            ops.load_calendar(self._context.site_code, self.day),
            guarded(self, self.on_calendar_ready),
            guarded(self, self.on_calendar_failed),
            write=False,
        )

    def on_calendar_ready(self, data: ops.CalendarData) -> None:
        self._loading = False
        if self._stale or not data.first <= self.day <= data.last:
            self._stale = False
            self.reload()
            return
        self.data = data
        self.error.hide()
        self._render()
        self.calendar_loaded.emit(data)

    def on_calendar_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_error(user_message(exc, "tour_calendar"))
        if self._stale:
            self._stale = False
            self.reload()

    def _dragging(self) -> bool:
        return self.day_view.dragger.active or self.week_view.dragger.active

    def _render(self) -> None:
        data = self.data
        if data is None:
            return
        if self._dragging():
            # Replacing the chips would drop the one under the mouse: draw after the drag.
            self._render_pending = True
            return
        self._render_pending = False
        shown_id = self.detail.view.id if self.detail.view is not None else None
        week = [data.first + dt.timedelta(days=i) for i in range((data.last - data.first).days + 1)]
        today = ops.today()
        for planner, days in ((self.day_view, [self.day]), (self.week_view, week)):
            planner.selected_id = shown_id
            planner.set_data(data, days, today, self.day)
        if self._scrolled_to != data.first:
            # A newly shown week opens on the day in hand (today), not on its Monday — once
            # the scroll area has taken the planner's new height.
            self._scrolled_to = data.first
            QTimer.singleShot(0, self, self._scroll_to_day)
        self.detail.legend.set_venues([(v.name, v.capacity) for v in data.venues])
        closed = [
            t for t in data.tours if t.date == self.day and t.state in ("cancelled", "no_show")
        ]
        self.closed_line.setText(
            self.tr("已取消或未到：")
            + "；".join(f"{t.group_name} {t.local_start:%H:%M}（{t.state_zh}）" for t in closed)
        )
        self.closed_line.setVisible(bool(closed))
        shown = self.detail.view
        if shown is not None:
            fresh = next((t for t in data.tours if t.id == shown.id), None)
            if fresh is not None:
                self.detail.show_tour(fresh)

    def _scroll_to_day(self) -> None:
        band = next((b for b in self.week_view.bands if b.plan.day == self.day), None)
        if band is not None:
            self.week_scroll.verticalScrollBar().setValue(round(band.top) - 4)

    def _render_if_stale(self) -> None:
        if self._render_pending:
            self._render()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, CHANGE_KIND):
            self.reload()

    # -- navigation ------------------------------------------------------------------------

    def show_day(self, day: dt.date) -> None:
        """Show ``day`` (reloading when it lies outside the loaded week)."""
        self.day = day
        self._show_date()
        if self.data is not None and self.data.first <= day <= self.data.last:
            self._render()
        else:
            self.reload()

    def _show_date(self) -> None:
        self.nav.show_day(self.day, ops.today())

    def _step_days(self) -> int:
        return 7 if self.week_mode.isChecked() else 1

    @Slot()
    def on_prev_clicked(self) -> None:
        self.show_day(self.day - dt.timedelta(days=self._step_days()))

    @Slot()
    def on_next_clicked(self) -> None:
        self.show_day(self.day + dt.timedelta(days=self._step_days()))

    @Slot()
    def on_today_clicked(self) -> None:
        self.show_day(ops.today())

    @Slot(int)
    def on_mode_clicked(self, index: int) -> None:
        self.views.setCurrentIndex(index)
        self._show_date()

    def on_week_day_activated(self, day: dt.date) -> None:
        self.day_mode.setChecked(True)
        self.views.setCurrentIndex(0)
        self.show_day(day)

    def on_tour_activated(self, view: TourView) -> None:
        self.set_panel_open(True)
        self.detail.show_tour(view)
        for planner in (self.day_view, self.week_view):
            planner.select(view.id)
        self.tour_selected.emit(view)

    # -- moving (the planners' drags) ------------------------------------------------------

    def _ask_move(self, view: TourView) -> None:
        lanes = self.data.docents if self.data is not None else []
        dialog = MoveDialog(view, list(lanes), self._context.runner, self)
        dialog.target_chosen.connect(
            lambda target: self.moves.request_move(view, target, dialog.place())
        )
        self.move_dialog = dialog
        dialog.open()

    def on_tour_moved(self, view: TourView) -> None:
        self._done("move", view)
        for planner in (self.day_view, self.week_view):
            planner.select(view.id)
        self.status.setText(
            self.tr("已调整：{group} 改为 {when}（{who}）").format(
                group=view.group_name,
                when=f"{view.date:%m月%d日} {view.local_start:%H:%M}–{view.local_end:%H:%M}",
                who=view.docent_names,
            )
        )

    def on_move_refused(self, message: str) -> None:
        self._show_error(self.tr("未能调整：{m}").format(m=message))
        self._render_if_stale()

    def on_move_abandoned(self, view: TourView) -> None:
        self.error.hide()
        self.status.setText(self.tr("已放弃调整：{group}").format(group=view.group_name))
        self._render_if_stale()

    def select_tour(self, tour_id: uuid.UUID) -> TourView:
        """Open the detail of a loaded tour (as clicking its block would)."""
        assert self.data is not None
        view = next(t for t in self.data.tours if t.id == tour_id)
        self.on_tour_activated(view)
        return view

    # -- booking ---------------------------------------------------------------------------

    @Slot()
    def on_new_clicked(self) -> None:
        self.new_button.setEnabled(False)
        self._context.runner.submit(
            ops.load_options(self._context.site_code),
            guarded(self, self.on_options_ready),
            guarded(self, self.on_options_failed),
            write=False,
        )

    def on_options_ready(self, options: ops.BookingOptions) -> None:
        self.new_button.setEnabled(True)
        dialog = BookingDialog(options, self._context.runner, self._context.staff, self.day, self)
        dialog.tour_booked.connect(self.on_tour_booked)
        self.booking_dialog = dialog
        dialog.open()

    def on_options_failed(self, exc: BaseException) -> None:
        self.new_button.setEnabled(True)
        self._show_error(user_message(exc, "tour_options"))

    def on_tour_booked(self, view: TourView) -> None:
        self._done("book", view)
        if view.date != self.day:
            self.show_day(view.date)

    # -- actions ---------------------------------------------------------------------------

    def _run(self, action: str, operation: Callable[[Any], TourView]) -> None:
        self.status.setText("")

        def done(view: TourView) -> None:
            self._done(action, view)

        self._context.runner.submit(
            operation,
            guarded(self, done),
            guarded(self, self.on_action_failed),
        )

    def _done(self, action: str, view: TourView) -> None:
        self.error.hide()
        self.status.setText(f"{self.tr(DONE_ZH[action])}：{view.group_name}")
        self.detail.show_tour(view)
        self.action_done.emit(action, view)
        self.reload()

    def on_action_failed(self, exc: BaseException) -> None:
        self._show_error(user_message(exc, "tour_action"))
        self.reload()

    def _show_error(self, message: str) -> None:
        self.status.setText("")
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.show()
        self.action_failed.emit(message)

    def on_detail_action_requested(self, action: str, view: TourView) -> None:
        me = self._context.staff
        if action == "cancel":
            self._ask_cancel(view)
        elif action == "print":
            self._with_slip(view, self._print_slip)
        elif action == "save_slip":
            self._with_slip(view, self._save_slip)
        elif action == "move":
            self._ask_move(view)
        else:
            self._run(action, ops.step(action, view.id, me))

    def on_detail_finish_requested(self, view: TourView, log: ops.TourLog) -> None:
        self._run("finish", ops.finish(view.id, log, self._context.staff))

    def _ask_cancel(self, view: TourView) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("取消预约"),
            self.tr("确定取消“{group}”{when}的参观接待吗？").format(
                group=view.group_name, when=f"{view.date:%m月%d日} {view.local_start:%H:%M}"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("tour_cancel_box")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("确认取消"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("不取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.cancel_box = box
        me = self._context.staff

        def decided(button: QPushButton) -> None:
            if box.buttonRole(button) == QMessageBox.ButtonRole.YesRole:
                self._run("cancel", ops.step("cancel", view.id, me))

        box.buttonClicked.connect(decided)
        box.open()

    # -- the slip --------------------------------------------------------------------------

    def _with_slip(self, view: TourView, then: Callable[[TourSlip], None]) -> None:
        self._context.runner.submit(
            ops.slip(view.id), guarded(self, then), guarded(self, self.on_action_failed)
        )

    def _print_slip(self, slip: TourSlip) -> None:
        self._context.runner.submit(
            ops.print_slip(slip),
            guarded(self, self.on_slip_printed),
            guarded(self, self.on_file_failed),
            with_session=False,
        )

    def on_slip_printed(self, printer: str) -> None:
        self.error.hide()
        self.status.setText(self.tr("确认单已发送到打印机：{p}").format(p=printer))
        self.slip_printed.emit(printer)

    def _save_slip(self, slip: TourSlip) -> None:
        name = f"参观接待确认单-{slip.group_name}-{slip.date:%Y%m%d}.pdf"

        def chosen(path: str) -> None:
            self._context.runner.submit(
                ops.save_slip_pdf(slip, path),
                guarded(self, self.on_file_saved),
                guarded(self, self.on_file_failed),
                with_session=False,
            )

        self._ask_path(self.tr("保存确认单"), name, self.tr("PDF 文件 (*.pdf)"), chosen)

    # -- files -----------------------------------------------------------------------------

    def _ask_path(
        self, title: str, name: str, file_filter: str, chosen: Callable[[str], None]
    ) -> None:
        self.save_dialog = ask_save_path(self, title, name, file_filter, chosen)

    def on_file_saved(self, path: str) -> None:
        self.error.hide()
        self.status.setText(self.tr("已保存：{path}").format(path=path))
        self.file_saved.emit(path)

    def on_file_failed(self, exc: BaseException) -> None:
        self._show_error(file_error_message(exc))

    # -- check-in by scan ------------------------------------------------------------------

    def on_scan_refused(self, message: str) -> None:
        self.set_panel_open(True)  # the result line is in the side panel
        self.scan_refused.emit(message)

    def on_checked_in(self, view: TourView) -> None:
        self.set_panel_open(True)
        self.detail.show_tour(view)
        self.checked_in.emit(view)
        if view.date != self.day:
            self.show_day(view.date)
        else:
            self.reload()
