"""An accessibility check for a laid-out widget tree (spec §10), used by tests of both apps.

:func:`check_accessibility` walks the widgets visible under a root and reports:

- ``target``: an interactive control smaller than ``tokens.min_target`` in either dimension;
- ``contrast``: text whose foreground/background contrast is below ``tokens.min_contrast``;
- ``name``: an interactive control a screen reader could not name (no accessible name, no
  text, no buddy label);
- ``text_size``: text smaller than the mode allows (spec §10): a label's, a button's, a
  field's or an item's font below ``tokens.min_text_px``, or text a widget paints itself (the
  hall map's window numbers) below ``tokens.min_label_px`` (:mod:`shared.qt.a11y_text`);
- ``focus_ring``: a control whose focus indicator is missing or below 3:1 against the page
  around it (WCAG 1.4.11, 2.4.7). Measured, not assumed: one control of each look (class,
  ``role``, checked state, page colour) is grabbed without and with keyboard focus, and the
  colour the focus changed most is compared with the page; focus is then given back (the
  window is activated first if it is not yet: focus only lands in the active window);
- ``disabled_look`` (issue #19): a disabled button that does not look disabled — its fill
  stands out from the page more than when enabled, is more saturated, or its words are as
  strong as when enabled (a dark-filled 叫下一位 that cannot be pressed looked more active
  than the buttons that can). Its enabled look is read from an unshown twin of the button
  (same class, parent, object name and properties), so the button itself is not touched;
- ``checkbox`` (issue #19): a check box whose box edge is below 3:1 against the page when
  unticked, or whose tick is below 3:1 against the box's fill when ticked (WCAG 1.4.11);
  both states are drawn from an unshown twin and measured in pixels;
- ``contrast`` also covers the cells of item views: a cell's own colour (a red overdue
  time) on its own fill or the view's rows.

Colours come from each widget's palette after ``ensurePolished()``: with a stylesheet, Qt's
style sheet style writes ``color``/``background`` into the palette roles. A transparent
background (the usual ``QLabel``) is resolved by walking up to the first ancestor whose
background role is opaque, blending partly transparent ones on the way. The tests compare
this against grabbed pixels to show the palette tells the truth.

Lay the tree out first (show it, or ``resize`` it and let the layouts activate); sizes of a
never-laid-out widget mean nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

from shared.qt.a11y_colour import (
    contrast_ratio,
    effective_background,
    foreground,
    relative_luminance,
)
from shared.qt.a11y_states import checkbox_problem, disabled_look_problem, item_contrast
from shared.qt.a11y_text import painted_text, paints_itself, widget_text
from shared.qt.theme import Tokens

__all__ = [
    "Problem",
    "check_accessibility",
    "contrast_ratio",
    "describe",
    "effective_background",
    "foreground",
    "relative_luminance",
]

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
# Widgets whose keyboard focus must show (WCAG 2.4.7): controls and scrolled regions.
FOCUS_JUDGED = (*INTERACTIVE, QAbstractScrollArea)


@dataclass(frozen=True)
class Problem:
    """One finding: which widget, which kind (``target``, ``contrast``, ``name``,
    ``text_size``, ``focus_ring``) and why."""

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
    visible = _visible(widget)
    looks: dict[tuple[object, ...], Problem | None] = {}
    for w in visible:
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
        problems += _text_size_problems(w, tokens)
        problems += _state_problems(w, tokens, looks)
    problems += _focus_ring_problems(widget, visible)
    return problems


def _state_problems(
    w: QWidget, tokens: Tokens, looks: dict[tuple[object, ...], Problem | None]
) -> list[Problem]:
    """Disabled buttons, check boxes and item cells (issue #19); one look is judged once."""
    if isinstance(w, QHeaderView):
        return []  # its sections are the model's titles, not its cells
    if isinstance(w, QAbstractItemView):
        return [Problem(w, "contrast", detail) for detail in item_contrast(w, tokens.min_contrast)]
    box = isinstance(w, QCheckBox | QRadioButton)
    button = isinstance(w, QPushButton | QToolButton)
    judged = w.isEnabled() if box else button and not w.isEnabled()
    if not judged:
        return []
    parent = w.parentWidget()
    page = effective_background(parent) if parent is not None else QColor("#ffffff")
    look = (type(w), str(w.property("role")), w.objectName(), page.name())
    if look not in looks:
        assert isinstance(w, QAbstractButton)
        detail = checkbox_problem(w, page) if box else disabled_look_problem(w, page)
        looks[look] = Problem(w, "checkbox" if box else "disabled_look", detail) if detail else None
    found = looks[look]
    return [Problem(w, found.kind, found.detail)] if found is not None else []


def _text_size_problems(w: QWidget, tokens: Tokens) -> list[Problem]:
    """Text in ``w`` below the mode's minimum for its kind (disabled text too: it is read)."""
    problems = []
    own = widget_text(w)
    if own is not None and own.px + 0.01 < tokens.min_text_px:
        problems.append(
            Problem(w, "text_size", f"{own.px:g} px text, below {tokens.min_text_px} px")
        )
    if paints_itself(w):
        painted = painted_text(w)
        if painted is not None and painted.px + 0.01 < tokens.min_label_px:
            problems.append(
                Problem(
                    w,
                    "text_size",
                    f"painted {painted.sample!r} at {painted.px:g} px, below "
                    f"{tokens.min_label_px} px",
                )
            )
    return problems


# A focus indicator must differ from the page by this much (WCAG 1.4.11 non-text contrast).
FOCUS_CONTRAST = 3.0
# Pixels of a control's edge read in full; its inside is sampled on a coarser grid.
FOCUS_EDGE_PX = 12
FOCUS_INSIDE_STEP = 4


def _focusable(w: QWidget) -> bool:
    # Controls and scrolled regions. A heading that takes focus only so a screen reader
    # announces it on entry is not a control: it is not judged (a ring around every title
    # on entry would only confuse touch users).
    return (
        isinstance(w, FOCUS_JUDGED)
        and w.isEnabled()
        and bool(w.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)
        and w.focusProxy() is None
        and not isinstance(w, NOT_JUDGED)
        and not _inner_part(w)
        and w.width() > 0
        and w.height() > 0
    )


def _focus_ring_problems(root: QWidget, visible: list[QWidget]) -> list[Problem]:
    """One control of each look, grabbed without and with keyboard focus (see the module)."""
    problems: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = root.window()
    if not window.isActiveWindow():
        # Focus lands only in the active window; a window just shown may not be yet.
        window.activateWindow()
        app.processEvents()
    before = app.focusWidget()
    keyboard_before = window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    try:
        # As after a Tab press: styles draw keyboard focus only when this is set.
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        for w in visible:
            if not _focusable(w):
                continue
            parent = w.parentWidget()
            page = effective_background(parent) if parent is not None else QColor("#ffffff")
            checked = isinstance(w, QAbstractButton) and w.isChecked()
            look = (type(w), str(w.property("role")), checked, page.name())
            if look in seen:
                continue
            seen.add(look)
            problem = _focus_ring_problem(w, page)
            if problem is not None:
                problems.append(problem)
    finally:
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, keyboard_before)
        if before is not None:
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        elif (now := app.focusWidget()) is not None:
            now.clearFocus()
    return problems


