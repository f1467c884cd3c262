"""The kiosk's command line and the window it builds for ``--selftest``."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.__main__ import build_window, parse_args
from kiosk.controller import KioskController
from kiosk.window import KioskWindow
from tests.kiosk.conftest import OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_defaults() -> None:
    args = parse_args([])
    assert (args.db, args.site, args.terminal) == (None, None, "kiosk-01")
    assert not (args.windowed or args.elder or args.selftest)


def test_options() -> None:
    args = parse_args(
        [
            *("--db", "sqlite:///x.db", "--site", "town-putuan", "--terminal", "kiosk-02"),
            *("--windowed", "--elder"),
        ]
    )
    assert (args.db, args.site, args.terminal) == ("sqlite:///x.db", "town-putuan", "kiosk-02")
    assert args.windowed and args.elder


def test_build_window_for_selftest(qtbot: QtBot, sqlite_factory: sessionmaker[Session]) -> None:
    window = build_window(sqlite_factory)
    qtbot.addWidget(window)
    assert isinstance(window, KioskWindow)
    for name in ("home", "starting", "out_of_service", "ticket", "guide", "priority", "rating"):
        assert window.has_screen(name), name
    window.resize(1080, 1920)
    window.show()
    qtbot.waitExposed(window)
    # Built and shown offscreen; nothing started, so no screen is current yet.
    assert window.current_name == ""
    controller = window.findChild(KioskController)
    assert controller is not None
    controller.shutdown()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet("")
