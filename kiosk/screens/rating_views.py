"""评价 screens (issue #13): which ticket, how satisfied, what went wrong, thank you.

Views only: they show the plain data they are given and say what was pressed;
:class:`kiosk.screens.rating.RatingFlow` wires them to the services. Nothing here is rated by
default: a visitor who stops answering leaves no rating.

Signals of :class:`NumberScreen`:
    submitted(str): 下一步 with the number typed (``A012``).
    back_requested(): 返回上一步.
    home_requested(): 返回首页.

Signals of :class:`LevelScreen`:
    chosen(int): a level, 5 (非常满意) to 1 (非常不满意).
    back_requested(): 返回上一步.
    home_requested(): 返回首页.

Signals of :class:`ReasonsScreen`:
    submitted(list): 提交评价 with the reasons picked (possibly none).
    back_requested(): 返回上一步.
    home_requested(): 返回首页.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import MessageScreen, wrapped_label
from kiosk.screens.priority_views import NavRow, action_button

#: The five levels, best first, as the national 好差评 names them; stored 5 down to 1.
LEVELS = ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意"))
#: Most tickets are a letter and three digits (A012); a hall may run to four.
NUMBER_LENGTH = 5


def _tr(text: str) -> str:
    return QCoreApplication.translate("RatingScreens", text)


def _page(screen: QWidget, name: str, title: str) -> QVBoxLayout:
    screen.setObjectName(name)
    layout = QVBoxLayout(screen)
    layout.setContentsMargins(48, 32, 48, 32)
    layout.setSpacing(20)
    heading = wrapped_label(title, "kiosk_heading")
    heading.setObjectName(f"{name}Title")
    layout.addWidget(heading)
    screen.title_label = heading  # type: ignore[attr-defined]
    return layout


class NumberScreen(QWidget):
    """The ticket's number, typed on big keys: its letter, then its digits."""

    submitted = Signal(str)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _page(self, "ratingNumber", _tr("请输入号票上的号码"))
        self.hint_label = wrapped_label(_tr("例如 A012：先点字母，再点数字"), "kiosk_detail")
        layout.addWidget(self.hint_label)
        # The number typed and any message, beside the keys (landscape) or above them.
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(24)
        shown = QWidget()
        shown_column = QVBoxLayout(shown)
        shown_column.setContentsMargins(0, 0, 0, 0)
        self.number_label = wrapped_label("", "kiosk_number")
        self.number_label.setObjectName("ratingNumberTyped")
        self.number_label.setAccessibleName(_tr("已输入的号码"))
        shown_column.addStretch(1)
        shown_column.addWidget(self.number_label)
        self.error_label = wrapped_label("", "kiosk_notice")
        self.error_label.setObjectName("ratingNumberError")
        self.error_label.setVisible(False)
        shown_column.addWidget(self.error_label)
        # 下一步 under the number it takes: beside the keys in landscape, so the screen fits.
        self.next_button = action_button(_tr("下一步"), "kiosk_primary", "ratingNumberNext")
        self.next_button.setEnabled(False)
        shown_column.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignHCenter)
        shown_column.addStretch(1)
        self.body.addWidget(shown, 1)
        # The letters (the site's queues) beside the digits: one pad, as high as four keys.
        pads = QHBoxLayout()
        pads.setSpacing(40)
        pads.addStretch(1)
        self.letter_grid = QGridLayout()
        self.letter_grid.setSpacing(12)
        pads.addLayout(self.letter_grid)
        digits = QGridLayout()
        digits.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate([*"123456789", "clear", "0", "back"]):
            text = {"clear": _tr("清空"), "back": _tr("退格")}.get(key, key)
            name = {"clear": _tr("清空号码"), "back": _tr("删除最后一位")}.get(key, key)
            button = action_button(text, "kiosk_key", f"rating_key_{key}", name)
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            digits.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        pads.addLayout(digits)
        pads.addStretch(1)
        self.body.addLayout(pads, 1)
        layout.addLayout(self.body, 1)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        self.number = ""
        self.next_button.clicked.connect(lambda: self.submitted.emit(self.number))
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_portrait(self, portrait: bool) -> None:
        """The number above the keys (portrait) or beside them (landscape)."""
        self.body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def set_letters(self, letters: Sequence[str]) -> None:
        """The letter keys: the site's ticket prefixes."""
        for key in [k for k in self.keys if len(k) == 1 and k.isalpha()]:
            button = self.keys.pop(key)
            self.letter_grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        # Two columns: a hall's handful of queues (eight in Huarong) as high as the digits.
        columns = 2 if len(letters) <= 8 else 3
        for index, letter in enumerate(letters):
            button = action_button(
                letter,
                "kiosk_key",
                f"rating_key_{letter}",
                _tr("字母 {letter}").format(letter=letter),
            )
            button.clicked.connect(lambda _checked=False, k=letter: self.press(k))
            self.letter_grid.addWidget(button, index // columns, index % columns)
            self.keys[letter] = button

    def press(self, key: str) -> None:
        """A key: a letter starts the number afresh, a digit adds, 退格 and 清空 take away."""
        if key == "clear":
            self.number = ""
        elif key == "back":
            self.number = self.number[:-1]
        elif key.isalpha():
            self.number = key
        elif self.number and len(self.number) < NUMBER_LENGTH:
            self.number += key
        self.number_label.setText(" ".join(self.number))
        self.number_label.setAccessibleName(
            _tr("已输入的号码：{number}").format(number=" ".join(self.number))
            if self.number
            else _tr("已输入的号码")
        )
        self.next_button.setEnabled(len(self.number) >= 2)
        self.show_error("")

    def show_error(self, text: str) -> None:
        """Why the number cannot be rated (hidden when empty)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def clear(self) -> None:
        """Nothing typed."""
        self.press("clear")


class LevelScreen(QWidget):
    """Five big answers, best first; what is being rated above them."""

    chosen = Signal(int)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _page(self, "ratingLevel", _tr("您对这次服务满意吗？"))
        self.target_label = wrapped_label("", "kiosk_fact")
        self.target_label.setObjectName("ratingTarget")
        layout.addWidget(self.target_label)
        self.buttons: dict[int, QPushButton] = {}
        # Five answers alike (no answer is pushed by its look): a column in portrait; in
        # landscape the three 满意 answers over the two 不满意 ones.
        self.answers = QGridLayout()
        self.answers.setSpacing(16)
        for level, name in LEVELS:
            button = action_button(_tr(name), "kiosk_secondary", f"rating_level_{level}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _checked=False, v=level: self.chosen.emit(v))
            self.buttons[level] = button
        layout.addLayout(self.answers, 1)
        self.set_portrait(True)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_portrait(self, portrait: bool) -> None:
        """One column (portrait), or two rows (landscape)."""
        for button in self.buttons.values():
            self.answers.removeWidget(button)
        for index, button in enumerate(self.buttons.values()):
            row, column = (index, 0) if portrait else divmod(index, 3)
            self.answers.addWidget(button, row, column)

    def set_target(self, text: str) -> None:
        """What is being rated (the ticket, or the hall as a whole)."""
        self.target_label.setText(text)


class ReasonsScreen(QWidget):
    """What was wrong: the hall's reasons as big toggles, then 提交评价."""

    submitted = Signal(list)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _page(self, "ratingReasons", _tr("哪里让您不满意？"))
        layout.addWidget(wrapped_label(_tr("可以选几项，也可以不选，直接提交"), "kiosk_detail"))
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        layout.addLayout(self.grid, 1)
        self.error_label = wrapped_label("", "kiosk_notice")
        self.error_label.setObjectName("ratingReasonsError")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.submit_button = action_button(_tr("提交评价"), "kiosk_primary", "ratingSubmit")
        layout.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        self.buttons: dict[str, QPushButton] = {}
        self.submit_button.clicked.connect(lambda: self.submitted.emit(self.picked()))
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_reasons(self, reasons: Sequence[str]) -> None:
        """The reasons to pick from (the hall's setting)."""
        if list(self.buttons) == list(reasons):
            return
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.hide()  # gone now, not only once the event loop deletes it
            button.deleteLater()
        self.buttons = {}
        for index, reason in enumerate(reasons):
            button = action_button(reason, "kiosk_secondary", f"rating_reason_{index}")
            button.setCheckable(True)
            button.toggled.connect(lambda on, b=button, r=reason: self._mark(b, r, on))
            self.grid.addWidget(button, index // 2, index % 2)
            self.buttons[reason] = button

    def _mark(self, button: QPushButton, reason: str, on: bool) -> None:
        # The tick is in the words too, for a screen reader and for colour-blind eyes.
        button.setText(f"✓ {reason}" if on else reason)
        button.setAccessibleName(_tr("{reason}，已选").format(reason=reason) if on else reason)

    def picked(self) -> list[str]:
        """The reasons picked, in the order shown."""
        return [reason for reason, button in self.buttons.items() if button.isChecked()]

    def clear(self) -> None:
        """Nothing picked."""
        for button in self.buttons.values():
            button.setChecked(False)
        self.set_busy(False)
        self.show_error("")

    def set_busy(self, busy: bool) -> None:
        """While the rating is being stored: one tap, one rating."""
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText(_tr("正在提交…") if busy else _tr("提交评价"))

    def show_error(self, text: str) -> None:
        """Why it could not be stored (hidden when empty)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


class ThanksScreen(MessageScreen):
    """感谢您的评价, with the level given and what happens next; the result takes focus on
    entry (entry_focus), so a screen reader says it, not only the thanks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_tr("感谢您的评价"), "", parent=parent)

    def set_rating(self, level_text: str, next_step: str) -> None:
        """The level given (您的评价：满意) and what happens next."""
        self.set_message(level_text, next_step)
        self.message_label.setAccessibleName(
            "，".join((_tr("感谢您的评价"), level_text, next_step))
        )

    def entry_focus(self) -> QWidget:
        """The result takes focus on entry."""
        return self.message_label
