"""An accessibility check for a laid-out widget tree (spec §10), used by tests of both apps.

:func:`check_accessibility` walks the widgets visible under a root and reports:

- ``target``: an interactive control smaller than ``tokens.min_target`` in either dimension;
- ``contrast``: text whose foreground/background contrast is below ``tokens.min_contrast``;
- ``name``: an interactive control a screen reader could not name (no accessible name, no
  text, no buddy label).

Colours come from each widget's palette after ``ensurePolished()``: with a stylesheet, Qt's
style sheet style writes ``color``/``background`` into the palette roles. A transparent
background (the usual ``QLabel``) is resolved by walking up to the first ancestor whose
background role is opaque, blending partly transparent ones on the way. The tests compare
this against grabbed pixels to show the palette tells the truth.

Lay the tree out first (show it, or ``resize`` it and let the layouts activate); sizes of a
never-laid-out widget mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)

from shared.qt.theme import Tokens

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QAbstractSlider,
    QTextEdit,
    QPlainTextEdit,
)
# Scroll bars belong to their scroll area, which also scrolls by dragging; the theme sizes
# them on purpose narrower than a target, so they are not judged as one.
NOT_JUDGED = (QScrollBar,)
# Widgets drawn as text on a field (Text on Base) rather than on the window or a button.
FIELD_LIKE = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)


@dataclass(frozen=True)
class Problem:
    """One finding: which widget, which kind (``target``, ``contrast``, ``name``) and why."""

    widget: QWidget
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {describe(self.widget)}: {self.detail}"


def describe(widget: QWidget) -> str:
    """A short human label for a widget in reports: class, object name and text."""
    label = type(widget).__name__
    if widget.objectName():
        label += f"#{widget.objectName()}"
    text = _text_of(widget)
    if text:
        label += f" {text[:20]!r}"
    return label


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


def _blend(top: QColor, bottom: QColor) -> QColor:
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
    return _blend(color, below) if color.alpha() > 0 else below


def foreground(widget: QWidget) -> QColor:
    """The colour a widget draws its text in, from its polished palette."""
    role, _ = _roles(widget)
    widget.ensurePolished()
    return widget.palette().color(role)


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton | QLabel | QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QComboBox):
        return widget.currentText().strip()
    return ""


def _has_text(widget: QWidget) -> bool:
    if isinstance(widget, QLabel | QAbstractButton):
        return bool(widget.text().strip())
    if isinstance(widget, QLineEdit):
        return bool(widget.text() or widget.placeholderText())
    return isinstance(widget, QComboBox | QAbstractSpinBox | QTextEdit | QPlainTextEdit)


def _buddied(root: QWidget) -> set[int]:
    return {
        id(label.buddy())
        for label in root.findChildren(QLabel)
        if label.buddy() is not None and label.text().strip()
    }


def _inner_part(widget: QWidget) -> bool:
    """The text field inside a spin box or an editable combo box: a part of that control,
    which is judged (target, name, contrast) as a whole."""
    parent = widget.parentWidget()
    return isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox | QComboBox)


def _visible(root: QWidget) -> list[QWidget]:
    return [root, *(w for w in root.findChildren(QWidget) if w.isVisibleTo(root))]


def check_accessibility(widget: QWidget, tokens: Tokens) -> list[Problem]:
    """Problems of the visible tree under ``widget`` against one mode's tokens (empty = pass)."""
    problems: list[Problem] = []
    buddied = _buddied(widget)
    for w in _visible(widget):
        if isinstance(w, NOT_JUDGED) or _inner_part(w):
            continue
        interactive = isinstance(w, INTERACTIVE)
        if interactive:
            if w.width() < tokens.min_target or w.height() < tokens.min_target:
                problems.append(
                    Problem(
                        w,
                        "target",
                        f"{w.width()}×{w.height()} px, below {tokens.min_target}×"
                        f"{tokens.min_target}",
                    )
                )
            named = bool(w.accessibleName().strip()) or bool(
                isinstance(w, QAbstractButton) and w.text().strip()
            )
            if not named and id(w) not in buddied:
                problems.append(Problem(w, "name", "no accessible name, text or buddy label"))
        if _has_text(w) and w.isEnabled():
            # Disabled controls are exempt from contrast (WCAG 1.4.3, inactive components).
            ratio = contrast_ratio(foreground(w), effective_background(w))
            if ratio + 1e-9 < tokens.min_contrast:
                problems.append(
                    Problem(
                        w,
                        "contrast",
                        f"{foreground(w).name()} on {effective_background(w).name()} is "
                        f"{ratio:.2f}:1, below {tokens.min_contrast}:1",
                    )
                )
    return problems
