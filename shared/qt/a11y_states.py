"""States that must show (issue #19), for the accessibility check: disabled buttons that
look disabled, check boxes with a visible box and tick, cells whose colours can be read.

Each judgement compares what is drawn with what it must differ from:

- a disabled button against its own enabled look, read from an unshown *twin* (the nearest
  Qt class, with the same parent, object name and dynamic properties, so the stylesheet
  picks the same rules), never by enabling the real button (that could run a page's slots);
- a check box's indicator, drawn by a twin in both states and read in pixels: unticked, its
  edge against the page; ticked, the tick against the box's fill (WCAG 1.4.11, 3:1);
- a cell's own colour (``Qt.ForegroundRole``) against its own fill or the view's row colour.
"""

from __future__ import annotations

from collections import Counter

import shiboken6
from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QRadioButton,
    QSplitter,
    QStyle,
    QStyleOptionButton,
)

from shared.qt.a11y_colour import blend, contrast_ratio, effective_background, foreground

#: Non-text contrast a box edge or a tick needs (WCAG 1.4.11).
NON_TEXT_CONTRAST = 3.0
#: A disabled fill may be a pale tint of the page up to this contrast, never more than the
#: enabled fill stands out.
FADED_FILL = 1.5
#: A disabled button's words must lose at least this share of their enabled contrast.
FADED_WORDS = 0.8
#: How much more saturated than the enabled fill a disabled fill may be (HSV, 0–1).
SATURATION_SLACK = 0.1
#: Rows of an item view whose cell colours are read.
ITEM_ROWS_READ = 200


def _twin(button: QAbstractButton) -> QAbstractButton:
    """An unshown copy of ``button`` for the stylesheet to style as the button is styled."""
    qt_class = next(c for c in type(button).__mro__ if c.__module__.startswith("PySide6"))
    parent = button.parentWidget()
    # A splitter adopts every child widget as a pane: a twin there would show.
    twin = qt_class(None if isinstance(parent, QSplitter) else parent)
    twin.setObjectName(button.objectName())
    for name in button.dynamicPropertyNames():
        key = bytes(name.data()).decode()
        if key.startswith("_q_"):
            continue  # Qt's own bookkeeping, never in a stylesheet selector
        try:
            value = button.property(key)
        except RuntimeError:
            continue  # a C++ value Python cannot hold: no selector reads it either
        twin.setProperty(key, value)
    twin.setText(button.text())
    twin.setCheckable(button.isCheckable())
    twin.setChecked(button.isChecked())
    twin.setFont(button.font())
    twin.resize(button.size())
    twin.ensurePolished()
    return twin


def _drop(twin: QAbstractButton) -> None:
    shiboken6.delete(twin)


def disabled_look_problem(button: QAbstractButton, page: QColor) -> str | None:
    """Why a disabled ``button`` does not look disabled (None: it does)."""
    twin = _twin(button)
    try:
        twin.setEnabled(True)
        twin.ensurePolished()
        on_fill, on_text = effective_background(twin), foreground(twin)
    finally:
        _drop(twin)
    off_fill, off_text = effective_background(button), foreground(button)
    on_stand, off_stand = contrast_ratio(on_fill, page), contrast_ratio(off_fill, page)
    if off_stand > max(on_stand, FADED_FILL) + 0.01:
        return (
            f"disabled fill {off_fill.name()} stands out {off_stand:.2f}:1 from the page "
            f"{page.name()}, more than enabled ({on_fill.name()}, {on_stand:.2f}:1)"
        )
    if off_fill.hsvSaturationF() > on_fill.hsvSaturationF() + SATURATION_SLACK:
        return f"disabled fill {off_fill.name()} is more saturated than enabled {on_fill.name()}"
    on_words, off_words = contrast_ratio(on_text, on_fill), contrast_ratio(off_text, off_fill)
    if off_words > on_words * FADED_WORDS:
        return (
            f"disabled words {off_text.name()} on {off_fill.name()} ({off_words:.2f}:1) are "
            f"as strong as enabled ({on_text.name()} on {on_fill.name()}, {on_words:.2f}:1)"
        )
    return None


