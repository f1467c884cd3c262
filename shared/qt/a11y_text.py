"""How big a widget's text really is, for the accessibility check's ``text_size`` kind.

Three sources, each measured rather than assumed:

- the font a widget draws its own text in, after ``ensurePolished()`` (the stylesheet's
  ``font-size`` lands there), in pixels — a point size is converted with the widget's
  logical DPI;
- the fragments of a rich-text label, and the fonts items of an item view carry of their own
  (``Qt.FontRole``), which may be smaller than the widget's;
- text a widget paints itself (the hall map's window numbers, the tour calendar): the widget
  is rendered once into a recording paint device that keeps every text item's font and the
  painter's scale, so a map that shrinks its numbers to fit is caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, QPoint, Qt
from PySide6.QtGui import (
    QFont,
    QPaintDevice,
    QPaintEngine,
    QPaintEngineState,
    QRegion,
    QTextDocument,
    QTextItem,
)
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Rows of an item view whose own fonts are read (a long list repeats its few fonts).
ITEM_ROWS_READ = 200


@dataclass(frozen=True)
class TextSize:
    """The smallest text of one kind in a widget: its size in px and a sample of it."""

    px: float
    sample: str


def font_px(font: QFont, widget: QWidget) -> float:
    """A font's size in device-independent pixels (a point size through the widget's DPI)."""
    if font.pixelSize() > 0:
        return float(font.pixelSize())
    return font.pointSizeF() * widget.logicalDpiY() / 72


def widget_text(widget: QWidget) -> TextSize | None:
    """The smallest text a standard widget shows in its own font or fonts; None: no text."""
    widget.ensurePolished()
    sizes = [TextSize(font_px(widget.font(), widget), _sample(widget))]
    if isinstance(widget, QLabel):
        if not widget.text().strip():
            return None
        if widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(widget.text())
        ):
            sizes += _rich_text_sizes(widget)
    elif isinstance(widget, QAbstractButton):
        if not widget.text().strip():
            return None
    elif isinstance(widget, QLineEdit):
        if not (widget.text() or widget.placeholderText()):
            return None
    elif isinstance(widget, QAbstractItemView):
        model = widget.model()
        if model is None or model.rowCount() == 0 or _columns(model, QModelIndex()) == 0:
            return None
        sizes += _item_sizes(widget)
    elif isinstance(widget, QTabBar):
        if widget.count() == 0:
            return None
    elif not isinstance(widget, QComboBox | QAbstractSpinBox | QTextEdit | QPlainTextEdit):
        return None
    return min(sizes, key=lambda s: s.px)


def _sample(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton | QLabel):
        return widget.text().strip()[:20]
    if isinstance(widget, QLineEdit):
        return (widget.text() or widget.placeholderText())[:20]
    if isinstance(widget, QComboBox):
        return widget.currentText()[:20]
    if isinstance(widget, QTabBar) and widget.count():
        return widget.tabText(0)[:20]
    return ""


def _rich_text_sizes(label: QLabel) -> list[TextSize]:
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setHtml(label.text())
    sizes: list[TextSize] = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.isValid() and fragment.text().strip():
                font = fragment.charFormat().font()
                sizes.append(TextSize(font_px(font, label), fragment.text().strip()[:20]))
            fragments += 1
        block = block.next()
    return sizes


def _item_sizes(view: QAbstractItemView) -> list[TextSize]:
    model = view.model()
    sizes: list[TextSize] = []
    root = view.rootIndex() if view.rootIndex().isValid() else QModelIndex()
    for row in range(min(model.rowCount(root), ITEM_ROWS_READ)):
        for column in range(_columns(model, root)):
            index = model.index(row, column, root)
            font = model.data(index, Qt.ItemDataRole.FontRole)
            if isinstance(font, QFont):
                text = model.data(index, Qt.ItemDataRole.DisplayRole)
                sizes.append(TextSize(font_px(font, view), str(text or "")[:20]))
    return sizes


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    # A list model keeps columnCount private (PySide refuses the call): it has one.
    if isinstance(model, QAbstractListModel):
        return 1
    return int(model.columnCount(parent))


def paints_itself(widget: QWidget) -> bool:
    """True when the widget's class, written in Python, draws in its own ``paintEvent``."""
    for cls in type(widget).__mro__:
        if cls.__module__.startswith(("PySide6", "shiboken6", "builtins")):
            return False
        if "paintEvent" in cls.__dict__:
            return True
    return False


