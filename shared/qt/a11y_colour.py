"""Colours as the accessibility check reads them: WCAG luminance and contrast, and the
colours a widget really draws its text on and in (its polished palette, transparent
backgrounds resolved through its parents).

Colours come from each widget's palette after ``ensurePolished()``: with a stylesheet, Qt's
style sheet style writes ``color``/``background`` into the palette roles (the tests compare
this with grabbed pixels).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# Widgets drawn as text on a field (Text on Base) rather than on the window or a button.
FIELD_LIKE = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance of an opaque colour (sRGB linearised, threshold 0.04045)."""
    r, g, b = (_linear(c / 255) for c in (color.red(), color.green(), color.blue()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours, from 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def blend(top: QColor, bottom: QColor) -> QColor:
    """``top`` laid over ``bottom`` by its alpha (an opaque colour)."""
    alpha = top.alphaF()
    return QColor(
        round(top.red() * alpha + bottom.red() * (1 - alpha)),
        round(top.green() * alpha + bottom.green() * (1 - alpha)),
        round(top.blue() * alpha + bottom.blue() * (1 - alpha)),
    )


def _roles(widget: QWidget) -> tuple[QPalette.ColorRole, QPalette.ColorRole]:
    if isinstance(widget, FIELD_LIKE) or (isinstance(widget, QComboBox) and widget.isEditable()):
        return QPalette.ColorRole.Text, QPalette.ColorRole.Base
    if isinstance(widget, QAbstractButton | QComboBox):
        return QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button
    return widget.foregroundRole(), widget.backgroundRole()


def effective_background(widget: QWidget) -> QColor:
    """The opaque colour behind a widget's text: its own background, or what shows through."""
    _, role = _roles(widget)
    widget.ensurePolished()
    color = widget.palette().color(role)
    if color.alpha() == 255:
        return color
    parent = widget.parentWidget()
    below = effective_background(parent) if parent is not None else QColor("#ffffff")
    return blend(color, below) if color.alpha() > 0 else below


def foreground(widget: QWidget) -> QColor:
    """The colour a widget draws its text in, from its polished palette."""
    role, _ = _roles(widget)
    widget.ensurePolished()
    return widget.palette().color(role)
