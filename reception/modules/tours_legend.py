"""The planner's key (图例): what the chip colours, the level badges, the shading and the
load bars mean, shown in the side panel so the planner explains itself.

State swatches are labels in the chips' own stylesheet role, so they are the chips' colours
by construction; marks are painted with the planner's and the chips' painting code.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules.tours_calendar import paint_badge
from reception.modules.tours_week_paint import (
    CLOSED_FILL,
    CLOSED_HATCH,
    EXTENDED_FILL,
    EXTENDED_HATCH,
    TRACK,
    venue_colour,
)
from shared.qt.theme import tokens_for

STATES = (
    ("requested", QT_TRANSLATE_NOOP("PlannerLegend", "待确认（虚线框）")),
    ("confirmed", QT_TRANSLATE_NOOP("PlannerLegend", "已确认")),
    ("arrived", QT_TRANSLATE_NOOP("PlannerLegend", "已签到")),
    ("in_progress", QT_TRANSLATE_NOOP("PlannerLegend", "进行中")),
    ("completed", QT_TRANSLATE_NOOP("PlannerLegend", "已完成")),
)


class Mark(QWidget):
    """One painted sample: a level badge, a shading, or a venue's load bar."""

    def __init__(self, kind: str, text: str = "", colour: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.kind, self.text, self.colour = kind, text, colour
        self.setFixedSize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(52, 26)

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = tokens_for(False)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        if self.kind.startswith("level"):
            font = QFont(self.font())
            font.setPixelSize(t.small_px)
            painter.setFont(font)
            paint_badge(painter, 1, 1, self.height() - 2, self.text, int(self.kind[-1]))
        elif self.kind == "closed":
            painter.fillRect(box, QColor(CLOSED_FILL))
            painter.fillRect(box, QBrush(QColor(CLOSED_HATCH), Qt.BrushStyle.BDiagPattern))
        elif self.kind == "break":
            painter.fillRect(box, QColor(CLOSED_FILL))
        elif self.kind == "extended":
            painter.fillRect(box, QColor(EXTENDED_FILL))
            painter.fillRect(box, QBrush(QColor(EXTENDED_HATCH), Qt.BrushStyle.BDiagPattern))
        elif self.kind == "load":
            painter.fillRect(QRectF(box.x() + 14, box.y(), 22, box.height()), QColor(TRACK))
            painter.fillRect(
                QRectF(box.x() + 14, box.y() + 8, 22, box.height() - 8), QColor(self.colour)
            )
        elif self.kind == "now":
            painter.setPen(QPen(QColor(t.danger), 2))
            painter.drawLine(self.width() // 2, 2, self.width() // 2, self.height() - 2)
        painter.setPen(QPen(QColor(t.border), 1))
        if self.kind in ("closed", "break", "extended"):
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box)
        painter.end()


class PlannerLegend(QWidget):
    """图例: chip states, level badges, shading, the now line and each venue's bar colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tours_legend")
        self.setProperty("role", "tour_panel_body")
        self.setAccessibleName(self.tr("图例"))
        heading = QLabel(self.tr("图例"))
        heading.setProperty("role", "tour_docent")
        states = QGridLayout()
        states.setHorizontalSpacing(6)
        states.setVerticalSpacing(6)
        for index, (state, text) in enumerate(STATES):
            swatch = QLabel(f" {self.tr(text)} ")
            swatch.setObjectName(f"tours_legend_{state}")
            swatch.setProperty("role", "tour_block")
            swatch.setProperty("state", state)
            states.addWidget(swatch, index // 2, index % 2)
        self.marks = QGridLayout()
        self.marks.setHorizontalSpacing(8)
        self.marks.setVerticalSpacing(4)
        rows: list[tuple[str, str, str]] = [
            ("level1", "重要", self.tr("接待等级 重要")),
            ("level2", "重大", self.tr("接待等级 重大（左侧红条）")),
            ("break", "", self.tr("午休、开馆前后")),
            ("closed", "", self.tr("闭馆（周末、节假日）")),
            ("extended", "", self.tr("延时服务时段")),
            ("now", "", self.tr("当前时间")),
        ]
        for row, (kind, text, words) in enumerate(rows):
            self._add(row, Mark(kind, text), words)
        self._venue_rows = len(rows)
        self.venue_marks: list[QWidget] = []
        self.venues: list[tuple[str, int]] = []
        layout = QHBoxLayout()
        layout.addLayout(states)
        layout.addStretch(1)
        outer = QGridLayout(self)
        outer.setContentsMargins(0, 8, 0, 0)
        outer.addWidget(heading, 0, 0)
        outer.addLayout(layout, 1, 0)
        outer.addLayout(self.marks, 2, 0)

    def _add(self, row: int, mark: QWidget, words: str) -> list[QWidget]:
        label = QLabel(words)
        label.setProperty("role", "muted")
        label.setWordWrap(True)
        self.marks.addWidget(mark, row, 0)
        self.marks.addWidget(label, row, 1)
        return [mark, label]

    def set_venues(self, venues: list[tuple[str, int]]) -> None:
        """Name each venue's bar colour: ``(name, capacity)`` in the planner's order."""
        if venues == self.venues:
            return
        self.venues = list(venues)
        for widget in self.venue_marks:
            self.marks.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.venue_marks = []
        for index, (name, capacity) in enumerate(venues):
            self.venue_marks += self._add(
                self._venue_rows + index,
                Mark("load", colour=venue_colour(index)),
                self.tr("{name}每小时人数（容量 {n}，超出为红色）").format(name=name, n=capacity),
            )
