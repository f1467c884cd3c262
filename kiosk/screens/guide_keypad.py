"""办事指南's first screen: an on-screen A–Z keypad (no input method on a kiosk) and the
matters found so far, updated as each letter is pressed.

A view only: it keeps the letters typed and says when they change; :class:`GuideFlow
<kiosk.screens.guide.GuideFlow>` searches in the background and hands back the results.

Signals of :class:`GuideSearchScreen`:
    query_changed(str): the letters typed now (lower case; '' after 清空).
    matter_chosen(str): a result was pressed; the matter's code.
    browse_requested(str): 按人生事件 (``"event"``) or 按部门 (``"department"``).
    home_requested(): 返回首页.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import home_button, wrapped_label
from kiosk.screens.guide_results import MatterList, nav_button

if TYPE_CHECKING:
    from shared.services.catalog import MatterHit

KEY_COLUMNS = 7
MAX_LETTERS = 24


def _tr(text: str) -> str:
    return QCoreApplication.translate("GuideScreens", text)


class Keypad(QWidget):
    """A–Z in alphabetical rows, then 删除 and 清空 (no signals: the screen reads its keys)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideKeypad")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for index, letter in enumerate(string.ascii_uppercase):
            key = QPushButton(letter)
            key.setObjectName(f"key_{letter}")
            key.setProperty("role", "guide_key")
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            key.setAccessibleName(_tr("字母 {letter}").format(letter=letter))
            key.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            grid.addWidget(key, index // KEY_COLUMNS, index % KEY_COLUMNS)
            self.keys[letter] = key
        row, column = divmod(len(self.keys), KEY_COLUMNS)
        self.delete_key = QPushButton(_tr("删除"))
        self.delete_key.setObjectName("key_delete")
        self.delete_key.setAccessibleName(_tr("删除一个字母"))
        self.clear_key = QPushButton(_tr("清空"))
        self.clear_key.setObjectName("key_clear")
        self.clear_key.setAccessibleName(_tr("清空全部字母"))
        for key in (self.delete_key, self.clear_key):
            key.setProperty("role", "guide_key")
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            key.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        grid.addWidget(self.delete_key, row, column)
        grid.addWidget(self.clear_key, row, column + 1)


class GuideSearchScreen(QWidget):
    """办事指南: the keypad, the letters typed, the results, and the ways to browse.

    Signals:
        query_changed(str): the letters now typed.
        matter_chosen(str): a matter's code.
        browse_requested(str): ``"event"`` or ``"department"``.
        home_requested(): 返回首页.
    """

    query_changed = Signal(str)
    matter_chosen = Signal(str)
    browse_requested = Signal(str)
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideSearch")
        self.query = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(16)
        self.title_label = wrapped_label(_tr("办事指南：按拼音首字母查找事项"), "kiosk_heading")
        self.title_label.setObjectName("guideTitle")
        layout.addWidget(self.title_label)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(32)
        left = QVBoxLayout()
        left.setSpacing(16)
        self.query_label = wrapped_label("", "kiosk_query")
        self.query_label.setObjectName("guideQuery")
        self.keypad = Keypad()
        left.addWidget(self.query_label)
        left.addWidget(self.keypad)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.state_label = wrapped_label("", "kiosk_message")
        self.state_label.setObjectName("guideState")
        self.results = MatterList(per_page=5)
        self.results.setObjectName("guideResults")
        right.addWidget(self.state_label)
        right.addWidget(self.results, 1)
        self._left, self._right = left, right
        self.body.addLayout(left, 1)
        self.body.addLayout(right, 1)
        layout.addLayout(self.body, 1)

        bar = QHBoxLayout()
        bar.setSpacing(24)
        self.event_button = nav_button(_tr("按人生事件查找"), "browseEvents")
        self.department_button = nav_button(_tr("按部门查找"), "browseDepartments")
        self.home_button = home_button(self)
        bar.addStretch(1)
        for button in (self.event_button, self.department_button, self.home_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        for letter, key in self.keypad.keys.items():
            key.clicked.connect(lambda _checked=False, x=letter: self.on_key_clicked(x))
        self.keypad.delete_key.clicked.connect(self.on_delete_clicked)
        self.keypad.clear_key.clicked.connect(self.on_clear_clicked)
        self.results.matter_chosen.connect(self.matter_chosen)
        self.event_button.clicked.connect(lambda: self.browse_requested.emit("event"))
        self.department_button.clicked.connect(lambda: self.browse_requested.emit("department"))
        self.home_button.clicked.connect(self.home_requested)
        self.reset()

    # -- what the flow tells it ---------------------------------------------------------

    def reset(self) -> None:
        """A new visitor: no letters, no results, the hint."""
        self.query = ""
        self._show_query()
        self.results.set_hits([])
        self.show_state(_tr("请按拼音首字母，例如查“身份证”请按 S F Z"))

    def show_state(self, text: str) -> None:
        """A line above the results (hint, searching, nothing found, a problem)."""
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))

    def set_results(self, query: str, hits: Sequence[MatterHit]) -> None:
        """The matters found for ``query`` (ignored when the letters changed since)."""
        if query != self.query:
            return
        self.results.set_hits(hits)
        if hits:
            self.show_state(_tr("找到以下事项，请点击查看办事指南"))
        else:
            self.show_state(_tr("没有找到，请检查字母，或按部门、人生事件查找"))

    # -- slots --------------------------------------------------------------------------

    def on_key_clicked(self, letter: str) -> None:
        """A letter: add it and search."""
        if len(self.query) < MAX_LETTERS:
            self._set_query(self.query + letter.lower())

    def on_delete_clicked(self) -> None:
        """删除: the last letter."""
        if self.query:
            self._set_query(self.query[:-1])

    def on_clear_clicked(self) -> None:
        """清空."""
        if self.query:
            self._set_query("")

    def _set_query(self, query: str) -> None:
        self.query = query
        self._show_query()
        if not query:
            self.reset()
        self.query_changed.emit(query)

    def _show_query(self) -> None:
        if self.query:
            self.query_label.setText(self.query.upper())
            self.query_label.setAccessibleName(_tr("已输入 {letters}").format(letters=self.query))
        else:
            self.query_label.setText(_tr("请输入字母"))
            self.query_label.setAccessibleName(_tr("尚未输入字母"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.body.setDirection(
            QBoxLayout.Direction.BottomToTop if portrait else QBoxLayout.Direction.LeftToRight
        )
