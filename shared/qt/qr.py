"""A QR code drawn on screen from :func:`shared.rendering.qr.qr_matrix`: modules painted as
rectangles at whatever size the widget gets, so it stays sharp at any scale, with the quiet
zone phone cameras need."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from shared.rendering.qr import qr_matrix

#: Modules of white around the symbol (the standard asks for four).
QUIET_ZONE = 4


class QrView(QWidget):
    """A square QR code of ``payload`` (black on white, whatever the theme)."""

    def __init__(self, payload: str = "", side: int = 240, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self._side = side
        self.payload = ""
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(side, side)
        self.set_payload(payload)

    def set_payload(self, payload: str) -> None:
        """Show ``payload`` ('' draws nothing)."""
        self.payload = payload
        self._matrix = qr_matrix(payload) if payload else []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        painter = QPainter(self)
        side = min(self.width(), self.height())
        painter.fillRect(0, 0, side, side, QColor("#ffffff"))
        count = len(self._matrix) + 2 * QUIET_ZONE
        module = side / count
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for row, cells in enumerate(self._matrix):
            for column, dark in enumerate(cells):
                if dark:
                    painter.drawRect(
                        QRectF(
                            (column + QUIET_ZONE) * module,
                            (row + QUIET_ZONE) * module,
                            module + 0.5,  # no hairline gaps between modules
                            module + 0.5,
                        )
                    )
        painter.end()
