"""The on-screen keyboard (issue #12, item 1): a visitor types with Qt's virtual keyboard.

Real kiosk, real seeded SQLite file, Qt's real keyboard and Pinyin engine: every letter and
candidate is a mouse click on the keyboard's own QML items, at their place in the window, and
what reaches the form is read back from its fields and from the stored request.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtQuick import QQuickItem
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.keyboard import DIGITS, OnScreenKeyboard, keyboard_scale, use_keyboard
from kiosk.screens.priority import MATTER, TIME, WHAT
from kiosk.window import HOME, KioskWindow
from shared.models import PriorityRequest
from shared.qt.a11y import check_accessibility, contrast_ratio
from shared.qt.theme import ELDER, KIOSK, Tokens
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, Kiosk, KioskMaker
from tests.kiosk.test_priority_flow import OPTIONS, Visitor

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
PHONE = "13912345678"


def _items(item: QQuickItem) -> Iterator[QQuickItem]:
    for child in item.childItems():
        yield child
        yield from _items(child)


def _shown(item: QQuickItem) -> bool:
    return item.isVisible() and item.width() > 0 and item.height() > 0


def _class(item: QQuickItem) -> str:
    return item.metaObject().className()


def _enabled(item: QQuickItem) -> bool:
    node: QQuickItem | None = item
    while node is not None:
        if not node.isEnabled():
            return False
        node = node.parentItem()
    return True


class Typist:
    """Touches Qt's keyboard as a visitor would: keys and candidates, by their place."""

    def __init__(self, qtbot: QtBot, keyboard: OnScreenKeyboard) -> None:
        self.qtbot = qtbot
        self.keyboard = keyboard

    @property
    def root(self) -> QQuickItem:
        root = self.keyboard.root
        assert root is not None, "the keyboard was never loaded"
        return root

    def keys_on_show(self) -> list[QQuickItem]:
        """Every key on show (a key has Qt's ``key`` and ``displayText`` properties; a filler,
        the half-key gap beside 「a」 and 「l」, is no key)."""
        panel = self.keyboard.panel
        assert panel is not None
        return [
            item
            for item in _items(panel)
            if item.metaObject().indexOfProperty("key") >= 0
            and item.metaObject().indexOfProperty("displayText") >= 0
            and not _class(item).startswith("FillerKey")
            and _shown(item)
        ]

    def key(self, text: str) -> QQuickItem:
        """The key showing ``text`` (``"&123"``, ``"z"``, ``"8"``) or of a kind (``"EnterKey"``)."""
        for item in self.keys_on_show():
            if item.property("displayText") == text or _class(item).startswith(text):
                return item
        shown = sorted(str(item.property("displayText")) for item in self.keys_on_show())
        raise AssertionError(f"no key {text!r} on show: {shown}")

    def touch(self, item: QQuickItem) -> None:
        view = self.keyboard.view
        assert view is not None and view.isVisible()
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
        self.qtbot.mouseClick(
            view, Qt.MouseButton.LeftButton, pos=QPoint(round(centre.x()), round(centre.y()))
        )

    def type(self, letters: str) -> None:
        for letter in letters:
            self.touch(self.key(letter))

    def candidate_items(self) -> list[tuple[str, QQuickItem]]:
        bar = self.root.property("candidateBar")
        assert isinstance(bar, QQuickItem)
        found = []
        for item in _items(bar):
            if not _class(item).startswith("QQuickText") or not _shown(item):
                continue
            delegate = item.parentItem()
            corner = delegate.mapToItem(bar, QPointF(0, 0))
            # In the bar's visible part, and in place (not sliding in or out).
            if 0 <= corner.x() < bar.width() and corner.y() == 0 and delegate.opacity() == 1:
                found.append((str(item.property("text")), delegate))
        return found

    def candidates(self) -> list[str]:
        """The candidates on show, left to right."""
        return [text for text, _item in self.candidate_items()]

    def composing(self) -> str:
        """The pinyin being typed, not yet in the field."""
        return str(self.root.property("composing"))

    def choose(self, word: str) -> None:
        """Touch the candidate ``word`` (waiting for it to come up, then to be taken)."""

        try:
            self.qtbot.waitUntil(lambda: word in self.candidates(), timeout=5000)
        except TimeoutError as exc:
            raise AssertionError(f"{word!r} not offered for {self.composing()!r}") from exc
        before = self.composing()
        self.touch(dict(self.candidate_items())[word])
        self.qtbot.waitUntil(lambda: self.composing() != before)

    def write(self, *steps: tuple[str, str]) -> None:
        """Pinyin then the candidate to pick, step by step: ``("zhang", "张")``."""
        for letters, word in steps:
            self.type(letters)
            self.choose(word)
        assert self.composing() == ""