def _indicator(box: QAbstractButton) -> QRect:
    option = QStyleOptionButton()
    box.initStyleOption(option)  # type: ignore[attr-defined]
    element = (
        QStyle.SubElement.SE_RadioButtonIndicator
        if isinstance(box, QRadioButton)
        else QStyle.SubElement.SE_CheckBoxIndicator
    )
    return box.style().subElementRect(element, option, box)


def _pixels(image: QImage, rect: QRect, page: QColor) -> Counter[int]:
    """The colours of ``rect`` in ``image``, laid over the page (a grab may be transparent)."""
    counts: Counter[int] = Counter()
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
            colour = image.pixelColor(x, y)
            if colour.alpha() < 255:
                colour = blend(colour, page)
            counts[colour.rgb() & 0xFFFFFF] += 1
    return counts


def _against(counts: Counter[int], ground: QColor) -> tuple[int, float]:
    """How many pixels reach 3:1 against ``ground``, and the best contrast found."""
    reaching, best = 0, 1.0
    for rgb, n in counts.items():
        ratio = contrast_ratio(QColor.fromRgb(rgb), ground)
        best = max(best, ratio)
        if ratio + 1e-9 >= NON_TEXT_CONTRAST:
            reaching += n
    return reaching, best


def checkbox_problem(box: QAbstractButton, page: QColor) -> str | None:
    """Why a check box's box or tick cannot be seen at 3:1 (None: both can)."""
    twin = _twin(box)
    try:
        twin.setChecked(False)
        rect = _indicator(twin)
        unticked = twin.grab().toImage()
        twin.setChecked(True)
        ticked = twin.grab().toImage()
    finally:
        _drop(twin)
    side = min(rect.width(), rect.height())
    if side <= 0:
        return "no indicator is drawn"
    edge, best = _against(_pixels(unticked, rect, page), page)
    if edge < 2 * side:
        return f"unticked box edge reaches {best:.2f}:1 against {page.name()}, below 3:1"
    inside = rect.adjusted(3, 3, -3, -3)
    counts = _pixels(ticked, inside, page)
    fill = QColor.fromRgb(counts.most_common(1)[0][0])
    tick, best = _against(counts, fill)
    if tick < side // 2:
        return f"ticked box shows no tick at 3:1 on its fill {fill.name()} (best {best:.2f}:1)"
    return None


def _colour(value: object) -> QColor | None:
    if isinstance(value, QBrush):
        return value.color() if value.style() != Qt.BrushStyle.NoBrush else None
    return value if isinstance(value, QColor) else None


def item_contrast(view: QAbstractItemView, minimum: float) -> list[str]:
    """Cells whose own colours fall below ``minimum`` contrast (each pair reported once)."""
    model = view.model()
    if model is None:
        return []
    view.ensurePolished()
    palette = view.palette()
    base, alternate = (
        palette.color(QPalette.ColorRole.Base),
        palette.color(QPalette.ColorRole.AlternateBase),
    )
    text = palette.color(QPalette.ColorRole.Text)
    seen: set[tuple[str, str]] = set()
    found: list[str] = []
    root = view.rootIndex() if view.rootIndex().isValid() else QModelIndex()
    rows = min(model.rowCount(root), ITEM_ROWS_READ)
    # A list model keeps columnCount private (PySide refuses the call): it has one.
    columns = 1 if isinstance(model, QAbstractListModel) else int(model.columnCount(root))
    for row in range(rows):
        row_ground = alternate if view.alternatingRowColors() and row % 2 else base
        for column in range(columns):
            index = model.index(row, column, root)
            fore = _colour(model.data(index, Qt.ItemDataRole.ForegroundRole))
            back = _colour(model.data(index, Qt.ItemDataRole.BackgroundRole))
            if fore is None and back is None:
                continue
            fore, back = fore or text, back or row_ground
            pair = (fore.name(), back.name())
            if pair in seen:
                continue
            seen.add(pair)
            ratio = contrast_ratio(fore, back)
            if ratio + 1e-9 < minimum:
                words = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")[:20]
                found.append(
                    f"cell {words!r}: {pair[0]} on {pair[1]} is {ratio:.2f}:1, below {minimum}:1"
                )
    return found
