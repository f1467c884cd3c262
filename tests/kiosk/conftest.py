"""Kiosk test helpers: a controllable clock and a kiosk wired to a real database file.

The offscreen platform warns "does not support propagateSizeHints()" whenever a top-level
window with a layout is shown; the kiosk's test modules ignore exactly that message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskController, KioskOptions
from kiosk.keyboard import QT_NOISE, prepare_environment
from kiosk.window import KioskWindow

# The kiosk types with Qt's virtual keyboard, chosen before the QApplication exists (pytest-qt
# makes it on first use, once every conftest is imported), as ``python -m kiosk`` does.
prepare_environment()


def pytest_configure(config: pytest.Config) -> None:
    # What Qt's keyboard prints on every focus change (see kiosk.keyboard.QT_NOISE).
    for pattern in QT_NOISE:
        config.addinivalue_line("qt_log_ignore", pattern)


OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
# Wednesday 26 November 2025, 10:05 in the hall (02:05 UTC): the morning session is open.
OPEN_INSTANT = datetime(2025, 11, 26, 2, 5, tzinfo=UTC)
FAST = KioskOptions(
    idle_ms=300,
    warning_seconds=3,
    tick_ms=100,
    retry_ms=100,
    long_press_ms=200,
    feed_interval=0.05,
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = OPEN_INSTANT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Kiosk:
    """A started kiosk under test."""

    controller: KioskController
    window: KioskWindow
    clock: FakeClock


KioskMaker = Callable[..., Kiosk]


@pytest.fixture
def clock() -> FakeClock:
    """A controllable clock, at an open hour by default."""
    return FakeClock()


@pytest.fixture
def make_kiosk(qtbot: QtBot, clock: FakeClock) -> Iterator[KioskMaker]:
    """Build, show and start a kiosk on a session factory (1920×1080 unless told)."""
    made: list[KioskController] = []

    def make(
        factory: sessionmaker[Session],
        options: KioskOptions = FAST,
        size: tuple[int, int] = (1920, 1080),
        wait_ready: bool = True,
    ) -> Kiosk:
        window = KioskWindow(long_press_ms=options.long_press_ms)
        qtbot.addWidget(window)
        controller = KioskController(window, factory, options, clock=clock)
        made.append(controller)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        if wait_ready:
            with qtbot.waitSignal(controller.status_refreshed, timeout=10_000):
                controller.start()
        else:
            controller.start()
        return Kiosk(controller, window, clock)

    yield make
    for controller in made:
        controller.shutdown()
        # The kiosk refuses to close until its PIN lets it: let it, so no kiosk window stays
        # on screen into later tests.
        controller.window.allow_exit()
        controller.window.close()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet("")
