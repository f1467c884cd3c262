"""Start-up (spec §12): the home screen is usable before the data layer is imported.

Importing SQLAlchemy's ORM, Alembic and the services takes ~0.7 s, four times a bare Qt
window's whole start. The kiosk's start-up path must import none of it; the worker thread
does, once the home screen has been painted. The imports are checked in fresh interpreters,
since this test session has long since imported everything. A tile touched before the
database is ready leads to 正在准备… and on to the choice once it is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import STARTING
from kiosk.database import OpenDatabase
from kiosk.screens.common import MessageScreen
from kiosk.screens.ticket import NAME as TICKET
from kiosk.window import HOME
from tests.kiosk.conftest import OFFSCREEN_NOISE, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

HEAVY = ["sqlalchemy", "alembic", "reportlab", "escpos", "shared.db", "shared.services"]

START_UP_MODULES = [
    "kiosk.window",
    "kiosk.screens.home",
    "kiosk.screens.ticket",
    "kiosk.controller",
    "kiosk.__main__",
    "shared.qt.tasks",
]


def _run(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_start_up_modules_import_no_data_layer() -> None:
    code = f"""
        import importlib, json, sys
        heavy = {HEAVY!r}
        found = {{}}
        for name in {START_UP_MODULES!r}:
            importlib.import_module(name)
            found[name] = sorted(
                m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy)
            )
        print(json.dumps(found))
    """
    found = _run(code)
    assert found == {name: [] for name in START_UP_MODULES}


def test_home_is_shown_before_the_data_layer_loads(seeded_sqlite_url: str) -> None:
    code = f"""
        import json, sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from kiosk.__main__ import build_controller
        from kiosk.database import OpenDatabase

        def heavy():
            return sorted(m for m in ("sqlalchemy", "alembic") if m in sys.modules)

        app = QApplication([])
        controller = build_controller(OpenDatabase({seeded_sqlite_url!r}))
        seen = {{}}

        def on_home_shown():
            home = controller.home
            seen["home"] = {{
                "current": controller.window.current_name,
                "tiles": all(t.isVisible() and t.isEnabled() for t in home.tiles.values()),
                "state": home.state_label.text(),
                "loaded": heavy(),
            }}

        def on_status_refreshed(status):
            seen["status"] = {{"site": controller.home.site_label.text(), "loaded": heavy()}}
            # exit(), not quit(): the kiosk window refuses to close without the PIN (issue #9),
            # and Qt's quit() is ignored while a window refuses.
            app.exit(0)

        controller.home_shown.connect(on_home_shown)
        controller.status_refreshed.connect(on_status_refreshed)
        controller.window.resize(1280, 900)
        controller.window.show()
        controller.start()
        QTimer.singleShot(30_000, lambda: app.exit(0))
        app.exec()
        controller.shutdown()
        print(json.dumps(seen))
    """
    seen = _run(code)
    assert seen["home"] == {
        "current": "home",
        "tiles": True,
        "state": "正在读取…",
        "loaded": [],
    }
    # Then the worker opened the database and the status arrived by signal.
    # The schema is current, so Alembic is not even imported (issue #10, item 5).
    assert seen["status"] == {"site": "华容区政务服务中心", "loaded": ["sqlalchemy"]}


class GatedDatabase(OpenDatabase):
    """A database that opens (on the worker thread) only when the test lets it."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        super().__init__("sqlite://")
        self.factory = factory
        self.gate = threading.Event()

    def __call__(self) -> sessionmaker[Session]:
        assert self.gate.wait(10)
        return self.factory


@pytest.fixture
def gated(sqlite_factory: sessionmaker[Session]) -> Iterator[GatedDatabase]:
    database = GatedDatabase(sqlite_factory)
    yield database
    database.gate.set()  # never leave the worker waiting


@pytest.mark.parametrize(("name", "title"), [("guide", "办事指南"), ("priority", "优先服务")])
def test_tile_before_the_database_is_ready_waits_then_opens(
    qtbot: QtBot, make_kiosk: KioskMaker, gated: GatedDatabase, name: str, title: str
) -> None:
    kiosk = make_kiosk(gated, wait_ready=False)
    controller = kiosk.controller
    assert kiosk.window.current_name == HOME
    assert not controller.ready
    assert controller.home.state_label.text() == "正在读取…"
    qtbot.mouseClick(controller.home.tiles[name], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == STARTING
    screen = kiosk.window.stack.currentWidget()
    assert isinstance(screen, MessageScreen)
    assert (screen.title_label.text(), screen.message_label.text()) == (title, "正在准备…")
    assert screen.home_button is not None and screen.home_button.isVisible()
    with qtbot.waitSignal(controller.status_refreshed, timeout=10_000):
        gated.gate.set()
    assert controller.ready
    assert kiosk.window.current_name == name


def test_ticket_tile_before_the_database_is_ready_starts_the_flow(
    qtbot: QtBot, make_kiosk: KioskMaker, gated: GatedDatabase
) -> None:
    kiosk = make_kiosk(gated, wait_ready=False)
    flow = kiosk.controller.ticket_flow
    qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == STARTING
    assert not flow.ready
    with qtbot.waitSignal(flow.menu_loaded, timeout=10_000):
        gated.gate.set()
    assert kiosk.window.current_name == TICKET
    assert "A" in flow.queues.buttons


def test_home_button_while_preparing_stays_home(
    qtbot: QtBot, make_kiosk: KioskMaker, gated: GatedDatabase
) -> None:
    kiosk = make_kiosk(gated, wait_ready=False)
    qtbot.mouseClick(kiosk.controller.home.tiles["rating"], Qt.MouseButton.LeftButton)
    screen = kiosk.window.stack.currentWidget()
    assert isinstance(screen, MessageScreen) and screen.home_button is not None
    qtbot.mouseClick(screen.home_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == HOME
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=10_000):
        gated.gate.set()
    assert kiosk.window.current_name == HOME
    assert kiosk.controller.home.state_label.text() == "营业中"


def test_admin_pin_before_the_database_is_ready_is_refused_without_hanging(
    qtbot: QtBot, make_kiosk: KioskMaker, gated: GatedDatabase
) -> None:
    kiosk = make_kiosk(gated, wait_ready=False)
    pin = kiosk.controller.pin
    kiosk.controller.on_admin_corner_long_pressed()
    qtbot.mouseClick(pin.keys["1"], Qt.MouseButton.LeftButton)
    with qtbot.assertNotEmitted(kiosk.controller.exit_requested, wait=100):
        qtbot.mouseClick(pin.keys["ok"], Qt.MouseButton.LeftButton)
    assert pin.error_label.text() == "暂时无法核对密码，请稍后再试"
    assert pin.display.text() == ""


def test_choice_names_match_their_modules() -> None:
    from kiosk.screens import guide, names, priority, rating, ticket

    assert (ticket.NAME, guide.NAME, priority.NAME, rating.NAME) == (
        names.TICKET,
        names.GUIDE,
        names.PRIORITY,
        names.RATING,
    )
