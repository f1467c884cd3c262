"""Pictograms: the kept SVG files of ``resources/icons/`` drawn sharp at any size, in the
colour of the text beside them (Qt side of the wall, shared by both apps).

The files are Tabler Icons outlines (MIT, see ``resources/icons/SOURCES.md``): one stroke
drawing each, with no colour of its own. A pictogram is rendered to a transparent image and
then filled with one colour, so it always matches the text it stands next to and keeps that
text's contrast in both modes.

Sizes are given in *ems* of the widget's own font: the one stylesheet already sets fonts per
mode (larger in 长辈模式), so a pictogram grows with elder mode without knowing about it. A
pictogram only ever stands beside its Chinese words, never instead of them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontInfo, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from shared.paths import cache_dir, resource_path, resources_dir

log = logging.getLogger(__name__)

ICON_DIR = "icons"
# What makes a pictogram re-draw: a new stylesheet (mode switch), font or palette.
_RESTYLE = (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange)


def pictogram_path(name: str) -> Path:
    """The SVG file of pictogram ``name`` (``resources/icons/<name>.svg``).

    Raises:
        FileNotFoundError: no such pictogram is shipped.
    """
    return resource_path(ICON_DIR, f"{name}.svg")


def shipped_pictograms() -> list[str]:
    """The names of every pictogram shipped in ``resources/icons/``, sorted."""
    return sorted(path.stem for path in (resources_dir() / ICON_DIR).glob("*.svg"))


@cache
def _svg_data(name: str) -> bytes:
    return pictogram_path(name).read_bytes()


def _cached_path(name: str, data: bytes, pixels: int, color: QColor) -> Path:
    """Where the drawing of ``data`` at ``pixels`` in ``color`` is kept: the file's content is
    in the name, so an updated pictogram is drawn afresh."""
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:12]
    return cache_dir() / ICON_DIR / f"{name}-{digest}-{pixels}-{color.rgba():08x}.png"


def _keep(image: QImage, path: Path) -> None:
    """Save ``image`` as ``path`` whole or not at all (another kiosk process may read it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        if image.save(str(partial), "PNG"):
            os.replace(partial, path)
    except OSError:
        log.warning("pictogram cache not writable")


def render_pictogram(name: str, size: int, color: QColor | str, ratio: float = 1.0) -> QPixmap:
    """Pictogram ``name`` as a ``size``×``size`` pixmap (logical pixels) in ``color``.

    ``ratio`` is the screen's device pixel ratio: the drawing is made at that many real
    pixels so it stays sharp on a high-density screen. A missing or unreadable file gives an
    empty pixmap and a warning: a kiosk must not stop over a picture (the tests check every
    named file exists and parses).
    """
    try:
        data = _svg_data(name)
    except OSError:
        log.warning("pictogram %s is missing", name)
        return QPixmap()
    if size <= 0:
        return QPixmap()
    pixels = max(1, round(size * ratio))
    colour = QColor(color)
    # Drawn once per size and colour, then read back from the cache folder: a kiosk starts
    # every morning, and its first screen need not wait for the SVG renderer.
    kept = _cached_path(name, data, pixels, colour)
    image = QImage(str(kept)) if kept.exists() else QImage()
    if image.isNull() or image.width() != pixels:
        image = _draw(name, data, pixels, colour)
        if image.isNull():
            return QPixmap()
        _keep(image, kept)
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _draw(name: str, data: bytes, pixels: int, colour: QColor) -> QImage:
    """The SVG drawn at ``pixels`` square, its coverage filled with ``colour``."""
    from PySide6.QtSvg import QSvgRenderer  # only when a drawing is not cached yet

    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        log.warning("pictogram %s could not be drawn", name)
        return QImage()
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    # Keep the drawing's coverage (alpha), take the colour from the text beside it.
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), colour)
    painter.end()
    return image


def font_px(widget: QWidget) -> int:
    """The pixel size of a widget's font (stylesheets set it in px; points are converted)."""
    widget.ensurePolished()
    size = widget.font().pixelSize()
    return size if size > 0 else QFontInfo(widget.font()).pixelSize()


def em_size(widget: QWidget, em: float) -> int:
    """``em`` times the widget's font size, in whole pixels."""
    return max(1, round(font_px(widget) * em))


class Pictogram(QLabel):
    """A pictogram beside a widget's words: ``em`` times its font, in its text colour.

    It draws itself once styled (polished) and again when the stylesheet, font or palette
    changes (the 长辈模式 switch, a tile's state), so no screen has to tell it; nothing is
    drawn before, with colours it would not keep. It has no words of its own: the words next
    to it (and the control's accessible name) carry the meaning.
    """

    def __init__(self, name: str, em: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pictogram")
        self.name = name
        self.em = em
        self._drawn: tuple[str, int, int, float] | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_name(self, name: str) -> None:
        """Show pictogram ``name`` instead."""
        if name != self.name:
            self.name = name
            self._draw_if_styled()

    def pictogram_size(self) -> int:
        """The side of the drawing now, in logical pixels."""
        return em_size(self, self.em)

    def color(self) -> QColor:
        """The colour the drawing is made in: the label's text colour."""
        return self.palette().color(QPalette.ColorRole.WindowText)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Polish:
            self._draw()
        return handled

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in _RESTYLE:
            self._draw_if_styled()

    def _draw_if_styled(self) -> None:
        if self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self._draw()

    def _draw(self) -> None:
        size, color, ratio = self.pictogram_size(), self.color(), self.devicePixelRatioF()
        key = (self.name, size, color.rgba(), ratio)
        if key == self._drawn:
            return
        self._drawn = key
        self.setPixmap(render_pictogram(self.name, size, color, ratio))
        self.setMinimumSize(size, size)


class ButtonPictogram(QObject):
    """Keeps a button's icon: pictogram ``name`` at ``em`` times the button's font, in the
    button's text colour; drawn when the button first shows, again when the stylesheet, font
    or palette changes.

    Made with :func:`add_pictogram`; it lives as long as its button (its child).
    """

    def __init__(self, button: QAbstractButton, name: str, em: float) -> None:
        super().__init__(button)
        self.button = button
        self.name = name
        self.em = em
        self._drawn: tuple[str, int, int, float] | None = None
        button.installEventFilter(self)
        if button.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self.draw()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A filter sees Polish before the style does its work: wait for the first show.
        if watched is self.button and (
            event.type() == QEvent.Type.Show
            or (
                event.type() in _RESTYLE
                and self.button.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)
            )
        ):
            self.draw()
        return False

    def draw(self) -> None:
        """Draw the icon for the button's current font and colour (once per change)."""
        button = self.button
        size = em_size(button, self.em)
        color = button.palette().color(QPalette.ColorRole.ButtonText)
        ratio = button.devicePixelRatioF()
        key = (self.name, size, color.rgba(), ratio)
        if key == self._drawn:
            return
        self._drawn = key
        button.setIcon(QIcon(render_pictogram(self.name, size, color, ratio)))
        button.setIconSize(QSize(size, size))


def add_pictogram(button: QAbstractButton, name: str, em: float) -> ButtonPictogram:
    """Give ``button`` pictogram ``name`` as its icon, sized ``em`` times its font."""
    return ButtonPictogram(button, name, em)


def button_pictogram(button: QAbstractButton) -> ButtonPictogram | None:
    """The pictogram keeper of a button, if :func:`add_pictogram` gave it one."""
    return button.findChild(ButtonPictogram)
