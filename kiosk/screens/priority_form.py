"""优先服务 screens that take personal data: contact details with a big number pad, the
matter of a home visit, and its day and half-day.

Name, address and the matter search are typed with the kiosk's on-screen keyboard
(:mod:`kiosk.keyboard`: pinyin with candidate characters), which comes up at the bottom of the
window when such a field is touched; the fields scroll above it and the buttons stay in view.
The phone number has its own big keypad, which makes way while the keyboard is up (one pad at a
time). A visitor who cannot type presses 「不方便输入？请工作人员帮忙」, which calls an
assistant to the kiosk instead.

Every field is checked as the visitor goes by a ``validator(field, value) -> message | None``
the flow gives (the service's :func:`~shared.services.priority_rules.validate_field`); a
message appears once a field was left or filled, and goes as soon as the value is right.
Nothing is stored from here: the flow makes one request at the end, and :meth:`clear` forgets
what was typed.

Signals of :class:`ContactScreen`:
    submitted(): 下一步 with every shown field valid.
    help_requested(): 不方便输入？请工作人员帮忙.
    back_requested(): 返回上一步.
    home_requested(): 返回首页.

Signals of :class:`MatterScreen`:
    search_changed(str): the search text changed.
    submitted(): 下一步 with a matter chosen.
    back_requested(), home_requested().

Signals of :class:`TimeScreen`:
    submitted(): 提交申请 with a valid day and half-day.
    back_requested(), home_requested().
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.keyboard import OnScreenKeyboard, keyboard_of, use_keyboard
from kiosk.screens.common import wrapped_label
from kiosk.screens.priority_views import NavRow, action_button

if TYPE_CHECKING:
    from shared.services.kiosk_priority import MatterChoice

Validator = Callable[[str, str | None], str | None]
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
HALVES = (("am", "上午"), ("pm", "下午"))


def _tr(text: str) -> str:
    return QCoreApplication.translate("PriorityForm", text)


def _short(name: str, limit: int = 14) -> str:
    """A matter's name as a button shows it (the accessible name keeps it whole)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _no_check(_field: str, _value: str | None) -> str | None:
    return None


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _scroll_area(name: str, content: QWidget, accessible: str) -> QScrollArea:
    """A frameless vertical scroll area around ``content``: what does not fit above the
    on-screen keyboard scrolls (the keyboard brings the field being typed into in view)."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setAccessibleName(accessible)
    area.verticalScrollBar().setAccessibleName(_tr("{what}滚动条").format(what=accessible))
    area.setWidget(content)
    return area


class Field:
    """One text field with its buddy label and its as-you-go message."""

    def __init__(self, key: str, title: str, placeholder: str, max_length: int) -> None:
        self.key = key
        self.label = QLabel(title)
        self.label.setProperty("role", "kiosk_fact")
        self.edit = QLineEdit()
        self.edit.setObjectName(f"{key}Edit")
        self.edit.setProperty("role", "kiosk_pin")
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(max_length)
        self.edit.setAccessibleName(title)
        self.label.setBuddy(self.edit)
        self.error = _error_label(f"{key}Error")
        self.touched = False

    def show(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def clear(self) -> None:
        self.edit.clear()
        self.touched = False
        self.show(None)


class Keypad(QWidget):
    """A big number pad that types into one field (the phone number)."""

    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneKeypad")
        self.target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        labels = [*"123456789", "clear", "0", "back"]
        texts = {"clear": _tr("清空"), "back": _tr("退格")}
        names = {"clear": _tr("清空手机号"), "back": _tr("删除最后一位")}
        for index, key in enumerate(labels):
            button = action_button(
                texts.get(key, key), "kiosk_key", f"key_{key}", names.get(key, key)
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            grid.addWidget(button, index // 3, index % 3)
            self.keys[key] = button

    def press(self, key: str) -> None:
        """A key: a digit, 退格 or 清空."""
        text = self.target.text()
        if key == "clear":
            text = ""
        elif key == "back":
            text = text[:-1]
        elif len(text) < self.target.maxLength():
            text += key
        self.target.setText(text)


class ContactScreen(QWidget):
    """Name, mobile number (with the keypad) and address; or just the phone (帮办代办).

    Signals:
        submitted(): 下一步 with the fields valid.
        help_requested(): 不方便输入？请工作人员帮忙.
        back_requested(): 返回上一步.
        home_requested(): 返回首页.
    """

    submitted = Signal()
    help_requested = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityContact")
        self.validator: Validator = _no_check
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 16, 48, 16)
        layout.setSpacing(12)
        self.title_label = wrapped_label(_tr("请填写联系信息"), "kiosk_heading")
        layout.addWidget(self.title_label)
        # How to type each field is said in the field itself (the screen has no room to spare
        # in 长辈模式 at 1080 px).
        self.name = Field("name", _tr("姓名"), _tr("点此输入，例如：张三"), 30)
        self.phone = Field("phone", _tr("手机号码"), _tr("请点数字键，输入11位手机号"), 11)
        self.address = Field("address", _tr("上门地址"), _tr("点此输入，写到门牌号"), 200)
        self.fields = (self.name, self.phone, self.address)
        use_keyboard(self.name.edit)
        use_keyboard(self.address.edit)
        # The phone number has its own big keypad: no second, smaller pad for it.
        self.phone.edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        # Landscape: the fields with the keypad beside them; portrait: the keypad under the
        # fields (see set_portrait). Both scroll when the on-screen keyboard takes the room;
        # the buttons under them stay in view.
        self.form = QWidget()
        self.form.setObjectName("contactForm")
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.form)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(48)
        self.column = QVBoxLayout()
        self.column.setSpacing(4)
        for f in self.fields:
            self.column.addWidget(f.label)
            self.column.addWidget(f.edit)
            self.column.addWidget(f.error)
            self.column.addSpacing(4)
        self.column.addStretch(1)
        self.body.addLayout(self.column, 1)
        self.keypad = Keypad(self.phone.edit)
        self.body.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addStretch(0)  # takes the spare height under the keypad when portrait
        self.form_scroll = _scroll_area("contactScroll", self.form, _tr("联系信息"))
        layout.addWidget(self.form_scroll, 1)
        self.next_button = action_button(_tr("下一步"), "kiosk_primary", "nextButton")
        self.help_button = action_button(
            _tr("不方便输入？请工作人员帮忙"), "kiosk_secondary", "helpButton"
        )
        self.action_box = QWidget()
        self.action_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.action_box)
        self.action_row.setContentsMargins(0, 0, 0, 0)
        self.action_row.setSpacing(24)
        self.action_row.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.action_row.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.action_box)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        self._keyboard: OnScreenKeyboard | None = None
        order = [
            self.name.edit,
            self.phone.edit,
            self.address.edit,
            self.next_button,
            self.help_button,
            self.nav.back_button,
            self.nav.home_button,
        ]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)

        for f in self.fields:
            f.edit.textChanged.connect(lambda _text, f=f: self.on_field_changed(f))
            f.edit.editingFinished.connect(lambda f=f: self.on_field_left(f))
        self.next_button.clicked.connect(self.on_next_clicked)
        self.help_button.clicked.connect(self.help_requested)
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_mode(self, phone_only: bool) -> None:
        """帮办代办 asks only for a phone number; 上门服务 for all three."""
        self.name.label.setVisible(not phone_only)
        self.address.label.setVisible(not phone_only)
        for f in (self.name, self.address):
            f.edit.setVisible(not phone_only)
            f.error.setVisible(False)
        self.help_button.setVisible(not phone_only)
        self.title_label.setText(
            _tr("请输入您的手机号码") if phone_only else _tr("请填写上门服务的联系信息")
        )
        self.next_button.setText(_tr("呼叫工作人员") if phone_only else _tr("下一步"))
        self.next_button.setAccessibleName(self.next_button.text())

    def shown_fields(self) -> tuple[Field, ...]:
        """The fields on screen in this mode."""
        return tuple(f for f in self.fields if not f.edit.isHidden())

    def values(self) -> dict[str, str]:
        """What was typed, by field (only the fields on screen)."""
        return {f.key: f.edit.text().strip() for f in self.shown_fields()}

    def check(self, f: Field) -> str | None:
        """Check one field now and show its message."""
        message = self.validator(f.key, f.edit.text())
        f.show(message)
        return message

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages from the service for fields of this screen."""
        for f in self.shown_fields():
            if f.key in errors:
                f.touched = True
                f.show(errors[f.key])

    def clear(self) -> None:
        """Forget everything typed."""
        for f in self.fields:
            f.clear()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While a request is on its way the buttons take no second tap."""
        self.next_button.setEnabled(not busy)
        self.help_button.setEnabled(not busy)

    def on_field_changed(self, f: Field) -> None:
        """Re-check a field already judged; a phone number is judged once it is complete."""
        if f is self.phone and len(f.edit.text()) >= f.edit.maxLength():
            f.touched = True
        if f.touched:
            self.check(f)

    def on_field_left(self, f: Field) -> None:
        """A field was left (or Enter pressed): judge it from now on."""
        if f.edit.text():
            f.touched = True
            self.check(f)

    def on_next_clicked(self) -> None:
        """下一步: every field judged; on when all are right."""
        problems = []
        for f in self.shown_fields():
            f.touched = True
            problems.append(self.check(f))
        if not any(problems):
            self.submitted.emit()
            return
        first = next(f for f, p in zip(self.shown_fields(), problems, strict=True) if p)
        first.edit.setFocus()

    def set_portrait(self, portrait: bool) -> None:
        """Arrange for the display: set by the flow from the kiosk window's shape, since a
        hidden page is never resized yet its minimum size still bounds the window."""
        direction = (
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        if self.body.direction() != direction:
            self.body.setDirection(direction)
            # Portrait: the buttons one above the other (side by side they are wider than the
            # display in 长辈模式), the keypad right under the fields, the spare room below.
            self.action_row.setDirection(direction)
            self.body.setStretch(0, 0 if portrait else 1)
            self.body.setStretch(2, 1 if portrait else 0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._keyboard is None:
            self._keyboard = keyboard_of(self)
            if self._keyboard is not None:
                self._keyboard.shown_changed.connect(self.on_keyboard_shown_changed)
                self.on_keyboard_shown_changed(self._keyboard.shown)

    def on_keyboard_shown_changed(self, shown: bool) -> None:
        """One pad at a time: the phone keypad makes way while the on-screen keyboard is up."""
        self.keypad.setVisible(not shown)


class _ChoiceButtons(QWidget):
    """A row or grid of checkable buttons, one chosen at a time."""

    def __init__(
        self, name: str, columns: int, portrait_columns: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        self.landscape_columns = columns
        self.portrait_columns = portrait_columns
        self.columns = columns
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}

    def set_items(self, items: Sequence[tuple[str, str, str]]) -> None:
        """``(key, text, accessible name)`` per button; the choice is forgotten."""
        for button in self.buttons.values():
            self.group.removeButton(button)
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for key, text, name in items:
            button = action_button(text, "kiosk_switch", f"{self.objectName()}_{key}", name)
            button.setCheckable(True)
            self.group.addButton(button)
            self.buttons[key] = button
        self._place()

    def _place(self) -> None:
        for button in self.buttons.values():
            self.grid.removeWidget(button)
        for index, button in enumerate(self.buttons.values()):
            self.grid.addWidget(button, index // self.columns, index % self.columns)
            button.show()  # at once, not on the next event loop turn

    def set_portrait(self, portrait: bool) -> None:
        """Fewer columns on a portrait screen (long names need the width)."""
        columns = self.portrait_columns if portrait else self.landscape_columns
        if columns != self.columns:
            self.columns = columns
            self._place()

    def chosen(self) -> str | None:
        """The key of the checked button, if any."""
        return next((k for k, b in self.buttons.items() if b.isChecked()), None)

    def reset(self) -> None:
        """Nothing chosen."""
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)


class MatterScreen(QWidget):
    """上门服务: which matter — common ones as buttons, or a search by name or pinyin.

    Signals:
        search_changed(str): the search text.
        submitted(): 下一步 with a matter chosen.
        back_requested(): 返回上一步.
        home_requested(): 返回首页.
    """

    search_changed = Signal(str)
    submitted = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityMatter")
        self.validator: Validator = _no_check
        self.names: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 16, 48, 16)
        layout.setSpacing(12)
        layout.addWidget(wrapped_label(_tr("要办理什么事项？"), "kiosk_heading"))
        self.search_label = QLabel(
            _tr("搜索事项：点此输入名称，打拼音后点选汉字；也可打拼音首字母（如 gljt）再点 ↵ 键")
        )
        self.search_label.setProperty("role", "kiosk_fact")
        self.search_label.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("matterSearch")
        self.search_edit.setProperty("role", "kiosk_pin")
        self.search_edit.setAccessibleName(_tr("搜索事项"))
        self.search_edit.setMaxLength(30)
        self.search_label.setBuddy(self.search_edit)
        use_keyboard(self.search_edit)
        self.list_label = wrapped_label(_tr("正在读取常办事项…"), "kiosk_message")
        self.list_label.setObjectName("matterListTitle")
        self.choices = _ChoiceButtons("matter", 2, 1)
        self.error = _error_label("matterError")
        # The search and the list scroll when the on-screen keyboard takes the room below
        # them (it keeps the search field in view); the buttons stay.
        self.form = QWidget()
        self.form.setObjectName("matterForm")
        column = QVBoxLayout(self.form)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        for widget in (self.search_label, self.search_edit, self.list_label, self.choices):
            column.addWidget(widget)
        column.addWidget(self.error)
        column.addStretch(1)
        layout.addWidget(_scroll_area("matterScroll", self.form, _tr("搜索和事项列表")), 1)
        self.next_button = action_button(_tr("下一步"), "kiosk_primary", "matterNext")
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        self.search_edit.textChanged.connect(self.search_changed)
        self.choices.group.buttonClicked.connect(lambda _b: self.error.setVisible(False))
        self.next_button.clicked.connect(self.on_next_clicked)
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_matters(self, matters: Sequence[MatterChoice], searched: str = "") -> None:
        """Show matters as buttons (a chosen one stays chosen when it is still listed)."""
        keep = self.choices.chosen()
        for m in matters:
            self.names[m.code] = m.name
        if searched:
            title = (
                _tr("搜索结果：请点选事项")
                if matters
                else _tr("没有找到相关事项，请换个说法，或选下面的常办事项")
            )
        else:
            title = _tr("常办事项：请点选（没有您的事项，就选最接近的，工作人员来电时再确认）")
        self.list_label.setText(title)
        if not matters and searched:
            return
        self.choices.set_items(
            [
                (
                    m.code,
                    _short(m.name),
                    _tr("{name}，{dept}").format(name=m.name, dept=m.department),
                )
                for m in matters
            ]
        )
        if keep and keep in self.choices.buttons:
            self.choices.buttons[keep].setChecked(True)

    def chosen(self) -> str | None:
        """The chosen matter's code."""
        return self.choices.chosen()

    def chosen_name(self) -> str:
        """The chosen matter's name ('' for none)."""
        code = self.chosen()
        return self.names.get(code, "") if code else ""

    def show_error(self, message: str | None) -> None:
        """A message under the list (hidden for ``None``)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def clear(self) -> None:
        """Forget the search and the choice."""
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.choices.set_items([])
        self.names = {}
        self.list_label.setText(_tr("正在读取常办事项…"))
        self.show_error(None)

    def set_portrait(self, portrait: bool) -> None:
        """One column of matters on a portrait display (long names need the width)."""
        self.choices.set_portrait(portrait)

    def on_next_clicked(self) -> None:
        """下一步 once a matter is chosen."""
        message = self.validator("matter", self.chosen())
        self.show_error(message)
        if message is None:
            self.submitted.emit()


class TimeScreen(QWidget):
    """上门服务: the day (the next working days) and the half-day, then 提交申请.

    Signals:
        submitted(): 提交申请 with a valid choice.
        back_requested(): 返回上一步.
        home_requested(): 返回首页.
    """

    submitted = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityTime")
        self.validator: Validator = _no_check
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 16, 48, 16)
        layout.setSpacing(12)
        layout.addWidget(wrapped_label(_tr("希望哪天上门？"), "kiosk_heading"))
        self.summary_label = wrapped_label("", "kiosk_detail")
        self.summary_label.setObjectName("timeSummary")
        layout.addWidget(self.summary_label)
        layout.addWidget(wrapped_label(_tr("请选择日期"), "kiosk_message"))
        self.days = _ChoiceButtons("day", 3, 2)
        layout.addWidget(self.days)
        layout.addWidget(wrapped_label(_tr("请选择上午或下午"), "kiosk_message"))
        self.halves = _ChoiceButtons("half", 2, 2)
        self.halves.set_items([(k, _tr(t), _tr(t)) for k, t in HALVES])
        layout.addWidget(self.halves)
        self.error = _error_label("timeError")
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.submit_button = action_button(_tr("提交申请"), "kiosk_primary", "submitButton")
        layout.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        for group in (self.days.group, self.halves.group):
            group.buttonClicked.connect(lambda _b: self.on_choice_changed())
        self.submit_button.clicked.connect(self.on_submit_clicked)
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_days(self, days: Sequence[date]) -> None:
        """Offer these days as big buttons (the choice is forgotten)."""
        items = []
        for day in days:
            text = _tr("{m}月{d}日 {weekday}").format(
                m=day.month, d=day.day, weekday=_tr(WEEKDAYS[day.weekday()])
            )
            items.append((day.isoformat(), text, text))
        self.days.set_items(items)
        self.halves.reset()
        self.show_error(None)

    def set_summary(self, text: str) -> None:
        """What the visit is for (the matter chosen)."""
        self.summary_label.setText(text)

    def preferred(self) -> str | None:
        """``"YYYY-MM-DD am|pm"`` once both are chosen, else ``None``."""
        day, half = self.days.chosen(), self.halves.chosen()
        return f"{day} {half}" if day and half else None

    def show_error(self, message: str | None) -> None:
        """A message under the choices (hidden for ``None``)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def set_busy(self, busy: bool) -> None:
        """While the request is on its way the button says so and takes no second tap."""
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText(_tr("正在提交…") if busy else _tr("提交申请"))

    def clear(self) -> None:
        """Forget the choice."""
        self.days.reset()
        self.halves.reset()
        self.show_error(None)
        self.set_busy(False)

    def set_portrait(self, portrait: bool) -> None:
        """Two columns of days on a portrait display."""
        self.days.set_portrait(portrait)

    def on_choice_changed(self) -> None:
        """Check as soon as both are chosen."""
        if self.preferred() is not None:
            self.show_error(self.validator("preferred", self.preferred()))

    def on_submit_clicked(self) -> None:
        """提交申请 once the choice is valid."""
        if self.days.chosen() is None:
            message: str | None = _tr("请选择希望上门的日期。")
        elif self.halves.chosen() is None:
            message = _tr("请选择上午或下午。")
        else:
            message = self.validator("preferred", self.preferred())
        self.show_error(message)
        if message is None:
            self.submitted.emit()
