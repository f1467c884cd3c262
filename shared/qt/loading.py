"""Loading that shows (issue #19): a skeleton and a turning arc *in the panel that loads*,
with words beside them, instead of an empty box and a small grey line elsewhere.

:class:`LoadingPanel` lays itself over (or stands in for) the panel whose data is on its way:
pale bars in the shape of what will come (table rows, or a grid of choice tiles), a
:class:`Spinner` and its words at body size. The same panel says, without the spinner, that a
load found nothing (``今日暂无号票``). Colours come from the one stylesheet
(``qproperty-barColor``, ``qproperty-arcColor``); the arc turns only while it is shown.
"""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import Property, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from shared.qt.theme import NORMAL

Shape = Literal["rows", "tiles"]
#: How often the arc turns (ms) and by how much (degrees): about one turn a second.
TICK_MS = 80
STEP_DEGREES = 30
#: A skeleton tile grid: columns and rows (the 取号台's queue choices are four abreast).
TILE_COLUMNS = 4
TILE_ROWS = 2


class Spinner(QWidget):
    """A turning arc, the size of a line of text (it has no words of its own: its label,
    beside it, carries them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spinner")
        self._arc = QColor(NORMAL.primary)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.on_timer_timeout)
        side = NORMAL.font_px + 8
        self.setFixedSize(side, side)

    def _get_arc(self) -> QColor:
        return QColor(self._arc)

    def _set_arc(self, colour: QColor) -> None:
        self._arc = QColor(colour)
        self.update()

    arcColor = Property(QColor, _get_arc, _set_arc)

    @property
    def turning(self) -> bool:
        """True while the arc turns (only when shown)."""
        return self._timer.isActive()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def on_timer_timeout(self) -> None:
        self._angle = (self._angle + STEP_DEGREES) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(3.0, self.width() / 8)
        rect = QRectF(self.rect()).adjusted(width, width, -width, -width)
        faint = QColor(self._arc)
        faint.setAlpha(60)
        painter.setPen(QPen(faint, width))
        painter.drawEllipse(rect)
        pen = QPen(self._arc, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        # Qt angles are 1/16 degree, counter-clockwise: a quarter-and-a-bit turning clockwise.
        painter.drawArc(rect, -self._angle * 16, 100 * 16)
        painter.end()


class _Skeleton(QWidget):
    """Pale bars in the shape of the data to come."""

    def __init__(self, shape: Shape, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shape = shape
        self.bar = QColor("#e3e7ec")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.bar)
        if self.shape == "tiles":
            gap = 8
            w = (self.width() - gap * (TILE_COLUMNS - 1)) / TILE_COLUMNS
            h = (self.height() - gap * (TILE_ROWS - 1)) / TILE_ROWS
            for r in range(TILE_ROWS):
                for c in range(TILE_COLUMNS):
                    painter.drawRoundedRect(
                        QRectF(c * (w + gap), r * (h + gap), w, h), NORMAL.radius, NORMAL.radius
                    )
        else:
            row = NORMAL.min_target - 4
            bar = row * 0.4
            y = 8.0
            n = 0
            while y + bar < self.height():
                # Rows of two lengths, like short codes beside longer names.
                widths = (0.12, 0.45, 0.18) if n % 2 == 0 else (0.12, 0.32, 0.22)
                x = 12.0
                for fraction in widths:
                    w = (self.width() - 48) * fraction
                    painter.drawRoundedRect(QRectF(x, y, w, bar), bar / 2, bar / 2)
                    x += w + 12
                y += row
                n += 1
        painter.end()


class LoadingPanel(QFrame):
    """A skeleton, a spinner and words where data is on its way; or words alone where a load
    found nothing.

    Args:
        parent: the panel it covers (a table's viewport) or the layout's owner.
        shape: ``rows`` (a table) or ``tiles`` (a grid of choices).
    """

    def __init__(self, parent: QWidget | None = None, shape: Shape = "rows") -> None:
        super().__init__(parent)
        self.setObjectName("loading_panel")
        self.setProperty("role", "loading")
        self.skeleton = _Skeleton(shape, self)
        self.spinner = Spinner()
        self.label = QLabel()
        self.label.setObjectName("loading_text")
        self.label.setProperty("role", "loading_text")
        self.label.setWordWrap(True)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignVCenter)
        middle.addWidget(self.label, 0, Qt.AlignmentFlag.AlignVCenter)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(1)

    def _get_bar(self) -> QColor:
        return QColor(self.skeleton.bar)

    def _set_bar(self, colour: QColor) -> None:
        self.skeleton.bar = QColor(colour)
        self.skeleton.update()

    barColor = Property(QColor, _get_bar, _set_bar)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.skeleton.setGeometry(self.rect())
        self.skeleton.lower()

    def show_loading(self, text: str) -> None:
        """Show the skeleton, the turning arc and ``text``."""
        self._show(text, loading=True)

    def show_message(self, text: str) -> None:
        """Show ``text`` alone (a load found nothing)."""
        self._show(text, loading=False)

    @property
    def text(self) -> str:
        """The words shown."""
        return str(self.label.text())

    @property
    def is_loading(self) -> bool:
        """True while it shows a load in progress (not just words)."""
        return self.isVisible() and self.spinner.isVisibleTo(self)

    def _show(self, text: str, loading: bool) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.skeleton.setVisible(loading)
        self.spinner.setVisible(loading)
        self.show()
