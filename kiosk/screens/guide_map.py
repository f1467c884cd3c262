"""The demo hall's map, drawn in code: the windows where the database places them, the
entrance and the kiosk, and the windows that handle the matter on screen highlighted.

Drawn with ``QPainter`` from each window's ``map_x``/``map_y`` (fractions of the hall's width
and depth), so a hall that moves its counters only edits its windows; no image to keep in
step. Colours and the smallest text size come from the one stylesheet (``qproperty-*`` on
``#hallMap``), so elder mode's darker palette and larger text apply when the kiosk switches.

Text is never shrunk below that size to fit (issue #12: numbers of ~10 px could not be read).
When the counters stand too close for every number at that size, the windows to go to keep
theirs — a run of neighbours as one range, 19–22 — and the others are numbered only where a
label has room (the first, the last, every fifth first), each on a plate so it reads where it
overhangs its counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from shared.qt.theme import KIOSK

if TYPE_CHECKING:
    from shared.services.wayfinding import MapWindow

ASPECT = 0.62  # the hall's depth over its width
# Room around a number on its plate, and between two plates, in px.
PLATE_PAD = 4.0
PLATE_GAP = 10.0


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
        self._label_px = KIOSK.min_label_px
        self._colors = {
            "surface": QColor(KIOSK.surface),
            "floor": QColor(KIOSK.bg),
            "ink": QColor(KIOSK.text),
            "muted": QColor(KIOSK.muted),
            "line": QColor(KIOSK.border),
            "mark": QColor(KIOSK.primary),
            "mark_text": QColor(KIOSK.primary_text),
            "serve": QColor(KIOSK.accent),
            "ring": QColor(KIOSK.focus),
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

    def _get_label_px(self) -> int:
        return self._label_px

    def _set_label_px(self, value: int) -> None:
        self._label_px = int(value)
        self.update()

    #: The smallest text the map draws, in px (the mode's ``min_label_px``, from the stylesheet).
    labelPx = Property(int, _get_label_px, _set_label_px)

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
        floor = self._label_px
        font = QFont(self.font())
        font.setBold(True)
        box_w = min(hall.width() / count * 0.86, 64.0)
        font.setPixelSize(max(floor, int(min(box_w * 0.5, hall.height() * 0.16 * 0.45))))
        metrics = QFontMetricsF(font)
        box_h = max(min(hall.height() * 0.16, 56.0), metrics.height() + 4)
        painter.setFont(font)
        boxes = {}
        for window in self.windows:
            cx = hall.left() + window.x * hall.width()
            cy = hall.top() + window.y * hall.height()
            box = QRectF(cx - box_w / 2, cy - box_h / 2, box_w, box_h)
            boxes[window.number] = box
            if window.serves:
                painter.setPen(QPen(c("ring"), 4))
                painter.setBrush(c("serve"))
            else:
                painter.setPen(QPen(c("line"), 1))
                painter.setBrush(c("floor"))
            painter.drawRect(box)
        fits = all(self._fits(str(w.number), box_w, metrics) for w in self.windows)
        for text, rect, serves, plate in self._number_labels(boxes, metrics, fits):
            if plate:
                painter.setPen(QPen(c("ring"), 4) if serves else QPen(c("line"), 2))
                painter.setBrush(c("serve") if serves else c("surface"))
                painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(c("mark_text") if serves else c("ink"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

        serving = [w for w in self.windows if w.serves]
        goal: QPointF | None = None
        if serving:
            # "Go here" under the highlighted windows, pointing up at them.
            xs = [hall.left() + w.x * hall.width() for w in serving]
            y = hall.top() + max(w.y for w in serving) * hall.height() + box_h / 2
            callout = QFont(self.font())
            callout.setPixelSize(max(floor, int(hall.height() * 0.075)))
            callout.setBold(True)
            painter.setFont(callout)
            painter.setPen(c("serve"))
            span = QRectF(
                min(xs) - hall.width() * 0.2,
                y + 4,
                max(xs) - min(xs) + hall.width() * 0.4,
                max(hall.height() * 0.12, QFontMetricsF(callout).height() + 4),
            )
            span = span.intersected(hall)
            painter.drawText(span, Qt.AlignmentFlag.AlignCenter, _tr("↑ 请到这里"))
            goal = QPointF((min(xs) + max(xs)) / 2, span.bottom())

        label = QFont(self.font())
        label.setPixelSize(max(floor, int(hall.height() * 0.07)))
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
        if goal is not None:
            self._draw_path(painter, you, seats, goal)

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

    def _draw_path(self, painter: QPainter, you: QRectF, seats: QRectF, goal: QPointF) -> None:
        """The way from 您在这里 to the windows: up beside the waiting area, across, and up to
        them, dashed in the highlight colour with an arrowhead."""
        corridor = (goal.y() + seats.top()) / 2 if goal.y() < seats.top() else goal.y() + 8
        start = QPointF(you.center().x(), you.top())
        points = [
            start,
            QPointF(start.x(), corridor),
            QPointF(goal.x(), corridor),
            QPointF(goal.x(), goal.y() + 6),
        ]
        pen = QPen(self.color("serve"), 5, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(points)
        tip = points[-1]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color("serve"))
        painter.drawPolygon(
            [tip, QPointF(tip.x() - 12, tip.y() + 18), QPointF(tip.x() + 12, tip.y() + 18)]
        )

    def _number_labels(
        self, boxes: dict[int, QRectF], metrics: QFontMetricsF, fits: bool
    ) -> list[tuple[str, QRectF, bool, bool]]:
        """The numbers to draw, none overlapping another: (text, rectangle, serves, plate).

        A number that fits its counter is drawn in it; one that does not, on a plate.
        """
        if fits:
            return [(str(w.number), boxes[w.number], w.serves, False) for w in self.windows]
        by_x = sorted(self.windows, key=lambda w: (w.y, w.x))
        wanted: list[tuple[str, QRectF, bool, bool]] = []
        # The windows to go to first: a run of neighbours on one line as one range, on a
        # plate as tall as the counters so the run reads as one highlighted block.
        run: list[MapWindow] = []
        for window in [*by_x, None]:
            if (
                window is not None
                and window.serves
                and (not run or (window.number == run[-1].number + 1 and window.y == run[-1].y))
            ):
                run.append(window)
                continue
            if run:
                text = str(run[0].number) if len(run) == 1 else f"{run[0].number}–{run[-1].number}"
                span = boxes[run[0].number].united(boxes[run[-1].number])
                rect = self._plate(text, span, metrics, tall=True)
                wanted.append((text, rect, True, len(run) > 1 or rect.width() > span.width()))
            run = [window] if window is not None and window.serves else []
        # Then the others, where there is room: the ends, every fifth, the rest.
        others = [w for w in by_x if not w.serves]
        if others:
            ends = {others[0].number, others[-1].number}
            others.sort(key=lambda w: (w.number not in ends, w.number % 5 != 0, w.number))
        for window in others:
            text = str(window.number)
            box = boxes[window.number]
            if self._fits(text, box.width(), metrics):
                wanted.append((text, box, False, False))
            else:
                wanted.append((text, self._plate(text, box, metrics), False, True))
        placed: list[tuple[str, QRectF, bool, bool]] = []
        for text, rect, serves, on_plate in wanted:
            room = rect.adjusted(-PLATE_GAP / 2, 0, PLATE_GAP / 2, 0)
            if serves or not any(room.intersects(other) for _, other, _, _ in placed):
                placed.append((text, rect, serves, on_plate))
        return placed

    @staticmethod
    def _fits(text: str, width: float, metrics: QFontMetricsF) -> bool:
        """Whether ``text`` reads inside a counter ``width`` wide (a margin on each side)."""
        return metrics.horizontalAdvance(text) + 2 * PLATE_PAD <= width

    @staticmethod
    def _plate(text: str, over: QRectF, metrics: QFontMetricsF, tall: bool = False) -> QRectF:
        """A plate for ``text`` centred on ``over``, at least as wide as the text needs (and
        as tall as ``over`` when ``tall``)."""
        width = max(metrics.horizontalAdvance(text) + 2 * PLATE_PAD, over.width())
        height = metrics.height() + PLATE_PAD
        if tall:
            height = max(height, over.height())
        centre = over.center()
        return QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