def _focus_ring_problem(w: QWidget, page: QColor) -> Problem | None:
    if w.hasFocus():
        w.clearFocus()
    unfocused = w.grab().toImage()
    w.setFocus(Qt.FocusReason.TabFocusReason)
    if not w.hasFocus():
        return Problem(w, "focus_ring", "could not take focus to show its indicator")
    focused = w.grab().toImage()
    ring = _changed_colour(unfocused, focused)
    if ring is None:
        return Problem(w, "focus_ring", "no visible focus indicator")
    ratio = contrast_ratio(ring, page)
    if ratio + 1e-9 < FOCUS_CONTRAST:
        return Problem(
            w,
            "focus_ring",
            f"focus {ring.name()} on {page.name()} is {ratio:.2f}:1, below {FOCUS_CONTRAST:g}:1",
        )
    return None


def _changed_colour(before: QImage, after: QImage) -> QColor | None:
    """The colour most pixels changed to between two grabs of one widget (None: no change)."""
    if before.size() != after.size():
        return None
    a = before.convertToFormat(QImage.Format.Format_ARGB32)
    b = after.convertToFormat(QImage.Format.Format_ARGB32)
    width, height = a.width(), a.height()
    # Rows are packed (ARGB32 is 4 bytes a pixel, rows 4-byte aligned): index words directly.
    old = memoryview(a.constBits()).cast("I")
    new = memoryview(b.constBits()).cast("I")
    counts: Counter[int] = Counter()
    edge = FOCUS_EDGE_PX
    for y in range(height):
        row = y * width
        if old[row : row + width] == new[row : row + width]:
            continue
        near_edge = y < edge or y >= height - edge
        step = 1 if near_edge else FOCUS_INSIDE_STEP
        xs = range(0, width, step) if near_edge else _edge_and_inside(width, edge, step)
        for x in xs:
            if old[row + x] != new[row + x]:
                counts[new[row + x]] += 1
    if not counts:
        return None
    return QColor.fromRgb(counts.most_common(1)[0][0] & 0xFFFFFF)


def _edge_and_inside(width: int, edge: int, step: int) -> list[int]:
    if width <= 2 * edge:
        return list(range(width))
    left = range(min(edge, width))
    right = range(width - edge, width)
    inside = range(edge, width - edge, step)
    return [*left, *inside, *right]
