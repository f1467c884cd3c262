"""The hidden admin exit: a long press in the corner, then the PIN from settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.screens.admin import NAME as PIN_SCREEN
from kiosk.window import HOME
from shared.services.settings import set_setting
from tests.kiosk.conftest import OFFSCREEN_NOISE, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _long_press_corner(qtbot: QtBot, kiosk: Kiosk, hold_ms: int) -> None:
    corner = kiosk.window.admin_corner
    QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.wait(hold_ms)
    QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def _type_pin(qtbot: QtBot, kiosk: Kiosk, pin: str) -> None:
    keys = kiosk.controller.pin.keys
    for digit in pin:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)


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
    with sqlite_factory.begin() as session:
        set_setting(session, "kiosk_admin_pin", "246810")
    kiosk = make_kiosk(sqlite_factory)
    _long_press_corner(qtbot, kiosk, 400)
    assert kiosk.window.current_name == PIN_SCREEN
    pin = kiosk.controller.pin
    _type_pin(qtbot, kiosk, "000000")
    with qtbot.assertNotEmitted(kiosk.controller.exit_requested, wait=300):
        qtbot.mouseClick(pin.keys["ok"], Qt.MouseButton.LeftButton)
    assert pin.error_label.text() == "密码不正确，请重新输入"
    assert pin.display.text() == ""
    _type_pin(qtbot, kiosk, "246810")
    with qtbot.waitSignal(kiosk.controller.exit_requested, timeout=2000):
        qtbot.mouseClick(pin.keys["ok"], Qt.MouseButton.LeftButton)


def test_pin_screen_has_a_way_home(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _long_press_corner(qtbot, kiosk, 400)
    _type_pin(qtbot, kiosk, "12")
    qtbot.mouseClick(kiosk.controller.pin.home_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == HOME
    _long_press_corner(qtbot, kiosk, 400)
    assert kiosk.controller.pin.display.text() == ""
