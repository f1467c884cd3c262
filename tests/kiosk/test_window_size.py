"""The kiosk fits its screen: 1920×1080 landscape and 1080×1920 portrait, in both modes.

A top-level window never shrinks below its layout's minimum size, so one screen that needs
more than the display (the admin PIN pad once needed 1092 px in 长辈模式) pushes the whole
kiosk window off the bottom edge. Every registered screen is checked, the 取号 screens
filled with the demo hall's queues and an issued ticket.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens.ticket import CONFIRM, RESULT
from shared.qt.theme import ELDER, KIOSK
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

DISPLAYS = [(1920, 1080), (1080, 1920)]


class _NoPrinter:
    def describe(self) -> str:
        return "none"

    def print_ticket(self, slip: Any) -> None:
        pass


@pytest.mark.parametrize("elder", [True, False], ids=["elder", "normal"])
@pytest.mark.parametrize("display", DISPLAYS, ids=["landscape", "portrait"])
def test_every_screen_fits_the_display(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    elder: bool,
    display: tuple[int, int],
) -> None:
    options = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000, "elder": elder})
    kiosk = make_kiosk(sqlite_factory, options, size=display)
    assert kiosk.controller.tokens is (ELDER if elder else KIOSK)
    flow = kiosk.controller.ticket_flow
    flow.printer_factory = lambda _config: _NoPrinter()
    with qtbot.waitSignal(flow.menu_loaded, timeout=10_000):
        flow.start()
    flow.choose(next(iter(flow.queues.buttons)))
    assert kiosk.window.current_name == CONFIRM
    with qtbot.waitSignal(flow.print_finished, timeout=10_000):
        flow.confirm()
    assert kiosk.window.current_name == RESULT

    width, height = display
    too_big = {}
    for name in kiosk.window.screen_names():
        kiosk.window.show_screen(name)
        qtbot.wait(1)
        hint = kiosk.window.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            too_big[name] = hint.toTuple()
    assert too_big == {}, f"minimum size over {width}×{height}"
    assert kiosk.window.width() <= width and kiosk.window.height() <= height
