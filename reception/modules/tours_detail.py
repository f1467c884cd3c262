"""The tour detail panel: every field, the state, the buttons the state allows, and the log
form that 结束 opens (actual end, head count, notes, follow-ups, the group's feedback).

The panel shows plain :class:`TourView` data and emits what staff asked for; the page runs
it in the background.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from reception.modules.tours_booking import spin_field
from reception.modules.tours_calendar import span
from reception.modules.tours_legend import PlannerLegend
from reception.modules.tours_ops import TourLog, local_instant
from shared.clock import HALL_TZ, to_local, utcnow
from shared.services.masking import mask_phone
from shared.services.tours_moves import movable
from shared.services.tours_views import FEEDBACK_ZH, TourView

#: (key, text, accessible name) of the action buttons, in the order shown.
ACTIONS = (
    ("confirm", "确认", "确认该预约"),
    ("arrive", "签到", "手动签到：团组已到达"),
    ("start", "开始", "开始讲解"),
    ("finish", "结束", "结束讲解并填写接待记录"),
    ("move", "调整时间", "调整日期、时间或讲解员（不用拖动）"),
    ("no_show", "未到", "标记团组未到"),
    ("cancel", "取消预约", "取消该预约"),
    ("print", "打印确认单", "用系统打印机打印确认单"),
    ("save_slip", "保存确认单 PDF", "将确认单保存为 PDF 文件"),
)


def allowed_actions(view: TourView, now: dt.datetime | None = None) -> set[str]:
    """The buttons a tour's state allows (the services check again)."""
    now = now or utcnow()
    live = view.state in ("requested", "confirmed")
    arrived = view.arrived_at is not None
    allowed: set[str] = set()
    if view.state == "requested":
        allowed.add("confirm")
    if live and not arrived:
        allowed.add("arrive")
        if now >= view.starts_at:
            allowed.add("no_show")
    if view.state == "confirmed" or (view.state == "requested" and arrived):
        allowed.add("start")
    if view.state == "in_progress":
        allowed.add("finish")
    if live:
        allowed |= {"cancel", "print", "save_slip"}
    if movable(view):
        allowed.add("move")
    return allowed


def _local(value: dt.datetime | None) -> str:
    return f"{to_local(value):%H:%M}" if value else ""


