"""The 参观接待 week view: seven days × docents, each cell listing that docent's tours as
:class:`~reception.modules.tours_calendar.TourBlock` buttons, and each venue's daily peak."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reception.modules.tours_calendar import (
    CLOSED_STATES,
    WEEKDAYS,
    TourBlock,
    lanes_for,
    peak_of_day,
)
from reception.modules.tours_ops import CalendarData


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)


class WeekCalendar(QWidget):
    """Seven days × docents: each cell lists that docent's tours; venue peaks below.

    Signals:
        tour_activated(object): a tour block was clicked (its :class:`TourView`).
        day_activated(object): a day's heading was pressed (its ``date``), to open that day.
    """

    tour_activated = Signal(object)
    day_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tours_week_calendar")
        self.blocks: list[TourBlock] = []
        self.day_buttons: list[QPushButton] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(6)

    def set_data(self, data: CalendarData, today: dt.date, shown: dt.date) -> None:
        """Show the loaded week; ``today`` and the day ``shown`` in the day view are marked."""
        _clear(self.grid)
        self.blocks, self.day_buttons = [], []
        days = [data.first + dt.timedelta(days=i) for i in range(7)]
        lanes = lanes_for(data.docents, data.tours)
        corner = QLabel(self.tr("讲解员"))
        corner.setProperty("role", "muted")
        self.grid.addWidget(corner, 0, 0)
        for col, day in enumerate(days, start=1):
            mark = self.tr(" 今天") if day == today else ""
            button = QPushButton(f"{day:%m-%d}{mark}\n{WEEKDAYS[day.weekday()]}")
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setObjectName(f"week_day_{day:%Y%m%d}")
            button.setAccessibleName(self.tr("查看 {day} 的日程").format(day=f"{day:%m月%d日}"))
            button.setProperty("role", "tour_toggle")
            button.setCheckable(True)
            button.setChecked(day == shown)
            button.clicked.connect(lambda _checked=False, d=day: self.day_activated.emit(d))
            self.grid.addWidget(button, 0, col)
            self.day_buttons.append(button)
        for row, docent in enumerate(lanes, start=1):
            name = QLabel(docent.name)
            name.setProperty("role", "tour_docent")
            self.grid.addWidget(name, row, 0)
            for col, day in enumerate(days, start=1):
                cell = QVBoxLayout()
                cell.setSpacing(4)
                mine = [
                    t
                    for t in data.tours
                    if t.date == day and docent.username in {u for u, _n in t.docents}
                ]
                for view in mine:
                    block = TourBlock(view, compact=True)
                    block.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                    block.tour_activated.connect(self.tour_activated)
                    cell.addWidget(block)
                    self.blocks.append(block)
                cell.addStretch(1)
                self.grid.addLayout(cell, row, col)
        row = len(lanes) + 1
        for venue in data.venues:
            label = QLabel(f"{venue.name}\n（容量 {venue.capacity}）")
            label.setProperty("role", "muted")
            self.grid.addWidget(label, row, 0)
            for col, day in enumerate(days, start=1):
                peak, at = peak_of_day(data.tours, venue.code, day)
                text = f"峰值 {peak} 人 {at}" if peak else "—"
                cell_label = QLabel(text)
                cell_label.setProperty("role", "error" if peak > venue.capacity else "muted")
                cell_label.setAccessibleName(f"{venue.name} {day:%m月%d日} {text}")
                self.grid.addWidget(cell_label, row, col)
            row += 1
        totals = QLabel(self.tr("合计"))
        totals.setProperty("role", "muted")
        self.grid.addWidget(totals, row, 0)
        for col, day in enumerate(days, start=1):
            live = [t for t in data.tours if t.date == day and t.state not in CLOSED_STATES]
            text = f"{len(live)} 批 · {sum(t.expected_visitors for t in live)} 人" if live else "—"
            self.grid.addWidget(QLabel(text), row, col)
        for col in range(1, 8):
            self.grid.setColumnStretch(col, 1)
        self.grid.setRowStretch(row + 1, 1)
