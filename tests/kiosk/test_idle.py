"""Idle return (spec §3, §10): a visible, cancellable countdown before going home."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.window import HOME
from shared.qt.a11y import check_accessibility
from shared.qt.theme import KIOSK
from tests.kiosk.conftest import OFFSCREEN_NOISE, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _open_ticket_screen(qtbot: QtBot, kiosk: Kiosk) -> None:
    qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == "ticket"


def test_idle_warns_with_countdown_then_returns_home(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _open_ticket_screen(qtbot, kiosk)
    banner = kiosk.window.idle_banner
    ticks: list[int] = []
    kiosk.controller.idle.countdown_ticked.connect(ticks.append)
    with qtbot.waitSignal(kiosk.controller.idle.warning_started, timeout=2000):
        pass
    assert banner.isVisible()
    assert banner.label.text() == "即将返回首页… 3"
    assert check_accessibility(kiosk.window, KIOSK) == []
    with qtbot.waitSignal(kiosk.controller.idle.timed_out, timeout=2000):
        pass
    assert ticks == [2, 1]
    assert kiosk.window.current_name == HOME
    assert not banner.isVisible()


def test_elder_mode_resets_when_idle_returns_home(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    qtbot.mouseClick(kiosk.controller.home.elder_switch, Qt.MouseButton.LeftButton)
    assert kiosk.controller.elder
    _open_ticket_screen(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.controller.idle.timed_out, timeout=3000):
        pass
    assert kiosk.window.current_name == HOME
    assert not kiosk.controller.elder
    assert not kiosk.controller.home.elder_switch.isChecked()


def test_any_touch_cancels_the_countdown(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _open_ticket_screen(qtbot, kiosk)
    idle = kiosk.controller.idle
    with qtbot.waitSignal(idle.warning_started, timeout=2000):
        pass
    with qtbot.waitSignal(idle.warning_cancelled, timeout=1000):
        qtbot.mouseClick(kiosk.window.idle_banner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not kiosk.window.idle_banner.isVisible()
    assert kiosk.window.current_name == "ticket"
    # The quiet spell starts again: a new warning, not an immediate return.
    with qtbot.waitSignal(idle.warning_started, timeout=2000):
        pass
    assert kiosk.window.current_name == "ticket"


def test_continue_button_keeps_the_visitor_here(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    _open_ticket_screen(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.controller.idle.warning_started, timeout=2000):
        pass
    button = kiosk.window.idle_banner.button
    assert button.text() == "继续使用"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not kiosk.window.idle_banner.isVisible()
    assert kiosk.window.current_name == "ticket"


def test_home_screen_is_never_interrupted(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    with qtbot.assertNotEmitted(kiosk.controller.idle.warning_started, wait=800):
        pass
    assert kiosk.window.current_name == HOME