def painted_texts(widget: QWidget) -> list[TextSize]:
    """Every text a widget paints itself, at the size it reaches the screen, in order."""
    device = _RecordingDevice(widget)
    # Its own paintEvent only: children are measured as widgets of their own.
    widget.render(device, QPoint(), QRegion(), QWidget.RenderFlag(0))
    return device.engine.texts


def painted_text(widget: QWidget) -> TextSize | None:
    """The smallest text a widget paints itself (None: it paints none)."""
    return min(painted_texts(widget), key=lambda s: s.px, default=None)


class _RecordingEngine(QPaintEngine):
    """A paint engine that draws nothing and keeps each text item's size and text."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(QPaintEngine.PaintEngineFeature.AllFeatures)
        self.widget = widget
        self.texts: list[TextSize] = []

    def begin(self, device: QPaintDevice) -> bool:
        return True

    def end(self) -> bool:
        return True

    def updateState(self, state: QPaintEngineState) -> None:
        pass

    def type(self) -> QPaintEngine.Type:
        return QPaintEngine.Type.User

    def drawTextItem(self, p: object, item: QTextItem) -> None:
        if not item.text().strip():
            return
        painter = self.painter()
        scale = 1.0
        if painter is not None:
            t = painter.combinedTransform()
            scale = math.hypot(t.m12(), t.m22())
        px = font_px(item.font(), self.widget) * scale
        self.texts.append(TextSize(px, item.text().strip()[:20]))

    # Shapes and images carry no text: recorded as nothing.
    def drawPixmap(self, *args: object) -> None:
        pass

    def drawImage(self, *args: object) -> None:
        pass

    def drawPolygon(self, *args: object) -> None:
        pass

    def drawRects(self, *args: object) -> None:
        pass

    def drawPath(self, *args: object) -> None:
        pass

    def drawLines(self, *args: object) -> None:
        pass

    def drawEllipse(self, *args: object) -> None:
        pass

    def drawPoints(self, *args: object) -> None:
        pass

    def drawTiledPixmap(self, *args: object) -> None:
        pass


class _RecordingDevice(QPaintDevice):
    """A paint device the size of a widget, at its DPI, painting into a recording engine."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.engine = _RecordingEngine(widget)
        self._widget = widget

    def paintEngine(self) -> QPaintEngine:
        return self.engine

    def metric(self, metric: QPaintDevice.PaintDeviceMetric) -> int:
        w = self._widget
        m = QPaintDevice.PaintDeviceMetric
        values = {
            m.PdmWidth: w.width(),
            m.PdmHeight: w.height(),
            m.PdmWidthMM: w.widthMM(),
            m.PdmHeightMM: w.heightMM(),
            m.PdmNumColors: 2**31 - 1,
            m.PdmDepth: 32,
            m.PdmDpiX: w.logicalDpiX(),
            m.PdmDpiY: w.logicalDpiY(),
            m.PdmPhysicalDpiX: w.physicalDpiX(),
            m.PdmPhysicalDpiY: w.physicalDpiY(),
            m.PdmDevicePixelRatio: 1,
            m.PdmDevicePixelRatioScaled: int(QPaintDevice.devicePixelRatioFScale()),
            m.PdmDevicePixelRatioF_EncodedA: 0,
            m.PdmDevicePixelRatioF_EncodedB: 0,
        }
        return int(values.get(metric, 0))
