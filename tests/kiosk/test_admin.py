"""The hidden admin exit: a long press in the corner, then the kiosk PIN (issue #9 item 4).

The PIN is checked by ``shared.services.kiosk_pin`` on the kiosk's worker; there is no default
PIN, five wrong ones lock the pad for five minutes, and the window cannot be closed (close
button, Alt+F4, Ctrl+Q) until the PIN was accepted.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.screens.admin import NAME as PIN_SCREEN
from kiosk.window import HOME
from shared.services.kiosk_pin import set_pin
from tests.kiosk.conftest import OFFSCREEN_NOISE, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

PIN = "246813"
WRONG = "密码不正确，请重新输入（还可以再试 {n} 次）"
NOT_SET = (
    "本机尚未设置管理密码。\n请信息技术人员在管理台“管理 → 自助机密码”中设置，"
    "或运行 hall kiosk set-pin。"
)


def _long_press_corner(qtbot: QtBot, kiosk: Kiosk, hold_ms: int) -> None:
    corner = kiosk.window.admin_corner
    QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.wait(hold_ms)
    QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def _open_pad(qtbot: QtBot, kiosk: Kiosk) -> None:
    _long_press_corner(qtbot, kiosk, 400)
    assert kiosk.window.current_name == PIN_SCREEN


def _enter(qtbot: QtBot, kiosk: Kiosk, pin: str, expect: str) -> None:
    """Type ``pin``, press 确定 and wait until the pad says ``expect`` (the check finished)."""
    pad = kiosk.controller.pin
    for digit in pin:
        qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pad.error_label.text() == expect, timeout=5000)
    assert pad.display.text() == ""


def _set_site_pin(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        set_pin(session, site="huarong", pin=PIN, actor="test")


def test_short_press_does_nothing(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _long_press_corner(qtbot, kiosk, 50)
    qtbot.wait(300)
    assert kiosk.window.current_name == HOME


def test_wrong_pin_is_refused_and_right_pin_exits(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    _set_site_pin(sqlite_factory)
    kiosk = make_kiosk(sqlite_factory)
    exits: list[bool] = []
    kiosk.controller.exit_requested.connect(lambda: exits.append(True))
    _open_pad(qtbot, kiosk)
    _enter(qtbot, kiosk, "000000", WRONG.format(n=4))
    _enter(qtbot, kiosk, "135790", WRONG.format(n=3))
    assert exits == [] and not kiosk.window.exit_allowed
    pad = kiosk.controller.pin
    for digit in PIN:
        qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.controller.exit_requested, timeout=5000):
        qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)
    assert kiosk.window.exit_allowed


def test_five_wrong_pins_lock_the_pad_for_five_minutes(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    _set_site_pin(sqlite_factory)
    kiosk = make_kiosk(sqlite_factory)
    exits: list[bool] = []
    kiosk.controller.exit_requested.connect(lambda: exits.append(True))
    _open_pad(qtbot, kiosk)
    for left in (4, 3, 2, 1):
        _enter(qtbot, kiosk, "111222", WRONG.format(n=left))
    # The kiosk's clock says 10:05 in the hall: locked until 10:10.
    locked = "密码错误次数过多，已锁定。请于 10:10 后再试。"
    _enter(qtbot, kiosk, "111222", locked)
    kiosk.controller.pin.error_label.clear()
    _enter(qtbot, kiosk, PIN, locked)  # even the right PIN, while locked
    assert exits == [] and not kiosk.window.exit_allowed
    kiosk.clock.advance(minutes=5)
    pad = kiosk.controller.pin
    for digit in PIN:
        qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.controller.exit_requested, timeout=5000):
        qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)


def test_without_a_pin_nothing_opens_and_the_pad_says_how_to_set_one(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    exits: list[bool] = []
    kiosk.controller.exit_requested.connect(lambda: exits.append(True))
    _open_pad(qtbot, kiosk)
    pad = kiosk.controller.pin
    qtbot.waitUntil(lambda: pad.error_label.text() == NOT_SET, timeout=5000)  # on opening
    pad.error_label.clear()
    _enter(qtbot, kiosk, "000000", NOT_SET)  # the old default opens nothing
    assert exits == [] and not kiosk.window.exit_allowed


def test_close_and_exit_keys_do_nothing_without_the_pin(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    _set_site_pin(sqlite_factory)
    kiosk = make_kiosk(sqlite_factory)
    window = kiosk.window
    fired: list[str] = []
    # Stand-ins for whatever would act on these chords (a platform or a stray action).
    for chord in ("Alt+F4", "Ctrl+Q"):
        shortcut = QShortcut(QKeySequence(chord), window)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(lambda c=chord: fired.append(c))
    assert window.close() is False and window.isVisible()
    target = kiosk.controller.home
    QTest.keyClick(target, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert fired == [] and window.isVisible()
    _open_pad(qtbot, kiosk)
    pad = kiosk.controller.pin
    for digit in PIN:
        qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.controller.exit_requested, timeout=5000):
        qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)
    assert window.close() is True and not window.isVisible()


def test_pin_screen_has_a_way_home(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _long_press_corner(qtbot, kiosk, 400)
    for digit in "12":
        qtbot.mouseClick(kiosk.controller.pin.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.controller.pin.home_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == HOME
    _long_press_corner(qtbot, kiosk, 400)
    assert kiosk.controller.pin.display.text() == ""
