"""The parts of 营业时间与节假日 (issue #9): a week of sessions to fill in, and a calendar day.

Managers pick times from lists (or type HH:MM); nobody needs to know the settings' text form.
The widgets only collect what was chosen; :mod:`reception.modules.admin.ops` and the services
check it.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.widgets import message_label, set_time, source_text, time_box
from reception.modules.tours_booking import spin_field
from shared.services.settings import SettingValue

CONTEXT = "AdminPages"
WEEKDAYS = tuple(
    QT_TRANSLATE_NOOP(CONTEXT, name)
    for name in ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
)
SESSIONS_PER_DAY = 3
#: Calendar kinds in the order offered, with their Chinese names.
DAY_KINDS = (
    ("holiday", QT_TRANSLATE_NOOP(CONTEXT, "休息（节假日）")),
    ("workday", QT_TRANSLATE_NOOP(CONTEXT, "调休上班")),
    ("extended", QT_TRANSLATE_NOOP(CONTEXT, "延时服务")),
)


class SessionRow(QWidget):
    """Up to ``count`` sessions (start – end) of one day (no signals)."""

    def __init__(self, name: str, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: list[tuple[QComboBox, QComboBox]] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for number in range(1, count + 1):
            start = time_box(translate(CONTEXT, "{name}第{n}段开始").format(name=name, n=number))
            end = time_box(translate(CONTEXT, "{name}第{n}段结束").format(name=name, n=number))
            dash = QLabel("–")
            layout.addWidget(start)
            layout.addWidget(dash)
            layout.addWidget(end)
            if number < count:
                layout.addSpacing(14)
            self.boxes.append((start, end))
        layout.addStretch(1)

    def set_sessions(self, sessions: list[tuple[str, str]]) -> None:
        """Show ``sessions`` (the rest of the boxes empty)."""
        for index, (start, end) in enumerate(self.boxes):
            pair = sessions[index] if index < len(sessions) else ("", "")
            set_time(start, pair[0])
            set_time(end, pair[1])

    def sessions(self) -> list[tuple[str, str]]:
        """What the boxes hold, as (start, end) texts, empty ones included."""
        return [(a.currentText(), b.currentText()) for a, b in self.boxes]


class WeekEditor(QFrame):
    """One weekly-hours setting: a row of sessions per weekday, with save and reset.

    Signals:
        save_requested(str): 保存 was pressed (the setting's key).
        reset_requested(str): 恢复上一级 was pressed (the setting's key).
    """

    save_requested = Signal(str)
    reset_requested = Signal(str)

    def __init__(self, key: str, title: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"week_{key}")
        self.setProperty("role", "card")
        heading = QLabel(title)
        heading.setProperty("role", "title")
        explain = QLabel(note)
        explain.setProperty("role", "muted")
        explain.setWordWrap(True)
        self.current = QLabel()
        self.current.setObjectName(f"week_{key}_current")
        self.current.setWordWrap(True)
        self.days: list[SessionRow] = []
        #: True once a box was changed by hand and not saved since.
        self.dirty = False
        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        for day, name in enumerate(WEEKDAYS):
            day_name = translate(CONTEXT, name)
            row = SessionRow(day_name, SESSIONS_PER_DAY)
            self.days.append(row)
            grid.addWidget(QLabel(day_name), day, 0)
            grid.addWidget(row, day, 1)
        self.error = message_label(f"week_{key}_error")
        self.save = QPushButton(self.tr("保存{title}").format(title=title))
        self.save.setObjectName(f"week_{key}_save")
        self.save.setProperty("role", "primary")
        self.save.setAccessibleName(self.save.text())
        self.reset = QPushButton(self.tr("恢复上一级"))
        self.reset.setObjectName(f"week_{key}_reset")
        self.reset.setAccessibleName(self.tr("{title}恢复上一级").format(title=title))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.reset)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.current)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addStretch(1)
        for row in self.days:
            for start, end in row.boxes:
                start.currentTextChanged.connect(self.on_box_changed)
                end.currentTextChanged.connect(self.on_box_changed)
        self.save.clicked.connect(lambda: self.save_requested.emit(self.key))
        self.reset.clicked.connect(lambda: self.reset_requested.emit(self.key))

    def show_value(
        self, value: SettingValue, days: dict[int, list[tuple[str, str]]], own_level: bool
    ) -> None:
        """Show the hours in force; 恢复上一级 only when they are set at this level.

        Boxes someone has changed and not saved (:attr:`dirty`) keep their draft, so a change
        arriving from another terminal never wipes what is being filled in.
        """
        if not self.dirty:
            for day, row in enumerate(self.days):
                row.set_sessions(days.get(day, []))
            self.dirty = False
        self.current.setText(
            self.tr("现行：{text}（来源：{source}）").format(
                text=value.text, source=source_text(value.source)
            )
        )
        self.reset.setEnabled(own_level)
        self.error.hide()

    def on_box_changed(self, _text: str) -> None:
        self.dirty = True

    def sessions_by_day(self) -> dict[int, list[tuple[str, str]]]:
        """Every weekday's boxes, empty ones included."""
        return {day: row.sessions() for day, row in enumerate(self.days)}


class DayForm(QFrame):
    """One calendar day to add or replace: date, kind, name and, if any, its sessions.

    Signals:
        save_requested(): 保存该日 was pressed.
    """

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("day_form")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("day_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        spin_field(self.date, self.tr("日期"))
        self.kind = QComboBox()
        self.kind.setObjectName("day_kind")
        self.kind.setAccessibleName(self.tr("类型"))
        for code, label in DAY_KINDS:
            self.kind.addItem(translate(CONTEXT, label), code)
        self.name = QLineEdit()
        self.name.setObjectName("day_name")
        self.name.setAccessibleName(self.tr("名称"))
        self.name.setPlaceholderText(self.tr("如：国庆节、调休上班"))
        self.name.setMaxLength(60)
        self.sessions = SessionRow(self.tr("当日时段"), 2)
        self.error = message_label("day_error")
        self.save = QPushButton(self.tr("保存该日"))
        self.save.setObjectName("day_save")
        self.save.setProperty("role", "primary")
        self.save.setAccessibleName(self.tr("保存该日"))
        note = QLabel(
            self.tr("休息日不填时段；调休上班不填时按平常工作日；延时服务填写延长的时段。")
        )
        note.setProperty("role", "muted")
        note.setWordWrap(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for row, (text, widget) in enumerate(
            (
                (self.tr("日期(&D)"), self.date),
                (self.tr("类型(&K)"), self.kind),
                (self.tr("名称(&M)"), self.name),
                (self.tr("时段"), self.sessions),
            )
        ):
            label = QLabel(text)
            if not isinstance(widget, SessionRow):
                label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(self.error)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save)
        save_row.addStretch(1)
        layout.addLayout(save_row)
        layout.addStretch(1)
        self.save.clicked.connect(self.save_requested)