class TourDetail(QFrame):
    """The selected tour.

    Signals:
        action_requested(str, object): a button (``confirm``, ``arrive``, ``start``,
            ``no_show``, ``move``, ``cancel``, ``print``, ``save_slip``) for this
            :class:`TourView`.
        finish_requested(object, object): the log form was saved: the view and its
            :class:`~reception.modules.tours_ops.TourLog`.
        collapse_requested(): 收起 was pressed (the panel folds away on a narrow screen).
    """

    action_requested = Signal(str, object)
    finish_requested = Signal(object, object)
    collapse_requested = Signal()

    FIELDS = (
        ("state", "状态"),
        ("group", "团组"),
        ("org", "单位"),
        ("when", "时间"),
        ("route", "路线"),
        ("docents", "讲解员"),
        ("visitors", "人数"),
        ("level", "接待等级"),
        ("letter", "公函"),
        ("contact", "联系人"),
        ("notes", "备注"),
        ("override", "特批"),
        ("log", "接待记录"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tour_detail")
        self.setProperty("role", "tour_panel")
        self.view: TourView | None = None
        self.result_lines = 0
        title = QLabel(self.tr("接待详情"))
        title.setProperty("role", "title")
        self.close_button = QPushButton(self.tr("收起 ›"))
        self.close_button.setObjectName("tour_panel_close")
        self.close_button.setAccessibleName(self.tr("收起接待详情，加宽日程"))
        self.close_button.clicked.connect(self.collapse_requested)
        self.close_button.hide()
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self.close_button)
        self.empty = QLabel(self.tr("在日程中点选一个接待查看详情；按住拖动可调整时间或讲解员。"))
        self.empty.setProperty("role", "tour_field")
        self.empty.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("tour_summary")
        self.summary.setProperty("role", "tour_docent")
        self.summary.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        self.form = QWidget()
        self.form.setProperty("role", "tour_panel_body")
        # A grid rather than a form layout: wrapped values (long notes) get their full height.
        fields = QGridLayout(self.form)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.setVerticalSpacing(6)
        fields.setColumnStretch(1, 1)
        for row, (key, text) in enumerate(self.FIELDS):
            value = QLabel()
            value.setObjectName(f"tour_field_{key}")
            value.setWordWrap(True)
            label = QLabel(self.tr(text))
            label.setProperty("role", "tour_field")
            self.values[key] = value
            fields.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            fields.addWidget(value, row, 1)
        self.values["state"].setProperty("role", "tour_docent")

        self.buttons: dict[str, QPushButton] = {}
        actions = QWidget()
        actions.setProperty("role", "tour_panel_body")
        self.grid = QGridLayout(actions)
        self.grid.setContentsMargins(0, 8, 0, 0)
        for key, text, name in ACTIONS:
            button = QPushButton(self.tr(text))
            button.setObjectName(f"tour_{key}")
            button.setAccessibleName(self.tr(name))
            button.clicked.connect(lambda _c=False, k=key: self.on_action_clicked(k))
            self.buttons[key] = button
        for key in ("confirm", "start", "finish"):
            self.buttons[key].setProperty("role", "primary")
        for key in ("cancel", "no_show"):
            self.buttons[key].setProperty("role", "danger")

        self.log_form = self._log_form()
        self.actions = actions
        self.logging = False

        layout = QVBoxLayout(self)
        self._column = layout
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addLayout(header)
        layout.addWidget(self.empty)
        layout.addWidget(self.summary)
        layout.addWidget(self.form)
        layout.addWidget(self.actions)
        layout.addWidget(self.log_form)
        self.legend = PlannerLegend()
        layout.addWidget(self.legend)
        layout.addStretch(1)
        self.show_tour(None)

    def add_status(self, label: QLabel) -> None:
        """Show one of the page's result lines (what the last action or scan did) under the
        panel's title; it shows only while it says something."""
        self.result_lines += 1
        self._column.insertWidget(self.result_lines, label)

    def _log_form(self) -> QWidget:
        box = QWidget()
        box.setObjectName("tour_log_form")
        box.setProperty("role", "tour_panel_body")
        heading = QLabel(self.tr("接待记录"))
        heading.setProperty("role", "tour_docent")
        self.actual_start = QLabel()
        self.actual_start.setObjectName("tour_actual_start")
        self.actual_end = QTimeEdit()
        self.actual_end.setDisplayFormat("HH:mm")
        self.actual_visitors = QSpinBox()
        self.actual_visitors.setRange(0, 1000)
        self.actual_visitors.setSuffix(self.tr(" 人"))
        self.feedback = QComboBox()
        self.feedback.addItem(self.tr("未评价"), None)
        for level in sorted(FEEDBACK_ZH, reverse=True):
            self.feedback.addItem(f"{level} {FEEDBACK_ZH[level]}", level)
        self.log_notes = QPlainTextEdit()
        self.log_notes.setFixedHeight(84)
        self.follow_ups = QPlainTextEdit()
        self.follow_ups.setFixedHeight(84)
        self.save_log = QPushButton(self.tr("保存记录并结束"))
        self.save_log.setObjectName("tour_save_log")
        self.save_log.setProperty("role", "primary")
        self.back = QPushButton(self.tr("返回"))
        self.back.setObjectName("tour_log_back")
        self.back.setAccessibleName(self.tr("返回，不结束讲解"))
        form = QFormLayout()
        start_label = QLabel(self.tr("实际开始"))
        start_label.setBuddy(self.actual_start)
        form.addRow(start_label, self.actual_start)
        for text, widget in (
            ("实际结束", self.actual_end),
            ("实到人数", self.actual_visitors),
            ("评价", self.feedback),
            ("讲解记录", self.log_notes),
            ("待办事项", self.follow_ups),
        ):
            label = QLabel(self.tr(text))
            label.setBuddy(widget)
            form.addRow(label, widget)
        spin_field(self.actual_end, self.tr("实际结束时间"))
        spin_field(self.actual_visitors, self.tr("实到人数"))
        self.log_notes.setAccessibleName(self.tr("讲解记录"))
        self.follow_ups.setAccessibleName(self.tr("待办事项"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.save_log, 1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.save_log.clicked.connect(self.on_save_log_clicked)
        self.back.clicked.connect(self.on_back_clicked)
        return box

    # -- showing ---------------------------------------------------------------------------

    def show_tour(self, view: TourView | None) -> None:
        """Show ``view`` (or the empty prompt) with the buttons its state allows."""
        same = view is not None and self.view is not None and view.id == self.view.id
        self.view = view
        self.empty.setVisible(view is None)
        if view is None:
            self.form.hide()
            self.summary.hide()
            self.actions.hide()
            self.log_form.hide()
            return
        self._set_page(1 if same and self.logging and view.state == "in_progress" else 0)
        self.summary.setText(
            f"{view.group_name}\n{span(view)} · {view.state_zh} · "
            + self.tr("预计 {n} 人").format(n=view.expected_visitors)
        )
        v = self.values
        v["state"].setText(view.state_zh + (self.tr("（延时）") if view.extended else ""))
        v["group"].setText(view.group_name)
        v["org"].setText(view.organisation)
        weekday = "一二三四五六日"[view.date.weekday()]
        v["when"].setText(f"{view.date:%Y-%m-%d}（星期{weekday}） {span(view)}")
        parts = "\n".join(
            f"· {name} {a.astimezone(HALL_TZ):%H:%M}–{b.astimezone(HALL_TZ):%H:%M}"
            for _c, name, a, b in view.segments
        )
        v["route"].setText(f"{view.route_name}\n{parts}")
        v["docents"].setText(view.docent_names or self.tr("待定"))
        v["visitors"].setText(self.tr("预计 {n} 人").format(n=view.expected_visitors))
        v["level"].setText(view.level)
        v["letter"].setText(view.letter_ref or self.tr("无"))
        contact = " ".join(p for p in (view.contact_name, mask_phone(view.contact_phone)) if p)
        v["contact"].setText(contact or self.tr("无"))
        v["notes"].setText(view.notes or self.tr("无"))
        v["override"].setText(
            f"{view.override_reason}（{view.override_by}）" if view.override_reason else "无"
        )
        v["log"].setText(self._log_text(view))
        allowed = allowed_actions(view)
        shown = [key for key, _t, _n in ACTIONS if key in allowed]
        for button in self.buttons.values():
            self.grid.removeWidget(button)
        for index, key in enumerate(shown):
            self.grid.addWidget(self.buttons[key], index // 2, index % 2)
        for key, button in self.buttons.items():
            button.setVisible(key in allowed)

    def _set_page(self, index: int) -> None:
        # The log form replaces the field list by a one-line summary, so both fit.
        self.logging = index == 1
        self.actions.setVisible(index == 0)
        self.log_form.setVisible(index == 1)
        self.form.setVisible(index == 0)
        self.summary.setVisible(index == 1)

    def _log_text(self, view: TourView) -> str:
        lines = []
        if view.arrived_at:
            lines.append(self.tr("签到 {t}").format(t=_local(view.arrived_at)))
        if view.actual_start:
            end = _local(view.actual_end) or "…"
            lines.append(self.tr("实际 {a}–{b}").format(a=_local(view.actual_start), b=end))
        if view.actual_visitors is not None:
            lines.append(self.tr("实到 {n} 人").format(n=view.actual_visitors))
        if view.feedback:
            lines.append(self.tr("评价：{f}").format(f=FEEDBACK_ZH[view.feedback]))
        if view.log_notes:
            lines.append(view.log_notes)
        if view.follow_ups:
            lines.append(self.tr("待办：{f}").format(f=view.follow_ups))
        return "\n".join(lines) or self.tr("无")

    def open_log_form(self) -> None:
        """Show the log form for the tour in progress, filled with sensible defaults."""
        view = self.view
        if view is None:
            return
        self.actual_start.setText(_local(view.actual_start) or _local(view.starts_at))
        now = to_local(utcnow())
        self.actual_end.setTime(QTime(now.hour, now.minute))
        self.actual_visitors.setValue(view.expected_visitors)
        self.feedback.setCurrentIndex(0)
        self.log_notes.clear()
        self.follow_ups.clear()
        self._set_page(1)
        self.actual_visitors.setFocus()

    def log(self) -> TourLog:
        """The log form's values (the end on the day the tour started, never before its
        recorded start within the same minute)."""
        assert self.view is not None
        started = self.view.actual_start or self.view.starts_at
        end = local_instant(to_local(started).date(), self.actual_end.time().toPython())
        if started - dt.timedelta(minutes=1) < end < started:
            end = started
        return TourLog(
            actual_end=end,
            actual_visitors=self.actual_visitors.value(),
            feedback=self.feedback.currentData(),
            notes=self.log_notes.toPlainText().strip(),
            follow_ups=self.follow_ups.toPlainText().strip(),
        )

    # -- slots -----------------------------------------------------------------------------

    def on_action_clicked(self, key: str) -> None:
        if self.view is None:
            return
        if key == "finish":
            self.open_log_form()
            return
        self.action_requested.emit(key, self.view)

    @Slot()
    def on_save_log_clicked(self) -> None:
        if self.view is not None:
            self.finish_requested.emit(self.view, self.log())

    @Slot()
    def on_back_clicked(self) -> None:
        self._set_page(0)
