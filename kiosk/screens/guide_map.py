"""The demo hall's map, drawn in code: the windows where the database places them, the
entrance and the kiosk, and the windows that handle the matter on screen highlighted.

Drawn with ``QPainter`` from each window's ``map_x``/``map_y`` (fractions of the hall's width
and depth), so a hall that moves its counters only edits its windows; no image to keep in
step. Colours come from the one stylesheet (``qproperty-*`` on ``#hallMap``), so elder mode's
darker palette applies when the kiosk switches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from shared.qt.theme import NORMAL

if TYPE_CHECKING:
    from shared.services.catalog_page import MapWindow

ASPECT = 0.62  # the hall's depth over its width


def _tr(text: str) -> str:
    return QCoreApplication.translate("HallMap", text)


class HallMap(QWidget):
    """The hall from above; not interactive (no signals)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hallMap")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(320, 200)
        self.windows: tuple[MapWindow, ...] = ()
        self._colors = {
            "surface": QColor(NORMAL.surface),
            "floor": QColor(NORMAL.bg),
            "ink": QColor(NORMAL.text),
            "muted": QColor(NORMAL.muted),
            "line": QColor(NORMAL.border),
            "mark": QColor(NORMAL.primary),
            "mark_text": QColor(NORMAL.primary_text),
            "serve": QColor(NORMAL.accent),
            "ring": QColor(NORMAL.focus),
        }

    def set_windows(self, windows: Sequence[MapWindow], where: str) -> None:
        """Show the hall's windows; those with ``serves`` highlighted."""
        self.windows = tuple(windows)
        self.setAccessibleName(_tr("大厅平面图：请到{where}").format(where=where))
        self.update()

    def color(self, key: str) -> QColor:
        """One of the map's colours (set by the stylesheet)."""
        return QColor(self._colors[key])

    def _setter(key: str):  # type: ignore[no-untyped-def]  # class-body helper
        def set_color(self: HallMap, value: QColor) -> None:
            self._colors[key] = QColor(value)
            self.update()

        return set_color

    def _getter(key: str):  # type: ignore[no-untyped-def]  # class-body helper
        def get_color(self: HallMap) -> QColor:
            return QColor(self._colors[key])

        return get_color

    surfaceColor = Property(QColor, _getter("surface"), _setter("surface"))
    floorColor = Property(QColor, _getter("floor"), _setter("floor"))
    inkColor = Property(QColor, _getter("ink"), _setter("ink"))
    mutedColor = Property(QColor, _getter("muted"), _setter("muted"))
    lineColor = Property(QColor, _getter("line"), _setter("line"))
    markColor = Property(QColor, _getter("mark"), _setter("mark"))
    markTextColor = Property(QColor, _getter("mark_text"), _setter("mark_text"))
    serveColor = Property(QColor, _getter("serve"), _setter("serve"))
    ringColor = Property(QColor, _getter("ring"), _setter("ring"))
    del _getter, _setter

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return int(width * ASPECT)

    def sizeHint(self) -> QSize:
        return QSize(640, int(640 * ASPECT))

    def highlighted(self) -> list[int]:
        """The numbers of the windows drawn highlighted."""
        return [w.number for w in self.windows if w.serves]

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.color
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = min(self.width(), int(self.height() / ASPECT))
        height = int(width * ASPECT)
        left = (self.width() - width) / 2
        top = (self.height() - height) / 2
        hall = QRectF(left + 2, top + 2, width - 4, height - 4)
        painter.setPen(QPen(c("line"), 3))
        painter.setBrush(c("surface"))
        painter.drawRoundedRect(hall, 8, 8)

        # The counters' line along the back wall.
        count = max(1, len(self.windows))
        box_w = min(hall.width() / count * 0.86, 64.0)
        box_h = max(min(hall.height() * 0.16, 56.0), 24.0)
        font = QFont(self.font())
        font.setPixelSize(max(10, int(min(box_w * 0.5, box_h * 0.45))))
        font.setBold(True)
        painter.setFont(font)
        for window in self.windows:
            cx = hall.left() + window.x * hall.width()
            cy = hall.top() + window.y * hall.height()
            box = QRectF(cx - box_w / 2, cy - box_h / 2, box_w, box_h)
            if window.serves:
                painter.setPen(QPen(c("ring"), 4))
                painter.setBrush(c("serve"))
                text = c("mark_text")
            else:
                painter.setPen(QPen(c("line"), 1))
                painter.setBrush(c("floor"))
                text = c("ink")
            painter.drawRect(box)
            painter.setPen(text)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(window.number))

        serving = [w for w in self.windows if w.serves]
        if serving:
            # "Go here" under the highlighted windows, pointing up at them.
            xs = [hall.left() + w.x * hall.width() for w in serving]
            y = hall.top() + max(w.y for w in serving) * hall.height() + box_h / 2
            callout = QFont(self.font())
            callout.setPixelSize(max(14, int(hall.height() * 0.075)))
            callout.setBold(True)
            painter.setFont(callout)
            painter.setPen(c("serve"))
            span = QRectF(
                min(xs) - hall.width() * 0.2,
                y + 4,
                max(xs) - min(xs) + hall.width() * 0.4,
                hall.height() * 0.12,
            )
            span = span.intersected(hall)
            painter.drawText(span, Qt.AlignmentFlag.AlignCenter, _tr("↑ 请到这里"))

        label = QFont(self.font())
        label.setPixelSize(max(14, int(hall.height() * 0.07)))
        painter.setFont(label)
        painter.setPen(c("ink"))
        # The waiting area, the kiosk ("you are here") and the entrance, front to back.
        seats = QRectF(
            hall.left() + hall.width() * 0.2,
            hall.top() + hall.height() * 0.38,
            hall.width() * 0.6,
            hall.height() * 0.22,
        )
        painter.setBrush(c("floor"))
        painter.setPen(QPen(c("line"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(seats)
        painter.setPen(c("muted"))
        painter.drawText(seats, Qt.AlignmentFlag.AlignCenter, _tr("等候区"))

        you = QRectF(
            hall.left() + hall.width() * 0.08,
            hall.bottom() - hall.height() * 0.30,
            hall.width() * 0.22,
            hall.height() * 0.16,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c("mark"))
        painter.drawRoundedRect(you, 6, 6)
        painter.setPen(c("mark_text"))
        painter.drawText(you, Qt.AlignmentFlag.AlignCenter, _tr("您在这里"))

        door = QRectF(
            hall.center().x() - hall.width() * 0.12,
            hall.bottom() - hall.height() * 0.12,
            hall.width() * 0.24,
            hall.height() * 0.12,
        )
        painter.setPen(QPen(c("surface"), 6))
        painter.drawLine(door.bottomLeft(), door.bottomRight())
        painter.setPen(c("ink"))
        painter.drawText(door, Qt.AlignmentFlag.AlignCenter, _tr("入口"))
        painter.end()
