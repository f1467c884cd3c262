"""Small pieces the 管理 pages share (issue #9): message lines, site and time choosers.

Looks come from the one stylesheet (``shared.qt.theme``) through ``role`` properties.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.admin.ops import SiteChoice

CONTEXT = "AdminPages"
#: Times offered in the time boxes (half-hour steps; any HH:MM may be typed).
SOURCE_WORDS = {
    "default": QT_TRANSLATE_NOOP(CONTEXT, "默认"),
    "hall": QT_TRANSLATE_NOOP(CONTEXT, "全局"),
    "site": QT_TRANSLATE_NOOP(CONTEXT, "本站点"),
}
#: Times offered in the time boxes: quarter hours, and 24:00 to end a day.
TIME_CHOICES = (
    "",
    *(f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)),
    "24:00",
)


def restyle(widget: QWidget, role: str) -> None:
    """Give ``widget`` another stylesheet role (a property change needs a re-polish)."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def message_label(name: str) -> QLabel:
    """A hidden line for the result of an action (an error in red, a success in green)."""
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, text: str, *, ok: bool = False) -> None:
    """Show ``text`` in a message line, as a success when ``ok``."""
    restyle(label, "ok" if ok else "error")
    label.setText(text)
    label.setAccessibleName(text)
    label.show()


def fill_sites(
    combo: QComboBox, sites: Sequence[SiteChoice], first: str, current: str | None
) -> None:
    """Offer ``first`` (meaning no site: every site / the whole hall) and then each site,
    keeping ``current`` chosen; emits no change signal."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for site in sites:
        combo.addItem(site.name, site.code)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def time_box(name: str) -> QComboBox:
    """A time chooser: pick a quarter hour from the list; the empty entry means unused.

    Not editable: a manager picks, never types a format (an inner editor would also be a
    second, smaller touch target for screen readers and fingers).
    """
    box = QComboBox()
    box.addItems(list(TIME_CHOICES))
    box.setObjectName(name)
    box.setAccessibleName(name)
    box.setMaxVisibleItems(12)
    box.setMinimumContentsLength(5)
    return box


def set_time(box: QComboBox, text: str) -> None:
    """Show ``text`` (``""`` for unused); a stored time off the quarter-hour list (08:20 from
    a workbook) is added in its place so it is shown as it is."""
    index = box.findText(text)
    if index < 0:
        index = next((i for i in range(1, box.count()) if box.itemText(i) > text), box.count())
        box.insertItem(index, text)
    box.setCurrentIndex(index)


def source_text(source: str) -> str:
    """Where a setting's value comes from, in Chinese (默认/全局/本站点)."""
    word = SOURCE_WORDS.get(source)
    return translate(CONTEXT, word) if word else source
