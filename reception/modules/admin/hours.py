"""管理 › 营业时间与节假日: a site's staffed hours, the 24-hour zone's hours and the holiday
calendar, with the next opening they lead to.

Issue #9. Weekly hours are filled in per weekday (up to three sessions a day) and stored
through :func:`shared.services.settings.change_setting` (settings ``hall_hours`` and
``self_service_hours``); calendar days through :mod:`shared.services.holidays`. The scope is
the whole hall or one site. The page shows the next opening from
:func:`shared.services.hours.hall_state`, so a manager sees the effect of a change at once,
and reloads when hours, the calendar or the sites change on any terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import translate
from reception.modules.admin import ops
from reception.modules.admin.hours_widgets import CONTEXT, WEEKDAYS, DayForm, WeekEditor
from reception.modules.admin.widgets import fill_sites, message_label, show_message
from reception.registry import ModuleContext
from shared.changes import ChangeRecord, touches
from shared.clock import to_local, utcnow
from shared.qt.tables import Cell, Column, DataTable, Row, Tone
from shared.services.holidays import CalendarEntry

WATCHED = frozenset({"setting", "calendar", "organisation"})
#: The page's left and right margin.
SIDE_MARGIN = 24
#: A closed day and extra hours stand out in the calendar; a working Saturday reads plain.
KIND_TONES: dict[str, Tone] = {"holiday": "warning", "extended": "active"}


class HoursPage(QWidget):
    """Weekly hours, the holiday calendar and the next opening, for the hall or one site.

    Signals:
        hours_loaded(str): the page was (re)loaded; the next-opening text shown.
        saved(str): a change was saved; the message shown.
        refused(str): a change was refused; the Chinese reason shown.
    """

    hours_loaded = Signal(str)
    saved = Signal(str)
    refused = Signal(str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin_hours")
        self._context = context
        self._site: str | None = None
        self._loading = False
        self._stale = False
        self._entries: list[CalendarEntry] = []
        self.site_names: dict[str, str] = {}
        #: Where "now" comes from (the next opening depends on it); tests set a fixed one.
        self.clock: Callable[[], datetime] = utcnow

        title = QLabel(self.tr("营业时间与节假日"))
        title.setProperty("role", "title")
        scope_label = QLabel(self.tr("适用范围(&S)"))
        self.scope = QComboBox()
        self.scope.setObjectName("hours_scope")
        self.scope.setAccessibleName(self.tr("营业时间适用范围"))
        self.scope.setMinimumContentsLength(14)
        scope_label.setBuddy(self.scope)
        fill_sites(self.scope, [], self.tr("全大厅（所有站点）"), None)
        self.opening = QLabel(self.tr("正在读取…"))
        self.opening.setObjectName("hours_opening")
        self.opening.setProperty("role", "notice")
        self.opening.setWordWrap(True)
        self.message = message_label("hours_message")

        self.hall = WeekEditor(
            "hall_hours",
            self.tr("大厅营业时间"),
            self.tr("窗口有人值守的时段。某天全部留空即当天不开放。"),
        )
        self.self_service = WeekEditor(
            "self_service_hours",
            self.tr("24小时自助区开放时间"),
            self.tr("自助区开放时段；全天开放请选 00:00 – 24:00。"),
        )
        self.calendar = DataTable(
            [
                Column(self.tr("日期"), "time", True),
                Column(self.tr("星期"), "text"),
                Column(self.tr("类型"), "text", True),
                Column(self.tr("名称"), "main", True),
                Column(self.tr("时段"), "text"),
                Column(self.tr("范围"), "text", True),
            ],
            self.tr("节假日列表"),
            select="none",  # 删除所选日期 must never be one press from a default row
            empty_text=self.tr("还没有节假日或调休安排。"),
        )
        self.calendar.setObjectName("hours_calendar")
        self.calendar.set_loading(True, self.tr("正在读取节假日…"))
        self.remove_button = QPushButton(self.tr("删除所选日期"))
        self.remove_button.setObjectName("day_remove")
        self.remove_button.setProperty("role", "danger")
        self.remove_button.setAccessibleName(self.tr("删除所选日期"))
        self.day_form = DayForm()
        self.day_form.setMaximumWidth(720)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        calendar_list = QVBoxLayout()
        calendar_list.addWidget(self.calendar, 1)
        calendar_list.addLayout(remove_row)

        # Two sub-pages, so each fits a 1920×1080 screen without scrolling; the scope and the
        # next opening above them apply to both. On a 1366×768 screen the week scrolls
        # rather than squeezing its time boxes over each other (issue #19).
        week_body = QWidget()
        self.week_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, week_body)
        self.week_layout.setContentsMargins(0, 12, 0, 0)
        self.week_layout.setSpacing(16)
        self.week_layout.addWidget(self.hall, 1)
        self.week_layout.addWidget(self.self_service, 1)
        week_page = QScrollArea()
        week_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        week_page.setObjectName("hours_week_scroll")
        week_page.setFrameShape(QFrame.Shape.NoFrame)
        week_page.setWidgetResizable(True)
        week_page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its time boxes take focus
        week_page.setWidget(week_body)
        calendar_page = QWidget()
        calendar_layout = QHBoxLayout(calendar_page)
        calendar_layout.setContentsMargins(0, 12, 0, 0)
        calendar_layout.setSpacing(24)
        calendar_layout.addLayout(calendar_list, 3)
        calendar_layout.addWidget(self.day_form, 2)
        self.sections = QTabWidget()
        self.sections.setObjectName("hours_sections")
        self.sections.setAccessibleName(self.tr("营业时间与节假日分页"))
        self.sections.addTab(week_page, self.tr("每周营业时间"))
        self.sections.addTab(calendar_page, self.tr("节假日与调休"))

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SIDE_MARGIN, 16, SIDE_MARGIN, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.opening)
        layout.addWidget(self.message)
        layout.addWidget(self.sections, 1)

        self.scope.currentIndexChanged.connect(self.on_scope_changed)
        for editor in (self.hall, self.self_service):
            editor.save_requested.connect(self.on_week_save_requested)
            editor.reset_requested.connect(self.on_week_reset_requested)
        self.day_form.save_requested.connect(self.on_day_save_requested)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.calendar.itemSelectionChanged.connect(self.on_calendar_selection_changed)
        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.on_calendar_selection_changed()
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Side by side where both weeks fit; one above the other (scrolling) where not.
        both = self.hall.minimumSizeHint().width() + self.self_service.minimumSizeHint().width()
        wide = self.width() >= both + self.week_layout.spacing() + 2 * SIDE_MARGIN
        self.week_layout.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )

    # -- loading --------------------------------------------------------------------------

    def choose_site(self, code: str | None) -> None:
        """Show and edit site ``code`` (None: the whole hall)."""
        self.scope.setCurrentIndex(max(self.scope.findData(code), 0) if code else 0)

    def reload(self) -> None:
        """Read hours, calendar and the next opening for the chosen scope."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._context.runner.submit(
            ops.load_hours(self._site, self._context.site_code, self.clock()),
            guarded(self, self.on_hours_ready),
            guarded(self, self.on_hours_failed),
            write=False,
        )

    def on_hours_ready(self, listing: ops.HoursListing) -> None:
        self._loading = False
        if self._stale or listing.site != self._site:
            self._stale = False
            self.reload()
            return
        fill_sites(self.scope, listing.sites, self.tr("全大厅（所有站点）"), self._site)
        self.site_names = {site.code: site.name for site in listing.sites}
        level = "site" if self._site else "hall"
        for editor in (self.hall, self.self_service):
            value = listing.hours[editor.key]
            editor.show_value(value, listing.days[editor.key], value.source == level)
        self._show_calendar(listing.calendar)
        text = self._opening_text(listing.opening)
        self.opening.setText(text)
        self.hours_loaded.emit(text)

    def on_hours_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.calendar.set_loading(False)
        show_message(self.message, user_message(exc, "hours_load"))

    def _opening_text(self, opening: ops.Opening) -> str:
        if opening.is_open and opening.closes_at is not None:
            return self.tr("{site}：现在营业中，{time} 结束。").format(
                site=opening.site_name, time=opening.closes_at.strftime("%H:%M")
            )
        closed = self.tr("今日{name}，").format(name=opening.holiday) if opening.holiday else ""
        if opening.next_opening is None:
            return self.tr("{site}：{closed}近期没有营业时段。").format(
                site=opening.site_name, closed=closed
            )
        moment = opening.next_opening
        weekday = translate(CONTEXT, WEEKDAYS[moment.weekday()])
        return self.tr("{site}：{closed}现在不营业，下次开放：{date} {weekday} {time}").format(
            site=opening.site_name,
            closed=closed,
            date=moment.strftime("%Y-%m-%d"),
            weekday=weekday,
            time=moment.strftime("%H:%M"),
        )

    def _show_calendar(self, entries: list[CalendarEntry]) -> None:
        self._entries = entries
        today = to_local(utcnow()).date()
        rows = []
        for entry in entries:
            scope = (
                self.site_names.get(entry.site_code, entry.site_code)
                if entry.site_code
                else self.tr("全大厅")
            )
            values = (
                Cell(entry.day.isoformat(), sort=entry.day),
                translate(CONTEXT, WEEKDAYS[entry.day.weekday()]),
                Cell(entry.kind_zh, tone=KIND_TONES.get(entry.kind)),
                entry.name,
                ", ".join(f"{a}-{b}" for a, b in entry.sessions),
                scope,
            )
            past = entry.day < today  # kept for reference, greyed: it no longer changes hours
            rows.append(Row(entry.id, values, data=entry, tone="muted" if past else None))
        self.calendar.set_rows(rows)
        self.on_calendar_selection_changed()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *WATCHED):
            self.reload()

    @Slot(int)
    def on_scope_changed(self, _index: int) -> None:
        self._site = self.scope.currentData()
        self.message.hide()
        self.hall.dirty = self.self_service.dirty = False  # drafts belong to their scope
        self.reload()

    # -- changing -------------------------------------------------------------------------

    @Slot(str)
    def on_week_save_requested(self, key: str) -> None:
        editor = self._editor(key)
        days = editor.sessions_by_day()
        self._run(ops.save_hours(self._context.staff, key, days, self._site), editor)

    @Slot(str)
    def on_week_reset_requested(self, key: str) -> None:
        self._run(ops.reset_setting(self._context.staff, key, self._site), self._editor(key))

    @Slot()
    def on_day_save_requested(self) -> None:
        form = self.day_form
        operation = ops.save_day(
            self._context.staff,
            form.date.date().toPython(),
            str(form.kind.currentData()),
            form.name.text(),
            form.sessions.sessions(),
            self._site,
        )
        self._run(operation, form)

    def selected_entry(self) -> CalendarEntry | None:
        """The calendar entry of the selected row."""
        entry = self.calendar.selected_data()
        return entry if isinstance(entry, CalendarEntry) else None

    @Slot()
    def on_calendar_selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected_entry() is not None)

    @Slot()
    def on_remove_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            operation = ops.remove_day(self._context.staff, entry.day, entry.site_code)
            self._run(operation, None)

    def _editor(self, key: str) -> WeekEditor:
        return self.hall if key == self.hall.key else self.self_service

    def _run(self, operation: ops.Op, where: WeekEditor | DayForm | None) -> None:
        error = where.error if where is not None else self.message
        error.hide()

        def done(_result: object) -> None:
            if isinstance(where, WeekEditor):
                where.dirty = False  # saved: show what is stored again
            text = self.tr("已保存。")
            show_message(self.message, text, ok=True)
            self.saved.emit(text)
            self.reload()

        def failed(exc: BaseException) -> None:
            reason = user_message(exc, "hours_change")
            show_message(error, reason)
            self.refused.emit(reason)

        self._context.runner.submit(operation, guarded(self, done), guarded(self, failed))
