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

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import translate
from reception.modules.admin import ops
from reception.modules.admin.hours_widgets import CONTEXT, WEEKDAYS, DayForm, WeekEditor
from reception.modules.admin.widgets import (
    fill_sites,
    message_label,
    show_message,
    widen_columns,
)
from reception.registry import ModuleContext
from reception.views.tables import read_only_table
from shared.changes import ChangeRecord, touches
from shared.clock import utcnow
from shared.services.holidays import CalendarEntry

WATCHED = frozenset({"setting", "calendar", "organisation"})


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
        self.calendar = read_only_table(
            [
                self.tr("日期"),
                self.tr("星期"),
                self.tr("类型"),
                self.tr("名称"),
                self.tr("时段"),
                self.tr("范围"),
            ],
            self.tr("节假日列表"),
        )
        self.calendar.setObjectName("hours_calendar")
        widen_columns(self.calendar, 3, 5)
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

        # Two sub-pages, so each fits a console screen without scrolling; the scope and the
        # next opening above them apply to both.
        week_page = QWidget()
        week_layout = QHBoxLayout(week_page)
        week_layout.setContentsMargins(0, 12, 0, 0)
        week_layout.setSpacing(16)
        week_layout.addWidget(self.hall, 1)
        week_layout.addWidget(self.self_service, 1)
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
        layout.setContentsMargins(24, 16, 24, 16)
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
        self.calendar.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            scope = (
                self.site_names.get(entry.site_code, entry.site_code)
                if entry.site_code
                else self.tr("全大厅")
            )
            values = (
                entry.day.isoformat(),
                translate(CONTEXT, WEEKDAYS[entry.day.weekday()]),
                entry.kind_zh,
                entry.name,
                ", ".join(f"{a}-{b}" for a, b in entry.sessions),
                scope,
            )
            for column, value in enumerate(values):
                self.calendar.setItem(row, column, QTableWidgetItem(value))
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
        rows = self.calendar.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._entries):
            return None
        return self._entries[rows[0].row()]

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