def open_contact(qtbot: QtBot, kiosk: Kiosk) -> Visitor:
    # The kiosk is the active window, as on the hall's screen (fields take the focus).
    kiosk.window.activateWindow()
    qtbot.waitActive(kiosk.window)
    visitor = Visitor(qtbot, kiosk)
    visitor.open()
    visitor.choose("elderly", "home_visit")
    visitor.accept_notice()
    return visitor


def keyboard_up(qtbot: QtBot, kiosk: Kiosk) -> OnScreenKeyboard:
    """Wait for the keyboard, and for the screen above to make room (the focused field is
    then in view above it)."""
    keyboard = kiosk.window.keyboard
    qtbot.waitUntil(lambda: keyboard.shown and keyboard.isVisible())
    field = QApplication.focusWidget()
    assert field is not None

    def settled() -> None:
        window = kiosk.window
        docked = _rect_in_window(keyboard)
        assert docked.bottom() == window.height() - 1 and docked.width() == window.width()
        assert keyboard.view is not None and docked.height() == keyboard.view.height() > 0
        assert _rect_in_window(window.stack).bottom() < docked.top()
        assert_in_view_above(keyboard, field)

    qtbot.waitUntil(settled)
    return keyboard


def keyboard_gone(qtbot: QtBot, kiosk: Kiosk) -> None:
    keyboard = kiosk.window.keyboard
    qtbot.waitUntil(lambda: not keyboard.shown and keyboard.isHidden())


def _requests(factory: sessionmaker[Session]) -> list[PriorityRequest]:
    with factory() as session:
        return list(session.scalars(select(PriorityRequest)))


