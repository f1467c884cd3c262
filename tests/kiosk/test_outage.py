"""A lost database (spec §3, §6): a plain out-of-service screen, and recovery by itself."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode

from kiosk.controller import OUT_OF_SERVICE
from kiosk.screens.common import MessageScreen
from kiosk.screens.outage import OutageScreen
from kiosk.window import HOME
from shared.db import create_session_factory
from shared.qt.a11y import check_accessibility
from shared.qt.theme import KIOSK
from shared.services.settings import change_setting
from tests.kiosk.conftest import OFFSCREEN_NOISE, FakeClock, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

GARBAGE = b"this is not a database " * 200
# Wednesday 26 November 2025, 22:30 in the hall: the 24-hour zone is open, the desk is not.
NIGHT = datetime(2025, 11, 26, 14, 30, tzinfo=UTC)
# Hubei's online service hall (湖北政务服务网), as the province publishes it.
ONLINE_HALL = "https://zwfw.hubei.gov.cn/"


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
    # Never connected: the hall's hours are not known, so both kinds of help are offered.
    assert screen.message_label.text() == "本机暂时无法使用。有工作人员在岗时，请到服务台办理。"
    assert screen.detail_label.text().startswith("也可拨打 12345 政务服务便民热线咨询。")
    assert check_accessibility(kiosk.window, KIOSK) == []
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
    # Office hours: the desk helps.
    screen = kiosk.controller.outage
    assert isinstance(screen, OutageScreen)
    assert screen.message_label.text() == "本机暂时无法使用，请到服务台办理。"
    assert not screen.qr.isVisible()

    with qtbot.waitSignal(kiosk.controller.service_changed, timeout=5000) as back:
        os.replace(aside, path)
    assert back.args == [True]
    qtbot.waitUntil(lambda: kiosk.window.current_name == HOME, timeout=2000)
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == "guide"
    factory.kw["bind"].dispose()


def test_at_night_the_outage_offers_the_hotline_and_the_online_hall(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    clock: FakeClock,
    seeded_sqlite_url: str,
    tmp_path: Path,
) -> None:
    """Nobody is at the desk in the 24-hour zone at night: no 请到服务台."""
    path = _db_path(seeded_sqlite_url)
    factory = create_session_factory(seeded_sqlite_url)
    with factory.begin() as session:
        change_setting(session, "online_hall_url", ONLINE_HALL, actor="test")
        change_setting(session, "service_hotline", "0711-12345", actor="test")
    clock.now = NIGHT
    kiosk = make_kiosk(factory)
    assert kiosk.controller.status is not None and not kiosk.controller.status.is_open
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(GARBAGE)
    with qtbot.waitSignal(kiosk.controller.service_changed, timeout=5000):
        os.replace(garbage, path)
        factory.kw["bind"].dispose()
    qtbot.waitUntil(lambda: kiosk.window.current_name == OUT_OF_SERVICE, timeout=2000)
    screen = kiosk.controller.outage
    assert isinstance(screen, OutageScreen)
    shown = screen.message_label.text() + screen.detail_label.text()
    assert "服务台无人值守" in screen.message_label.text() and "请到服务台" not in shown
    assert "拨打 0711-12345 政务服务便民热线" in screen.detail_label.text()
    assert screen.qr.isVisible() and screen.qr_caption.text() == "用手机扫码，到网上办事大厅办理"
    # The code on screen is the hall's online hall, read back by a real decoder.
    image = tmp_path / "qr.png"
    assert screen.qr.grab().save(str(image))
    assert [s.data.decode() for s in decode(Image.open(image))] == [ONLINE_HALL]
    assert check_accessibility(kiosk.window, KIOSK) == []
    factory.kw["bind"].dispose()
