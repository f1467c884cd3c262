"""A lost database (spec §3, §6): a plain out-of-service screen, and recovery by itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.controller import OUT_OF_SERVICE
from kiosk.screens.common import MessageScreen
from kiosk.window import HOME
from shared.db import create_session_factory
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from tests.kiosk.conftest import OFFSCREEN_NOISE, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

GARBAGE = b"this is not a database " * 200


def _db_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_unreachable_at_start_then_recovers(
    qtbot: QtBot, make_kiosk: KioskMaker, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    good = _db_path(seeded_sqlite_url)
    target = tmp_path / "kiosk.db"
    target.write_bytes(GARBAGE)
    factory = create_session_factory(f"sqlite:///{target}")
    kiosk = make_kiosk(factory, wait_ready=False)
    # The home screen comes first (spec §12), then the outage once the database fails.
    assert kiosk.window.current_name in {HOME, OUT_OF_SERVICE}
    with qtbot.waitSignal(kiosk.controller.service_changed, timeout=5000) as lost:
        pass
    assert lost.args == [False]
    assert kiosk.window.current_name == OUT_OF_SERVICE
    screen = kiosk.window.stack.currentWidget()
    assert isinstance(screen, MessageScreen)
    assert screen.message_label.text() == "本机暂时无法使用，请到服务台办理。"
    assert check_accessibility(kiosk.window, NORMAL) == []
    # Retries go on by themselves and change nothing while the database stays away.
    qtbot.wait(300)
    assert kiosk.window.current_name == OUT_OF_SERVICE

    shutil.copyfile(good, target)
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=5000):
        pass
    assert kiosk.window.current_name == HOME
    assert kiosk.controller.home.site_label.text() == "华容区政务服务中心"
    factory.kw["bind"].dispose()


def test_lost_while_running_then_recovers(
    qtbot: QtBot, make_kiosk: KioskMaker, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    path = _db_path(seeded_sqlite_url)
    factory = create_session_factory(seeded_sqlite_url)
    kiosk = make_kiosk(factory)
    assert kiosk.window.current_name == HOME

    engine = factory.kw["bind"]
    aside = tmp_path / "aside.db"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(GARBAGE)
    with qtbot.waitSignal(kiosk.controller.service_changed, timeout=5000) as lost:
        # The server goes away: new connections find no database, open ones drop. The swap
        # is atomic, so no connection ever sees a missing file (SQLite would create one),
        # and the pool is emptied after it, so no connection to the old file survives.
        shutil.copyfile(path, aside)
        os.replace(garbage, path)
        engine.dispose()
    assert lost.args == [False]
    qtbot.waitUntil(lambda: kiosk.window.current_name == OUT_OF_SERVICE, timeout=2000)
    # The visitor cannot get around it.
    assert not kiosk.controller.home.isVisible()

    with qtbot.waitSignal(kiosk.controller.service_changed, timeout=5000) as back:
        os.replace(aside, path)
    assert back.args == [True]
    qtbot.waitUntil(lambda: kiosk.window.current_name == HOME, timeout=2000)
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == "guide"
    factory.kw["bind"].dispose()