def _rect_in_window(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def assert_in_view_above(keyboard: OnScreenKeyboard, *widgets: QWidget) -> None:
    """Each widget is on show, whole, above the keyboard (nothing of it under the keyboard
    or scrolled out of its screen), and its screen is not squeezed below what it needs."""
    top = _rect_in_window(keyboard).top()
    for widget in widgets:
        assert widget.isVisible(), widget.objectName()
        rect = _rect_in_window(widget)
        assert rect.bottom() < top, (widget.objectName(), rect, top)
        shown = widget.visibleRegion().boundingRect()
        assert shown.size() == widget.size(), (widget.objectName(), shown, widget.size())
    window = keyboard.window()
    assert isinstance(window, KioskWindow)
    assert_not_squeezed(window.stack.currentWidget())


def assert_not_squeezed(screen: QWidget) -> None:
    """Every part of a screen's layout got at least the height it needs at its width."""
    layout = screen.layout()
    assert layout is not None
    for index in range(layout.count()):
        item = layout.itemAt(index)
        got = item.geometry()
        if item.isEmpty():
            continue
        need = (
            item.heightForWidth(got.width())
            if item.hasHeightForWidth()
            else item.minimumSize().height()
        )
        assert got.height() >= need, (screen.objectName(), index, got, need)


def test_a_home_visit_typed_on_the_screen_keyboard(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=PORTRAIT)
    visitor = open_contact(qtbot, kiosk)
    contact = visitor.flow.contact
    keyboard = kiosk.window.keyboard
    assert keyboard.isHidden()

    # 姓名: the keyboard comes up inside the kiosk window, under the form; pinyin, candidates.
    visitor.touch(contact.name.edit)
    keyboard_up(qtbot, kiosk)
    assert keyboard.window() is kiosk.window and keyboard.parentWidget() is kiosk.window
    assert _rect_in_window(keyboard).bottom() == kiosk.window.height() - 1
    assert contact.keypad.isHidden()  # one pad at a time
    typist = Typist(qtbot, keyboard)
    typist.type("zhang")
    assert typist.composing() == "zhang"
    assert typist.candidates()[0] == "张"
    typist.choose("张")
    typist.write(("san", "三"))
    assert contact.name.edit.text() == "张三"
    assert_in_view_above(keyboard, contact.name.edit, contact.next_button, contact.nav.back_button)

    # 上门地址: words, then digits from the symbol keys, then back to pinyin.
    visitor.touch(contact.address.edit)
    assert keyboard.shown
    typist.write(("jianshelu", "建设路"))
    typist.touch(typist.key("&123"))
    typist.type("12")
    typist.touch(typist.key("SymbolModeKey"))  # back to the letters
    typist.write(("hao", "号"))
    assert contact.address.edit.text() == "建设路12号"
    assert_in_view_above(keyboard, contact.address.edit, contact.next_button)

    # 手机号码: its own big keypad, and the keyboard makes way for it.
    visitor.touch(contact.phone.edit)
    keyboard_gone(qtbot, kiosk)
    assert contact.keypad.isVisible()
    visitor.dial(PHONE)
    assert contact.phone.edit.text() == PHONE

    visitor.touch(contact.next_button)
    assert visitor.screen == MATTER
    keyboard_gone(qtbot, kiosk)

    # The matter search types pinyin too.
    matter = visitor.flow.matter
    visitor.touch(matter.search_edit)
    keyboard_up(qtbot, kiosk)
    with qtbot.waitSignal(visitor.flow.matters_loaded, timeout=10_000):
        typist.write(("canji", "残疾"))
    assert matter.search_edit.text() == "残疾"
    first = next(iter(matter.choices.buttons.values()))
    assert first.text() == "残疾人证办理"
    visitor.touch(first)  # the focus leaves the search: the keyboard goes
    keyboard_gone(qtbot, kiosk)
    visitor.touch(matter.next_button)
    assert visitor.screen == TIME

    time = visitor.flow.time
    visitor.touch(time.days.buttons["2025-11-28"])
    visitor.touch(time.halves.buttons["am"])
    with qtbot.waitSignal(visitor.flow.print_finished, timeout=10_000):
        visitor.touch(time.submit_button)
    (request,) = _requests(sqlite_factory)
    assert (request.kind, request.name, request.phone) == ("home_visit", "张三", PHONE)
    assert request.address == "建设路12号"


def test_the_search_takes_pinyin_initials_with_the_enter_key(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=PORTRAIT)
    visitor = open_contact(qtbot, kiosk)
    visitor.flow.contact.name.edit.setText("张三")
    visitor.flow.contact.address.edit.setText("建设路12号")
    visitor.dial(PHONE)
    visitor.touch(visitor.flow.contact.next_button)
    matter = visitor.flow.matter
    visitor.touch(matter.search_edit)
    typist = Typist(qtbot, keyboard_up(qtbot, kiosk))
    typist.type("cjrz")
    assert matter.search_edit.text() == ""  # still pinyin being typed
    with qtbot.waitSignal(visitor.flow.matters_loaded, timeout=10_000):
        typist.touch(typist.key("EnterKey"))
    assert matter.search_edit.text() == "cjrz"
    assert next(iter(matter.choices.buttons.values())).text() == "残疾人证办理"


def test_the_keyboard_goes_when_the_visitor_leaves_the_form(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=PORTRAIT)
    visitor = open_contact(qtbot, kiosk)
    contact = visitor.flow.contact
    visitor.touch(contact.name.edit)
    typist = Typist(qtbot, keyboard_up(qtbot, kiosk))
    typist.write(("li", "李"))
    visitor.touch(contact.nav.back_button)  # 返回上一步
    assert visitor.screen == WHAT
    keyboard_gone(qtbot, kiosk)
    assert contact.keypad.isVisibleTo(contact)

    visitor.touch(visitor.flow.what.tiles["home_visit"])
    visitor.accept_notice()
    visitor.touch(contact.address.edit)
    keyboard_up(qtbot, kiosk)
    typist.touch(typist.key("HideKeyboardKey"))  # the keyboard's own 收起 key
    keyboard_gone(qtbot, kiosk)
    visitor.touch(contact.address.edit)  # and a touch brings it back
    keyboard_up(qtbot, kiosk)
    visitor.touch(contact.nav.home_button)  # 返回首页
    assert visitor.screen == HOME
    keyboard_gone(qtbot, kiosk)


def test_the_keyboard_goes_when_the_kiosk_returns_home_by_itself(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    # 2 s of quiet, then a 3-tick countdown, then home.
    kiosk = make_kiosk(
        sqlite_factory, KioskOptions(**{**FAST.__dict__, "idle_ms": 2000}), size=PORTRAIT
    )
    visitor = open_contact(qtbot, kiosk)
    visitor.touch(visitor.flow.contact.name.edit)
    keyboard_up(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.controller.idle.timed_out, timeout=10_000):
        pass
    assert visitor.screen == HOME
    keyboard_gone(qtbot, kiosk)
    assert visitor.flow.contact.name.edit.text() == ""


def _text_problems(typist: Typist, tokens: Tokens) -> list[str]:
    """Keys and candidates against the mode: size, text size, contrast."""
    problems = []
    for key in typist.keys_on_show():
        if key.width() < tokens.min_target or key.height() < tokens.min_target:
            problems.append(f"key {key.property('displayText')!r} {key.width()}×{key.height()}")
    bar = typist.root.property("candidateBar")
    if bar.height() < tokens.min_target:
        problems.append(f"candidate bar {bar.height()} high")
    panel = typist.keyboard.panel
    assert panel is not None
    for item in _items(panel):
        if not _class(item).startswith("QQuickText") or not item.property("text"):
            continue
        if not _shown(item) or not _enabled(item):
            continue  # a disabled key (') is exempt, as in WCAG 1.4.3
        text = str(item.property("text"))
        font = item.property("font")
        assert isinstance(font, QFont)
        if font.pixelSize() < tokens.min_text_px:
            problems.append(f"text {text!r} at {font.pixelSize()} px")
        ratio = contrast_ratio(*_colours(item, typist.root))
        if ratio < tokens.min_contrast:
            problems.append(f"text {text!r} contrast {ratio:.2f}:1")
    return problems


def _colours(text: QQuickItem, root: QQuickItem) -> tuple[QColor, QColor]:
    """A text's colour as painted (its opacity and its parents' over what is behind it) and
    the opaque colour behind it (the nearest rectangle, else the keyboard's background)."""
    opacity = 1.0
    node: QQuickItem | None = text
    behind = QColor(root.property("color"))
    while node is not None:
        opacity *= node.opacity()
        node = node.parentItem()
        if node is not None and _class(node).startswith("QQuickRectangle"):
            colour = QColor(node.property("color"))
            if colour.alpha() == 255:
                behind = colour
                break
    fore = QColor(text.property("color"))
    alpha = fore.alphaF() * opacity
    painted = QColor(
        round(fore.red() * alpha + behind.red() * (1 - alpha)),
        round(fore.green() * alpha + behind.green() * (1 - alpha)),
        round(fore.blue() * alpha + behind.blue() * (1 - alpha)),
    )
    return painted, behind


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_keys_and_candidates_fit_the_mode_and_pass_accessibility(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    size: tuple[int, int],
    elder: bool,
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=size)
    if elder:
        qtbot.mouseClick(kiosk.controller.home.elder_switch, Qt.MouseButton.LeftButton)
    tokens = kiosk.controller.tokens
    assert tokens is (ELDER if elder else KIOSK)
    visitor = open_contact(qtbot, kiosk)
    contact = visitor.flow.contact
    visitor.touch(contact.address.edit)
    keyboard = keyboard_up(qtbot, kiosk)
    typist = Typist(qtbot, keyboard)
    typist.type("huarong")  # candidates on show
    qtbot.waitUntil(lambda: len(typist.candidates()) > 3)
    # The style fades the space bar's language name a second after a locale change: measure
    # after its timer has fired, not before.
    qtbot.waitUntil(lambda: not typist.root.property("localeIndicatorPending"), timeout=5000)

    assert _text_problems(typist, tokens) == []
    assert_in_view_above(
        keyboard, contact.address.edit, contact.next_button, contact.nav.back_button
    )
    assert kiosk.window.width() <= size[0] and kiosk.window.height() <= size[1]
    problems = check_accessibility(kiosk.window, tokens)
    assert problems == [], "\n".join(map(str, problems))

    # The digits of the symbol keys are as big. (The check above moved the focus through the
    # buttons, which put the keyboard away: a touch brings it back.)
    visitor.touch(contact.address.edit)
    keyboard_up(qtbot, kiosk)
    typist.touch(typist.key("&123"))
    assert _text_problems(typist, tokens) == []

    # The matter search, with its list, fits above the keyboard too.
    contact.name.edit.setText("张三")
    contact.address.edit.setText("建设路12号")
    visitor.touch(contact.phone.edit)
    keyboard_gone(qtbot, kiosk)
    visitor.dial(PHONE)
    visitor.touch(contact.next_button)
    assert visitor.screen == MATTER
    visitor.touch(visitor.flow.matter.search_edit)
    keyboard_up(qtbot, kiosk)
    assert_in_view_above(
        keyboard,
        visitor.flow.matter.search_edit,
        visitor.flow.matter.next_button,
        visitor.flow.matter.nav.back_button,
    )
    assert kiosk.window.width() <= size[0] and kiosk.window.height() <= size[1]
    problems = check_accessibility(kiosk.window, tokens)
    assert problems == [], "\n".join(map(str, problems))


def test_the_scale_meets_each_mode() -> None:
    for tokens in (KIOSK, ELDER):
        scale = keyboard_scale(tokens)
        assert int(44 * scale) >= tokens.min_text_px  # the style's smallest text
        assert 85 * scale >= tokens.min_target  # its candidate bar


def test_a_digits_field_gets_the_digit_pad(qtbot: QtBot) -> None:
    window = KioskWindow()
    qtbot.addWidget(window)
    field = QLineEdit()
    field.setObjectName("digitsField")
    field.setAccessibleName("数字")
    screen = QWidget()
    QVBoxLayout(screen).addWidget(field)
    window.register_screen("digits", lambda: screen)
    window.keyboard.set_tokens(ELDER)
    use_keyboard(field, DIGITS)
    window.resize(*PORTRAIT)
    window.show()
    window.show_screen("digits")
    window.activateWindow()
    qtbot.waitActive(window)
    assert window.keyboard.loaded
    # The active window's first field has the focus (focus events may trail the activation).
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.keyboard.shown)
    typist = Typist(qtbot, window.keyboard)
    labels = {str(key.property("displayText")) for key in typist.keys_on_show()}
    assert set("0123456789") <= labels and not {"a", "z"} & labels
    typist.type("139")
    assert field.text() == "139"
